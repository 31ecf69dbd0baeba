-- Lineage: seconds spent per stage in each run, and one row per committed batch.
-- `stage_seconds` is a JSON object ({"extract": 0.4, "tag_entities": 12.1, ...}) so new stages need no migration.
ALTER TABLE runs ADD COLUMN stage_seconds JSON;

-- A batch is recorded in the same transaction as its rows: a batch listed here is wholly loaded.
-- `batch_key` (UTC load time, run id, batch number) names the batch's files in the lake and sorts in load order.
CREATE TABLE batches (
    batch_key VARCHAR PRIMARY KEY,
    run_id    VARCHAR NOT NULL,
    batch_no  INTEGER NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    counts    JSON NOT NULL
);
