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
