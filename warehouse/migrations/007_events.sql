-- Events coded in CAMEO from the article text (README "Events"), and their participants.
CREATE TABLE events (
    event_id        VARCHAR PRIMARY KEY,
    article_id      VARCHAR NOT NULL,
    type            VARCHAR NOT NULL,
    cameo_code      VARCHAR NOT NULL,
    cameo_name      VARCHAR NOT NULL,
    trigger         VARCHAR NOT NULL,
    start           INTEGER NOT NULL,
    stop            INTEGER NOT NULL,
    sentence        INTEGER NOT NULL,
    sentence_start  INTEGER NOT NULL,
    sentence_stop   INTEGER NOT NULL,
    modality        VARCHAR NOT NULL,
    event_date      DATE,
    date_precision  VARCHAR,
    place_entity_id VARCHAR,
    run_id          VARCHAR NOT NULL
);
CREATE INDEX events_article ON events (article_id);

CREATE TABLE event_participants (
    event_id   VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,
    run_id     VARCHAR NOT NULL,
    PRIMARY KEY (event_id, entity_id)
);

ALTER TABLE runs ADD COLUMN n_events BIGINT;
ALTER TABLE runs ADD COLUMN n_event_participants BIGINT;
ALTER TABLE runs ADD COLUMN n_quarantined_events BIGINT;
