-- What is in quarantine: to list, to show, to replay.

-- name: list_quarantine
-- What is in quarantine, newest first, optionally of one stage. Never a payload: a payload can be a
-- gigabyte, and DuckDB reads a whole value (even of a row it filters out) to use any of it; its
-- length and first characters are kept beside it (migration 016).
SELECT quarantine_id, stage, record_key, reason, payload_chars, payload_preview, quarantined_at
FROM quarantine
WHERE ($stage IS NULL OR stage = $stage)
ORDER BY quarantined_at DESC, record_key
LIMIT $limit;

-- name: show_quarantine
-- One record, without its payload (see list_quarantine).
SELECT quarantine_id, run_id, stage, source, record_key, reason, quarantined_at, payload_chars, payload_preview
FROM quarantine
WHERE quarantine_id = $quarantine_id;

-- name: quarantine_payload
-- One record's whole payload, to write to a file.
SELECT payload
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
