-- The latest runs, newest first; a run still in progress shows the counts of the batches it has loaded so far.
SELECT r.run_id, r.status, r.started_at, r.finished_at,
       round(epoch(coalesce(r.finished_at, now()) - r.started_at), 1) AS seconds,
       coalesce(r.n_read, sum(CAST(b.counts->>'n_read' AS BIGINT))) AS n_read,
       coalesce(r.n_loaded, sum(CAST(b.counts->>'n_loaded' AS BIGINT))) AS n_loaded,
       coalesce(r.n_duplicates, sum(CAST(b.counts->>'n_duplicates' AS BIGINT))) AS n_duplicates,
       coalesce(r.n_quarantined, sum(CAST(b.counts->>'n_quarantined' AS BIGINT))) AS n_quarantined,
       coalesce(r.n_mentions, sum(CAST(b.counts->>'n_mentions' AS BIGINT))) AS n_mentions,
       count(b.batch_key) AS n_batches,
       r.code_version, r.stage_seconds, r.error
FROM runs AS r
LEFT JOIN batches AS b USING (run_id)
GROUP BY ALL
ORDER BY r.started_at DESC
LIMIT $limit;
