-- What is in quarantine, newest first, optionally of one stage.
SELECT quarantine_id, stage, record_key, reason, quarantined_at
FROM quarantine
WHERE ($stage IS NULL OR stage = $stage)
ORDER BY quarantined_at DESC, record_key
LIMIT $limit;
