-- Runs that never recorded their end: their process died (only called under the writer lock).
SELECT run_id FROM runs WHERE status = 'running' ORDER BY started_at;
