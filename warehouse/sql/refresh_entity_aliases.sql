-- Every surface and normal form of each entity, with counts, rebuilt from mentions.
DELETE FROM entity_aliases;
INSERT INTO entity_aliases
SELECT entity_id, 'surface', text, count(*), count(DISTINCT article_id) FROM mentions GROUP BY ALL
UNION ALL
SELECT entity_id, 'normal', normal, count(*), count(DISTINCT article_id) FROM mentions GROUP BY ALL;
