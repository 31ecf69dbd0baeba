-- What the last successful run of each source saw, so the next run reads only what is new or changed.
-- key: a file's absolute path, a URL, or feed-location#item-id.
CREATE TABLE source_state (
    source        VARCHAR NOT NULL,
    key           VARCHAR NOT NULL,
    size          BIGINT,
    mtime         DOUBLE,
    content_hash  VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR,
    run_id        VARCHAR NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, key)
);
