-- The same failure of the same record is stored once, however many runs meet it.
-- quarantined_at comes with the batch (its load time), so a rebuild from the lake gives the same value.
INSERT INTO quarantine
SELECT quarantine_id, $run_id, stage, source, record_key, reason, payload, quarantined_at
FROM batch_quarantine
ON CONFLICT (quarantine_id) DO NOTHING;
