-- Consolidated events (issue 22), GDELT-style: the reports of one event across a story's articles. Events of
-- the same CAMEO root, with the same actors and targets (entities linked across the corpus: entities.same_as),
-- on the same resolved date (or undated), in the same story, are one group. Regrouped at the end of each run,
-- after entities are linked (sql/event_groups.sql): only the groups whose events changed are rewritten.
CREATE TABLE event_groups (
    group_id       VARCHAR PRIMARY KEY,  -- hash of story, type, actors, targets, date and precision
    story_id       VARCHAR NOT NULL,
    type           VARCHAR NOT NULL,     -- CAMEO root: `04 CONSULT`
    actor_ids      VARCHAR[] NOT NULL,   -- sorted entity ids (after linking)
    target_ids     VARCHAR[] NOT NULL,
    actors         VARCHAR[] NOT NULL,   -- their names, in the same order
    targets        VARCHAR[] NOT NULL,
    event_date     DATE,                 -- NULL: no report dates it
    date_precision VARCHAR,
    place_entity_id VARCHAR,             -- the place most of its reports name (linked)
    place          VARCHAR,
    modality       VARCHAR NOT NULL,     -- the most reported modality
    modalities     MAP(VARCHAR, BIGINT) NOT NULL,  -- reports per modality: planned in one, denied in another
    n_mentions     BIGINT NOT NULL,      -- events rows
    n_articles     BIGINT NOT NULL,
    n_sources      BIGINT NOT NULL,
    first_reported TIMESTAMPTZ,          -- publication time of its earliest report
    last_reported  TIMESTAMPTZ
);

ALTER TABLE events ADD COLUMN group_id VARCHAR;
