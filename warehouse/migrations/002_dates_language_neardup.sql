-- Issue 4: date mentions, near-duplicate signatures, and the run counts that come with them.
CREATE TABLE date_mentions (
    article_id VARCHAR NOT NULL,
    start      INTEGER NOT NULL,
    stop       INTEGER NOT NULL,
    text       VARCHAR NOT NULL,
    value      DATE NOT NULL,      -- the first day of the period named
    precision  VARCHAR NOT NULL,   -- day, week, month, season, year
    run_id     VARCHAR NOT NULL,
    -- a range («15–16 марта») is two rows with the same span
    PRIMARY KEY (article_id, start, stop, value)
);

-- One MinHash signature per article (128 values of word 5-gram shingles), so the
-- near-duplicate LSH index is rebuilt at the start of a run without re-reading texts.
CREATE TABLE article_signatures (
    article_id VARCHAR PRIMARY KEY,
    signature  UINTEGER[] NOT NULL,
    run_id     VARCHAR NOT NULL
);

ALTER TABLE runs ADD COLUMN n_no_date BIGINT;
ALTER TABLE runs ADD COLUMN n_near_duplicates BIGINT;
ALTER TABLE runs ADD COLUMN n_date_mentions BIGINT;
ALTER TABLE runs ADD COLUMN n_date_failures BIGINT;
ALTER TABLE runs ADD COLUMN n_date_mentions_quarantined BIGINT;
ALTER TABLE runs ADD COLUMN languages JSON;
