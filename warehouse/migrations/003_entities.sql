-- Entities across the corpus (issue 5).
-- mentions.article_entity_id: the entity a mention resolves to inside its article;
-- mentions.entity_id becomes the corpus-level entity (a bare surname linked to the
-- corpus's dominant full name), recomputed by sql/link_entities_*.sql after each run.
ALTER TABLE mentions ADD COLUMN article_entity_id VARCHAR;
UPDATE mentions SET article_entity_id = entity_id;

-- entities.same_as: the entity this one was linked to across the corpus (NULL: it stands for itself).
ALTER TABLE entities ADD COLUMN same_as VARCHAR;

-- Every form an entity was written in, with counts; rebuilt from mentions after each run.
CREATE TABLE entity_aliases (
    entity_id  VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,  -- 'surface' (mentions.text) or 'normal' (mentions.normal)
    alias      VARCHAR NOT NULL,
    n_mentions BIGINT NOT NULL,
    n_articles BIGINT NOT NULL,
    PRIMARY KEY (entity_id, kind, alias)
);
