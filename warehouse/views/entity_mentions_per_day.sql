-- One row per day and entity: how often it was mentioned and in how many articles (examples in warehouse/queries/).
CREATE OR REPLACE VIEW entity_mentions_per_day AS
SELECT a.published_date, e.entity_id, e.type, e.name,
       count(*) AS n_mentions, count(DISTINCT m.article_id) AS n_articles
FROM mentions AS m
JOIN articles AS a USING (article_id)
JOIN entities AS e USING (entity_id)
GROUP BY ALL;
