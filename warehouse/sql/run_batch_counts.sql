SELECT counts FROM batches WHERE run_id = $run_id ORDER BY batch_key;
