SELECT * FROM runs ORDER BY started_at, run_id;
