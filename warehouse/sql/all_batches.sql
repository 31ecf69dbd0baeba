SELECT * FROM batches ORDER BY batch_key;
