-- What each run loaded, with its code version and where its time went.
-- Example: newsetl sql warehouse/queries/runs_lineage.sql
SELECT r.run_id, r.status, r.code_version, r.started_at,
       round(epoch(r.finished_at - r.started_at), 1) AS seconds,
       r.stage_seconds,
       (SELECT count(*) FROM batches AS b WHERE b.run_id = r.run_id) AS n_batches,
       (SELECT count(*) FROM articles AS a WHERE a.run_id = r.run_id) AS n_articles_now_from_run,
       r.n_read, r.n_loaded, r.n_duplicates, r.n_quarantined
FROM runs AS r
ORDER BY r.started_at DESC;
