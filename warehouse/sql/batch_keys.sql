SELECT batch_key FROM batches ORDER BY batch_key;
