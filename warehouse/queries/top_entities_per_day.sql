-- The five most mentioned entities of each publication day.
-- Example: newsetl sql warehouse/queries/top_entities_per_day.sql
SELECT published_date, rank, type, name, n_mentions, n_articles
FROM (
    SELECT *, row_number() OVER (PARTITION BY published_date ORDER BY n_mentions DESC, n_articles DESC, name) AS rank
    FROM entity_mentions_per_day
    WHERE published_date IS NOT NULL
)
WHERE rank <= 5
ORDER BY published_date DESC, rank;
