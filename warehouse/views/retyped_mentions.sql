-- Every mention whose type the corpus changed, with why: the name, its old and new type, and the counts of
-- articles behind each (entity_retypes).
CREATE OR REPLACE VIEW retyped_mentions AS
SELECT m.article_id, m.start, m.stop, m.text, m.normal, m.article_type AS from_type, m.type AS to_type,
       m.article_entity_id, m.entity_id, r.name, r.n_articles_from, r.n_articles_to, r.share
FROM mentions m
JOIN entity_retypes r ON r.entity_id = m.article_entity_id
WHERE m.type IS DISTINCT FROM m.article_type;
