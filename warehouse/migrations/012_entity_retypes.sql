-- Corpus-level re-typing (issue 20). mentions.article_type: the type the tagger gave the mention within its
-- article; mentions.type becomes the corpus-level type, that of the entity the mention resolves to (a name the
-- corpus overwhelmingly gives one type is re-typed in the articles that gave it another).
ALTER TABLE mentions ADD COLUMN article_type VARCHAR;
UPDATE mentions SET article_type = type;

-- The evidence of each re-typing, recomputed by link_entities (sql/entities.sql) after each run: the entity of
-- the minority type, the entity of the majority type it now stands for (entities.same_as), and the counts.
CREATE TABLE entity_retypes (
    entity_id        VARCHAR PRIMARY KEY,  -- the re-typed entity (of the minority type)
    target_id        VARCHAR NOT NULL,     -- the entity of the same name and the corpus's type
    name             VARCHAR NOT NULL,
    from_type        VARCHAR NOT NULL,
    to_type          VARCHAR NOT NULL,
    n_articles_from  BIGINT NOT NULL,      -- articles that gave the name from_type
    n_articles_to    BIGINT NOT NULL,      -- articles that gave it to_type
    share            DOUBLE NOT NULL       -- n_articles_to among the articles naming it with any type
);
