-- `newsetl explain`: an article and the spans found in it.

-- name: explain_article
SELECT article_id, source, url, title, published_at, language, text, run_id FROM articles WHERE article_id = $article_id;

-- name: explain_author
-- Used only when the warehouse has the author column (migration 014).
SELECT author FROM articles WHERE article_id = $article_id;

-- name: explain_mentions
SELECT m.start, m.stop, m.type, m.text, m.normal, e.name AS entity
FROM mentions AS m
LEFT JOIN entities AS e USING (entity_id)
WHERE m.article_id = $article_id
ORDER BY m.start;

-- name: explain_dates
-- Used only when the warehouse has a date_mentions table.
SELECT start, stop, 'DATE' AS type, text, CAST(value AS VARCHAR) || ' (' || precision || ')' AS detail
FROM date_mentions WHERE article_id = $article_id ORDER BY start;

-- name: explain_events
-- Used only when the warehouse has an events table.
SELECT start, stop, 'EVENT' AS type, trigger AS text, type || ' · ' || modality AS detail
FROM events WHERE article_id = $article_id ORDER BY start;
