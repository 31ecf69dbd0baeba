-- The tables of the warehouse contract (see README "Tables").
CREATE TABLE articles (
    article_id     VARCHAR PRIMARY KEY,
    source         VARCHAR NOT NULL,
    url            VARCHAR,
    title          VARCHAR,
    published_at   TIMESTAMPTZ,
    published_date DATE,
    language       VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    duplicate_of   VARCHAR,
    run_id         VARCHAR NOT NULL
);
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE TABLE mentions (
    article_id VARCHAR NOT NULL,
    start      INTEGER NOT NULL,
    stop       INTEGER NOT NULL,
    sentence   INTEGER NOT NULL,
    type       VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    normal     VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    run_id     VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start, stop)
);

CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,
    type      VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    run_id    VARCHAR NOT NULL
);

CREATE TABLE quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,
    run_id         VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,
    source         VARCHAR,
    record_key     VARCHAR NOT NULL,
    reason         VARCHAR NOT NULL,
    payload        VARCHAR,
    quarantined_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE runs (
    run_id               VARCHAR PRIMARY KEY,
    flow                 VARCHAR NOT NULL,
    parameters           JSON,
    code_version         VARCHAR,
    started_at           TIMESTAMPTZ NOT NULL,
    finished_at          TIMESTAMPTZ,
    status               VARCHAR NOT NULL,
    error                VARCHAR,
    n_read               BIGINT,
    n_loaded             BIGINT,
    n_duplicates         BIGINT,
    n_quarantined        BIGINT,
    n_quarantined_extract   BIGINT,
    n_quarantined_normalize BIGINT,
    n_quarantined_tag       BIGINT,
    n_quarantined_validate  BIGINT,
    n_mentions           BIGINT,
    n_mentions_quarantined BIGINT,
    n_entities           BIGINT
);
