-- Quarantined raw records to run through the pipeline again, oldest first. Extract failures are
-- not replayed (the input itself was unreadable: read the fixed input again), nor rows that a
-- child table's suite quarantined ($child_tables, e.g. a mention): those come back when their
-- article is read again.
SELECT quarantine_id, stage, record_key, payload
FROM quarantine
WHERE ($stage IS NULL OR stage = $stage)
  AND stage <> 'extract'
  AND NOT (stage = 'validate' AND list_contains($child_tables, source))
ORDER BY quarantined_at, record_key;
