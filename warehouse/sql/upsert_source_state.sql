-- The last row for a (source, key) wins: a file re-read in this run replaces what an earlier run saw.
INSERT OR REPLACE INTO source_state
SELECT source, key, size, mtime, content_hash, etag, last_modified, $run_id, now()
FROM batch_source_state
QUALIFY row_number() OVER (PARTITION BY source, key ORDER BY position DESC) = 1;
