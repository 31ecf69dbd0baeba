-- Articles per source and day, with how many were quarantined from that source.
-- Example: newsetl sql warehouse/queries/sources_volume.sql --format json
WITH loaded AS (
    SELECT source, published_date, count(*) AS n_articles, sum(length(text)) AS n_characters
    FROM articles
    GROUP BY ALL
), failed AS (
    SELECT source, count(*) AS n_quarantined FROM quarantine GROUP BY ALL
)
SELECT l.source, l.published_date, l.n_articles, l.n_characters, coalesce(f.n_quarantined, 0) AS n_quarantined_from_source
FROM loaded AS l
LEFT JOIN failed AS f USING (source)
ORDER BY l.published_date DESC NULLS LAST, l.n_articles DESC, l.source;
