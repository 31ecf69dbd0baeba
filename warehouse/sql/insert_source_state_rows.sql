-- source_state kept from the old file by a rebuild (registered as kept_rows): the lake does not hold it.
INSERT INTO source_state BY NAME SELECT * FROM kept_rows;
