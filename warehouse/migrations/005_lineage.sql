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

-- Views analysts start from (examples in warehouse/queries/).
-- One row per day and entity: how often it was mentioned and in how many articles.
CREATE VIEW entity_mentions_per_day AS
SELECT a.published_date, e.entity_id, e.type, e.name,
       count(*) AS n_mentions, count(DISTINCT m.article_id) AS n_articles
FROM mentions AS m
JOIN articles AS a USING (article_id)
JOIN entities AS e USING (entity_id)
GROUP BY ALL;
