-- Stories (issue 22): articles about the same happening, whatever their wording and outlet. Assigned
-- incrementally, one batch at a time, in the batch's load transaction (warehouse/stories.py,
-- transforms/stories.py): every loaded article is in exactly one story.
-- The view `stories` (articles without near copies) gives way to the table.
DROP VIEW IF EXISTS stories;

CREATE TABLE stories (
    story_id           VARCHAR PRIMARY KEY,  -- hash of the article that founded it
    title              VARCHAR,              -- the title of its most central article (its first line if untitled)
    central_article_id VARCHAR NOT NULL,     -- the member closest to the story's centroid
    first_seen         TIMESTAMPTZ,          -- earliest and latest publication time of its articles
    last_seen          TIMESTAMPTZ,
    n_articles         BIGINT NOT NULL,
    n_sources          BIGINT NOT NULL,
    -- the entities named by most of its articles (within-article entities; entities.same_as links them)
    top_entities       STRUCT(entity_id VARCHAR, type VARCHAR, name VARCHAR, n_articles BIGINT)[] NOT NULL,
    centroid           FLOAT[300] NOT NULL,  -- sum of its articles' unit document vectors
    updated_run_id     VARCHAR NOT NULL
);
CREATE INDEX stories_last_seen ON stories (last_seen);

CREATE TABLE story_articles (
    article_id VARCHAR PRIMARY KEY,
    story_id   VARCHAR NOT NULL,
    -- how it joined: 'founded', 'similar' (score >= threshold), 'near_copy' (duplicate_of), 'kept' (a new
    -- version of an article stays in its story)
    joined_by  VARCHAR NOT NULL,
    score      DOUBLE,            -- cosine + entity bonus against the story when it joined (NULL unless 'similar')
    vector     FLOAT[300] NOT NULL,  -- the article's unit document vector
    run_id     VARCHAR NOT NULL
);
CREATE INDEX story_articles_story ON story_articles (story_id);

-- A new article close to two stories merges them: the smaller goes into the larger (older on a tie).
CREATE TABLE story_merges (
    story_id     VARCHAR NOT NULL,  -- the story that was merged away
    merged_into  VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,  -- the bridging article
    score        DOUBLE NOT NULL,   -- its score against the story merged away
    run_id       VARCHAR NOT NULL,
    batch_key    VARCHAR NOT NULL,
    PRIMARY KEY (story_id)
);

-- Document frequency of each word (and `@entity_id`) over the articles assigned so far: term rarity (IDF).
CREATE TABLE story_terms (
    term       VARCHAR PRIMARY KEY,
    n_articles BIGINT NOT NULL
);

ALTER TABLE runs ADD COLUMN n_stories_new BIGINT;
ALTER TABLE runs ADD COLUMN n_story_merges BIGINT;
