-- Quarantined raw records to run through the pipeline again, oldest first. Rows that a child
-- table's suite quarantined ($child_tables, e.g. a mention) are not raw records: they come back
-- when their article is read again.
SELECT quarantine_id, stage, record_key, payload, reason
FROM quarantine
WHERE ($stage IS NULL OR stage = $stage)
  AND NOT (stage = 'validate' AND list_contains($child_tables, source))
ORDER BY quarantined_at, record_key;
