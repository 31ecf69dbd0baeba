-- Every form an entity was written in, with counts: as written (`surface`) and in lemma form (`normal`).
CREATE OR REPLACE VIEW entity_aliases AS
SELECT entity_id, 'surface' AS kind, text AS alias, count(*) AS n_mentions, count(DISTINCT article_id) AS n_articles
FROM mentions
GROUP BY ALL
UNION ALL
SELECT entity_id, 'normal', normal, count(*), count(DISTINCT article_id)
FROM mentions
GROUP BY ALL;
