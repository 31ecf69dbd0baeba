-- A quarantined payload can be a gigabyte, and DuckDB reads a whole value even to take its first
-- characters: each payload's length and first 1,000 characters (warehouse.db.PAYLOAD_PREVIEW_CHARS)
-- are kept beside it, made when the row is loaded (sql/load.sql, insert_quarantine), so that
-- `newsetl quarantine list|show` never read payloads.
ALTER TABLE quarantine ADD COLUMN payload_chars BIGINT;
ALTER TABLE quarantine ADD COLUMN payload_preview VARCHAR;
UPDATE quarantine SET payload_chars = length(payload), payload_preview = left(payload, 1000);
-- Reasons written before they were cut (validate quoted a whole text) are cut as
-- transforms.quarantine.quarantine_row cuts them now: 1,000 characters (REASON_CHARS) in all, the
-- last of them saying how long the reason was.
UPDATE quarantine
SET reason = left(reason, 1000 - length('… (' || format('{:,}', length(reason)) || ' characters)'))
    || '… (' || format('{:,}', length(reason)) || ' characters)'
WHERE length(reason) > 1000;
