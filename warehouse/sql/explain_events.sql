-- Used only when the warehouse has an events table.
SELECT start, stop, 'EVENT' AS type, trigger AS text, type || ' · ' || modality AS detail
FROM events WHERE article_id = $article_id ORDER BY start;
