-- One row per story and publication day it was reported on: that day's articles and outlets, and its growth
-- (articles that day minus the day before). Rank a day's stories by n_articles, n_sources. `entities` are the
-- story's top entities, each shown under the entity it is linked to across the corpus (entities.same_as).
CREATE OR REPLACE VIEW top_stories AS
WITH daily AS (
    SELECT sa.story_id, a.published_date AS day,
           count(*) AS n_articles, count(DISTINCT a.source) AS n_sources,
           list(DISTINCT a.source ORDER BY a.source) AS sources
    FROM story_articles AS sa
    JOIN articles AS a ON a.article_id = sa.article_id
    WHERE a.published_date IS NOT NULL
    GROUP BY ALL
),
named AS (
    SELECT story_id, list(name ORDER BY n_articles DESC, name) AS entities
    FROM (
        SELECT s.story_id, coalesce(linked.name, e.name) AS name, max(t.entity.n_articles) AS n_articles
        FROM stories AS s, unnest(s.top_entities) AS t(entity)
        JOIN entities AS e ON e.entity_id = t.entity.entity_id
        LEFT JOIN entities AS linked ON linked.entity_id = e.same_as
        GROUP BY ALL
    )
    GROUP BY story_id
)
SELECT d.day, d.story_id, s.title, d.n_articles, d.n_sources,
       d.n_articles - coalesce(lag(d.n_articles) OVER (PARTITION BY d.story_id ORDER BY d.day), 0) AS growth,
       d.sources, s.n_articles AS story_articles, s.n_sources AS story_sources,
       s.first_seen, s.last_seen, coalesce(n.entities, []) AS entities
FROM daily AS d
JOIN stories AS s ON s.story_id = d.story_id
LEFT JOIN named AS n ON n.story_id = d.story_id;
