-- Runs restored from the lake (rebuild); columns matched by name, so older lake files fit newer tables.
INSERT INTO runs BY NAME SELECT * FROM lake_runs;
