-- What is in quarantine: to list, to show, to replay.

-- name: list_quarantine
-- What is in quarantine, newest first, optionally of one stage.
SELECT quarantine_id, stage, record_key, reason, quarantined_at
FROM quarantine
WHERE ($stage IS NULL OR stage = $stage)
ORDER BY quarantined_at DESC, record_key
LIMIT $limit;

-- name: show_quarantine
SELECT quarantine_id, run_id, stage, source, record_key, reason, quarantined_at, payload
FROM quarantine
WHERE quarantine_id = $quarantine_id;

-- name: replayable_quarantine
-- Quarantined raw records of $stages to run through the pipeline again, oldest first; not rows that
-- a child table's suite quarantined ($child_tables, e.g. a mention): those come back when their
-- article is read again.
SELECT quarantine_id, stage, record_key, payload
FROM quarantine
WHERE list_contains($stages, stage)
  AND NOT (stage = 'validate' AND list_contains($child_tables, source))
ORDER BY quarantined_at, record_key;
