-- Pairs of entities named in the same article (each pair once, entity_a < entity_b),
-- with the number of articles; near-duplicate articles are left out.
CREATE OR REPLACE VIEW entity_cooccurrence AS
WITH article_entities AS (
    SELECT DISTINCT m.article_id, m.entity_id
    FROM mentions m JOIN articles a ON a.article_id = m.article_id
    WHERE a.duplicate_of IS NULL
)
SELECT x.entity_id AS entity_a,
       ea.type AS type_a,
       ea.name AS name_a,
       y.entity_id AS entity_b,
       eb.type AS type_b,
       eb.name AS name_b,
       count(*) AS articles
FROM article_entities x
JOIN article_entities y ON y.article_id = x.article_id AND x.entity_id < y.entity_id
JOIN entities ea ON ea.entity_id = x.entity_id
JOIN entities eb ON eb.entity_id = y.entity_id
GROUP BY ALL;
