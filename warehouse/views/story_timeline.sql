-- One row per article of a story, in publication order: how the story spread across outlets.
-- `joined_by`: founded, similar (with its score), near_copy, kept (a new version of the same article).
CREATE OR REPLACE VIEW story_timeline AS
SELECT sa.story_id, s.title AS story_title, a.published_at, a.published_date, a.source, a.title,
       sa.joined_by, sa.score, a.duplicate_of, a.url, a.article_id,
       row_number() OVER (PARTITION BY sa.story_id ORDER BY a.published_at NULLS LAST, a.article_id) AS position
FROM story_articles AS sa
JOIN stories AS s ON s.story_id = sa.story_id
JOIN articles AS a ON a.article_id = sa.article_id;
