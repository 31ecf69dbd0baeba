-- What earlier runs saw of each source; `upsert_source_state` reads batch_source_state, `insert_source_state_rows`
-- kept_rows (a rebuild keeps them from the old file).

-- name: select_source_state
SELECT source, key, size, mtime, content_hash, etag, last_modified
FROM source_state;

-- name: upsert_source_state
-- The last row for a (source, key) wins: a file re-read in this run replaces what an earlier run saw.
INSERT OR REPLACE INTO source_state
SELECT source, key, size, mtime, content_hash, etag, last_modified, $run_id, now()
FROM batch_source_state
QUALIFY row_number() OVER (PARTITION BY source, key ORDER BY position DESC) = 1;

-- name: insert_source_state_rows
-- source_state kept from the old file by a rebuild (registered as kept_rows): the lake does not hold it.
INSERT INTO source_state BY NAME SELECT * FROM kept_rows;
