SELECT quarantine_id, run_id, stage, source, record_key, reason, quarantined_at, payload
FROM quarantine
WHERE quarantine_id = $quarantine_id;
