-- Issue 21. Each event's confidence (0 to 1: how likely it is a real event of its type, from
-- transforms/event_confidence.json); the views count the confident ones (README "The tables").
ALTER TABLE events ADD COLUMN confidence DOUBLE;
-- The one place the threshold is declared: events of at least this confidence are confident. Events
-- loaded before this migration have none and count as confident, as they did.
CREATE OR REPLACE MACRO is_confident(confidence) AS coalesce(confidence, 1.0) >= 0.5;

-- A duration («три года», «в течение нескольких дней») is a date mention of precision `duration` with no
-- value: `value` may be null, so it leaves the primary key, which a null may not be part of. The table
-- is made again with the same columns, and its rows kept.
CREATE TABLE date_mentions_before_013 AS SELECT * FROM date_mentions;
DROP TABLE date_mentions;
CREATE TABLE date_mentions (
    article_id VARCHAR NOT NULL,
    start      INTEGER NOT NULL,
    stop       INTEGER NOT NULL,
    text       VARCHAR NOT NULL,
    value      DATE,               -- the first day of the period named; null for a duration
    precision  VARCHAR NOT NULL,   -- day, week, month, season, year, duration
    run_id     VARCHAR NOT NULL
);
INSERT INTO date_mentions SELECT * FROM date_mentions_before_013;
DROP TABLE date_mentions_before_013;
CREATE INDEX date_mentions_article ON date_mentions (article_id);
