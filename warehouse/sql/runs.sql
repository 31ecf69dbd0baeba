-- The `runs` and `batches` tables: a run's start and end, its counts, its batches. `replace_run` reads
-- finished_run (the run's whole row), `insert_runs` lake_runs (the runs a rebuild restores).

-- name: start_run
INSERT INTO runs (run_id, flow, parameters, code_version, started_at, status)
VALUES ($run_id, $flow, $parameters, $code_version, now(), 'running');

-- name: replace_run
INSERT OR REPLACE INTO runs BY NAME SELECT * FROM finished_run;

-- name: run_row
SELECT * FROM runs WHERE run_id = $run_id;

-- name: all_runs
SELECT * FROM runs ORDER BY started_at, run_id;

-- name: unfinished_runs
-- Runs that never recorded their end: their process died (only called under the writer lock).
SELECT run_id FROM runs WHERE status = 'running' ORDER BY started_at;

-- name: run_batch_counts
SELECT counts FROM batches WHERE run_id = $run_id ORDER BY batch_key;

-- name: count_run_entities
SELECT count(DISTINCT entity_id) FROM mentions WHERE run_id = $run_id;

-- name: top_run_entities
-- The entities most mentioned by the articles that one run loaded.
SELECT e.type, e.name, count(*) AS mentions, count(DISTINCT m.article_id) AS articles
FROM mentions AS m
JOIN entities AS e USING (entity_id)
WHERE m.run_id = $run_id
GROUP BY e.type, e.name
ORDER BY mentions DESC, e.type, e.name
LIMIT $limit;

-- name: recent_runs
-- The latest runs, newest first; a run still in progress shows the counts of the batches it has loaded so far.
WITH loaded AS (
    SELECT run_id,
           count(*) AS n_batches,
           sum(CAST(counts->>'n_read' AS BIGINT)) AS n_read,
           sum(CAST(counts->>'n_loaded' AS BIGINT)) AS n_loaded,
           sum(CAST(counts->>'n_duplicates' AS BIGINT)) AS n_duplicates,
           sum(CAST(counts->>'n_quarantined' AS BIGINT)) AS n_quarantined,
           sum(CAST(counts->>'n_mentions' AS BIGINT)) AS n_mentions
    FROM batches
    GROUP BY run_id
)
SELECT r.run_id, r.status, r.started_at, r.finished_at,
       round(epoch(coalesce(r.finished_at, now()) - r.started_at), 1) AS seconds,
       coalesce(r.n_read, b.n_read, 0) AS n_read,
       coalesce(r.n_loaded, b.n_loaded, 0) AS n_loaded,
       coalesce(r.n_duplicates, b.n_duplicates, 0) AS n_duplicates,
       coalesce(r.n_quarantined, b.n_quarantined, 0) AS n_quarantined,
       coalesce(r.n_mentions, b.n_mentions, 0) AS n_mentions,
       coalesce(b.n_batches, 0) AS n_batches,
       r.code_version, r.stage_seconds, r.error
FROM runs AS r
LEFT JOIN loaded AS b USING (run_id)
ORDER BY r.started_at DESC
LIMIT $limit;

-- name: insert_runs
-- Runs restored from the lake (rebuild); columns matched by name, so older lake files fit newer tables.
INSERT INTO runs BY NAME SELECT * FROM lake_runs;

-- name: batch_keys
SELECT batch_key FROM batches ORDER BY batch_key;

-- name: all_batches
SELECT * FROM batches ORDER BY batch_key;
