-- The five biggest stories of each publication day: that day's articles and outlets, growth over the day
-- before, the outlets and the story's main entities (view top_stories). `newsetl stories --day D` shows one day.
-- Example: newsetl sql warehouse/queries/top_stories_per_day.sql
SELECT day, rank, title, n_articles, n_sources, growth, sources, entities[1:5] AS entities, story_id
FROM (
    SELECT *, row_number() OVER (PARTITION BY day ORDER BY n_articles DESC, n_sources DESC, story_id) AS rank
    FROM top_stories
)
WHERE rank <= 5
ORDER BY day DESC, rank;
