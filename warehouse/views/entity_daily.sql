-- Mentions and articles per entity and publication day. A near-duplicate story
-- (articles.duplicate_of set) is counted once, through the article it duplicates.
CREATE OR REPLACE VIEW entity_daily AS
SELECT a.published_date AS date,
       e.entity_id,
       e.type,
       e.name,
       count(*) AS mentions,
       count(DISTINCT m.article_id) AS articles
FROM mentions m
JOIN articles a ON a.article_id = m.article_id
JOIN entities e ON e.entity_id = m.entity_id
WHERE a.duplicate_of IS NULL AND a.published_date IS NOT NULL
GROUP BY ALL;
