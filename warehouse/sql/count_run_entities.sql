SELECT count(DISTINCT entity_id) FROM mentions WHERE run_id = $run_id;
