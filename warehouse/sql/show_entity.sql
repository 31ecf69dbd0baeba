-- `newsetl entities show NAME`: an entity, its forms and types, and the entities merged into it, with the articles
-- behind each merge. Names compare case- and ё-insensitively.

-- name: find_entities
-- The corpus-level entities that NAME names: as an entity's name, or as a mention's surface or normal form.
SELECT e.entity_id, e.type, e.name, count(*) AS n_mentions, count(DISTINCT m.article_id) AS n_articles
FROM entities e
JOIN mentions m ON m.entity_id = e.entity_id
WHERE e.entity_id IN (
    SELECT m.entity_id
    FROM mentions m JOIN entities a ON a.entity_id = m.article_entity_id
    WHERE lower(replace(a.name, 'ё', 'е')) = lower(replace($name, 'ё', 'е'))
       OR lower(replace(m.text, 'ё', 'е')) = lower(replace($name, 'ё', 'е'))
       OR lower(replace(m.normal, 'ё', 'е')) = lower(replace($name, 'ё', 'е'))
)
GROUP BY ALL
ORDER BY n_mentions DESC, e.entity_id
LIMIT $limit;

-- name: entity_types
-- The types its mentions were given in their articles, and now.
SELECT article_type, type, count(*) AS n_mentions, count(DISTINCT article_id) AS n_articles
FROM mentions
WHERE entity_id = $entity_id
GROUP BY ALL
ORDER BY n_mentions DESC
LIMIT $limit;

-- name: entity_forms
SELECT kind, alias, n_mentions, n_articles
FROM entity_aliases
WHERE entity_id = $entity_id
ORDER BY kind DESC, n_mentions DESC, alias
LIMIT $limit;

-- name: entity_merges
-- Each article-level entity merged into it (re-typed, or a bare name linked), why, and the articles it came from.
SELECT a.entity_id, a.type, a.name,
       CASE WHEN r.entity_id IS NOT NULL
            THEN 're-typed ' || r.from_type || ' → ' || r.to_type || ': ' || r.n_articles_to || ' articles say '
                 || r.to_type || ', ' || r.n_articles_from || ' say ' || r.from_type
            ELSE 'linked: a one-word name the corpus resolves to this entity'
       END AS why,
       count(*) AS n_mentions, count(DISTINCT m.article_id) AS n_articles,
       list(DISTINCT m.article_id ORDER BY m.article_id)[1:$limit] AS articles
FROM mentions m
JOIN entities a ON a.entity_id = m.article_entity_id
LEFT JOIN entity_retypes r ON r.entity_id = a.entity_id
WHERE m.entity_id = $entity_id AND m.article_entity_id <> $entity_id
GROUP BY ALL
ORDER BY n_mentions DESC, a.entity_id;
