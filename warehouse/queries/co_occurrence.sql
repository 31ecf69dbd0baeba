-- Pairs of entities named in the same sentence, by how many articles do so.
-- Example: newsetl sql warehouse/queries/co_occurrence.sql --format csv --output pairs.csv
WITH sentence_entities AS (
    SELECT DISTINCT m.article_id, m.sentence, m.entity_id, e.type, e.name
    FROM mentions AS m
    JOIN entities AS e USING (entity_id)
)
SELECT a.type AS type_a, a.name AS name_a, b.type AS type_b, b.name AS name_b,
       count(DISTINCT a.article_id) AS n_articles, count(*) AS n_sentences
FROM sentence_entities AS a
JOIN sentence_entities AS b
  ON a.article_id = b.article_id AND a.sentence = b.sentence AND a.entity_id < b.entity_id
GROUP BY ALL
ORDER BY n_articles DESC, n_sentences DESC, name_a, name_b
LIMIT 50;
