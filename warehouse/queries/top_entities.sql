-- The most mentioned entities between two publication dates (inclusive), by articles.
-- Parameters: $start_date, $end_date (DATE), $type (PER, LOC, ORG or NULL for all), $limit.
SELECT entity_id, type, name, sum(articles) AS articles, sum(mentions) AS mentions
FROM entity_daily
WHERE date BETWEEN $start_date AND $end_date
  AND ($type IS NULL OR type = $type)
GROUP BY ALL
ORDER BY articles DESC, mentions DESC, name
LIMIT $limit;
