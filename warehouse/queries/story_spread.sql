-- How the stories carried by most outlets spread: each article in publication order, how it joined its story
-- (founded, similar with its score, near_copy, kept) and after how long (view story_timeline).
-- Example: newsetl sql warehouse/queries/story_spread.sql
WITH biggest AS (
    SELECT story_id FROM stories ORDER BY n_sources DESC, n_articles DESC, story_id LIMIT 3
)
SELECT t.story_title, t.position, t.published_at, t.published_at - min(t.published_at) OVER (PARTITION BY t.story_id)
       AS after, t.source, t.title, t.joined_by, round(t.score, 3) AS score, t.story_id
FROM story_timeline AS t
JOIN biggest USING (story_id)
ORDER BY t.story_id, t.position;
