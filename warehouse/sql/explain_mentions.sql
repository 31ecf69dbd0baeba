SELECT m.start, m.stop, m.type, m.text, m.normal, e.name AS entity
FROM mentions AS m
LEFT JOIN entities AS e USING (entity_id)
WHERE m.article_id = $article_id
ORDER BY m.start;
