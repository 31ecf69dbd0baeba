-- Entities across the corpus: a name re-typed to the type the corpus overwhelmingly gives it, a bare surname or
-- abbreviation linked to the fuller entity the corpus names with it, recomputed from everything the warehouse
-- holds, in this order, in one transaction.

-- name: reset_links
-- Links are recomputed from scratch: a surname that became ambiguous loses its link.
UPDATE entities SET same_as = NULL WHERE same_as IS NOT NULL;

-- name: reset_retypes
DELETE FROM entity_retypes;

-- name: find_retypes
-- A name (an entity's name, whatever its type) that at least $min_share of the articles naming it give one type,
-- in at least $min_articles articles: its entities of other types are re-typed to that one. Counted in distinct
-- articles, from the article-level entities, so the result does not depend on the order articles were loaded in.
INSERT INTO entity_retypes
WITH votes AS (
    SELECT lower(replace(e.name, 'ё', 'е')) AS form, e.entity_id, e.name, e.type,
           count(DISTINCT m.article_id) AS n_articles
    FROM entities e JOIN mentions m ON m.article_entity_id = e.entity_id
    GROUP BY ALL
),
ranked AS (
    SELECT *,
           sum(n_articles) OVER (PARTITION BY form) AS n_total,
           row_number() OVER (PARTITION BY form ORDER BY n_articles DESC, type) AS rank
    FROM votes
)
SELECT minor.entity_id, top.entity_id, minor.name, minor.type, top.type, minor.n_articles, top.n_articles,
       top.n_articles / top.n_total
FROM ranked minor
JOIN ranked top ON top.form = minor.form AND top.rank = 1
WHERE minor.rank > 1
  AND top.n_articles >= $min_articles
  AND top.n_articles >= $min_share * top.n_total;

-- name: apply_retypes
UPDATE entities SET same_as = r.target_id
FROM entity_retypes r
WHERE entities.entity_id = r.entity_id;

-- name: find_links
-- Link each one-word person or organisation (a bare surname, an abbreviation) to the fuller entity that the
-- corpus names with that word, when one entity holds at least $min_share of the evidence.
-- Evidence, counted in distinct articles: inside an article the word resolved to the fuller
-- entity («Путин» after «Владимир Путин», «ООН» after «Организация Объединённых Наций (ООН)»),
-- or the word is the last word of a person's full name. Computed from everything the
-- warehouse holds, so the result does not depend on the order articles were loaded in.
UPDATE entities SET same_as = links.target
FROM (
    WITH evidence AS (
        SELECT e.type, lower(replace(m.normal, 'ё', 'е')) AS form, m.article_entity_id AS target, m.article_id
        FROM mentions m JOIN entities e ON e.entity_id = m.article_entity_id
        WHERE m.normal NOT LIKE '% %'
          AND lower(replace(e.name, 'ё', 'е')) <> lower(replace(m.normal, 'ё', 'е'))
        UNION
        SELECT e.type, lower(replace(string_split(e.name, ' ')[-1], 'ё', 'е')), e.entity_id, m.article_id
        FROM entities e JOIN mentions m ON m.article_entity_id = e.entity_id
        WHERE e.type = 'PER' AND e.name LIKE '% %'
    ),
    votes AS (
        SELECT type, form, target, count(DISTINCT article_id) AS n_articles FROM evidence GROUP BY ALL
    ),
    ranked AS (
        SELECT *,
               sum(n_articles) OVER (PARTITION BY type, form) AS n_total,
               row_number() OVER (PARTITION BY type, form ORDER BY n_articles DESC, target) AS rank
        FROM votes
    )
    SELECT e.entity_id AS source, r.target
    FROM entities e
    JOIN ranked r ON r.type = e.type AND r.form = lower(replace(e.name, 'ё', 'е'))
    WHERE e.name NOT LIKE '% %'
      AND e.same_as IS NULL  -- not re-typed
      AND e.type IN ('PER', 'ORG')  -- a one-word place is a place of its own («США», «Япония»)
      AND r.rank = 1
      AND r.n_articles >= $min_share * r.n_total
      AND r.target <> e.entity_id
) AS links
WHERE entities.entity_id = links.source;

-- name: apply_links
-- Each mention carries the corpus-level entity and its type: its article-level entity, or what that is re-typed
-- or linked to (a re-typed bare name may link on: two steps).
UPDATE mentions SET entity_id = final.entity_id, type = final.type
FROM (
    SELECT e.entity_id AS source, coalesce(s2.entity_id, s1.entity_id, e.entity_id) AS entity_id,
           coalesce(s2.type, s1.type, e.type) AS type
    FROM entities e
    LEFT JOIN entities s1 ON s1.entity_id = e.same_as
    LEFT JOIN entities s2 ON s2.entity_id = s1.same_as
) AS final
WHERE final.source = mentions.article_entity_id
  AND (mentions.entity_id IS DISTINCT FROM final.entity_id OR mentions.type IS DISTINCT FROM final.type);
