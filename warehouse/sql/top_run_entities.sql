-- The entities most mentioned by the articles that one run loaded.
SELECT e.type, e.name, count(*) AS mentions, count(DISTINCT m.article_id) AS articles
FROM mentions AS m
JOIN entities AS e USING (entity_id)
WHERE m.run_id = $run_id
GROUP BY e.type, e.name
ORDER BY mentions DESC, e.type, e.name
LIMIT $limit;
