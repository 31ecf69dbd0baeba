INSERT INTO batches VALUES ($batch_key, $run_id, $batch_no, $loaded_at, $counts);
