-- Replayed records (registered as batch_replayed) leave quarantine unless they failed again the
-- same way (same quarantine_id, kept by insert_quarantine's ON CONFLICT DO NOTHING).
DELETE FROM quarantine
WHERE quarantine_id IN (SELECT quarantine_id FROM batch_replayed)
  AND quarantine_id NOT IN (SELECT quarantine_id FROM batch_quarantine);
