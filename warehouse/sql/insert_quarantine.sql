-- The same failure of the same record is stored once, however many runs meet it.
INSERT INTO quarantine
SELECT quarantine_id, $run_id, stage, source, record_key, reason, payload, now()
FROM batch_quarantine
ON CONFLICT (quarantine_id) DO NOTHING;
