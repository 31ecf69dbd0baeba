-- Used only when the warehouse has a date_mentions table.
SELECT start, stop, 'DATE' AS type, text, CAST(value AS VARCHAR) || ' (' || precision || ')' AS detail
FROM date_mentions WHERE article_id = $article_id ORDER BY start;
