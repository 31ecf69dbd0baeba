-- Consolidated events (warehouse/db.py `group_events`), in this order, in one transaction, at the end of a run
-- once entities are linked. Each event's group is a function of the warehouse as it is (its story, type,
-- linked actors and targets, date), so a rebuild that groups once at its end gives the same groups.

-- name: event_keys
-- Every event's group now: computed from all events (a scan, as link_entities scans all mentions).
CREATE OR REPLACE TEMP TABLE event_keys AS
WITH roles AS (
    SELECT e.event_id, e.type, e.event_date, e.date_precision, sa.story_id,
           list_sort(list(DISTINCT coalesce(en.same_as, p.entity_id)) FILTER (WHERE p.role = 'actor')) AS actor_ids,
           list_sort(list(DISTINCT coalesce(en.same_as, p.entity_id)) FILTER (WHERE p.role = 'target')) AS target_ids
    FROM events AS e
    JOIN story_articles AS sa ON sa.article_id = e.article_id
    LEFT JOIN event_participants AS p ON p.event_id = e.event_id
    LEFT JOIN entities AS en ON en.entity_id = p.entity_id
    GROUP BY ALL
)
SELECT event_id, story_id, type, event_date, date_precision,
       coalesce(actor_ids, []) AS actor_ids, coalesce(target_ids, []) AS target_ids,
       left(sha1(concat_ws(chr(0), story_id, type, array_to_string(coalesce(actor_ids, []), ','),
                           array_to_string(coalesce(target_ids, []), ','), coalesce(CAST(event_date AS VARCHAR), ''),
                           coalesce(date_precision, ''))), 16) AS group_id
FROM roles;

-- name: affected_groups
-- The groups to rewrite: those an event leaves or joins, and those whose events went away (replaced articles).
CREATE OR REPLACE TEMP TABLE affected_groups AS
SELECT e.group_id FROM events AS e JOIN event_keys AS k ON k.event_id = e.event_id
WHERE e.group_id IS DISTINCT FROM k.group_id AND e.group_id IS NOT NULL
UNION
SELECT k.group_id FROM events AS e JOIN event_keys AS k ON k.event_id = e.event_id
WHERE e.group_id IS DISTINCT FROM k.group_id
UNION
SELECT g.group_id FROM event_groups AS g
LEFT JOIN (SELECT group_id, count(*) AS n FROM events GROUP BY group_id) AS c ON c.group_id = g.group_id
WHERE c.n IS DISTINCT FROM g.n_mentions;

-- name: set_event_groups
UPDATE events SET group_id = k.group_id
FROM event_keys AS k
WHERE k.event_id = events.event_id AND events.group_id IS DISTINCT FROM k.group_id;

-- name: delete_affected_groups
DELETE FROM event_groups WHERE group_id IN (SELECT group_id FROM affected_groups);

-- name: insert_affected_groups
INSERT INTO event_groups
WITH members AS (
    SELECT k.*, e.modality, coalesce(place.same_as, e.place_entity_id) AS place_entity_id,
           a.article_id, a.source, a.published_at
    FROM event_keys AS k
    JOIN events AS e ON e.event_id = k.event_id
    JOIN articles AS a ON a.article_id = e.article_id
    LEFT JOIN entities AS place ON place.entity_id = e.place_entity_id
    WHERE k.group_id IN (SELECT group_id FROM affected_groups)
),
modalities AS (
    SELECT group_id, modality, count(*) AS n FROM members GROUP BY ALL
),
places AS (
    SELECT group_id, place_entity_id, count(*) AS n FROM members WHERE place_entity_id IS NOT NULL GROUP BY ALL
),
groups AS (
    SELECT group_id, any_value(story_id) AS story_id, any_value(type) AS type, any_value(actor_ids) AS actor_ids,
           any_value(target_ids) AS target_ids, any_value(event_date) AS event_date,
           any_value(date_precision) AS date_precision, count(*) AS n_mentions,
           count(DISTINCT article_id) AS n_articles, count(DISTINCT source) AS n_sources,
           min(published_at) AS first_reported, max(published_at) AS last_reported
    FROM members
    GROUP BY group_id
),
named AS (
    SELECT x.group_id, x.role, list(en.name ORDER BY x.position) AS names
    FROM (
        SELECT group_id, 'actor' AS role, unnest(actor_ids) AS entity_id, generate_subscripts(actor_ids, 1) AS position
        FROM groups
        UNION ALL
        SELECT group_id, 'target', unnest(target_ids), generate_subscripts(target_ids, 1) FROM groups
    ) AS x
    JOIN entities AS en ON en.entity_id = x.entity_id
    GROUP BY ALL
),
chosen AS (
    SELECT m.group_id, first(m.modality ORDER BY m.n DESC, m.modality) AS modality,
           map_from_entries(list(struct_pack(k := m.modality, v := m.n) ORDER BY m.modality)) AS modalities,
           any_value(p.place_entity_id) AS place_entity_id
    FROM modalities AS m
    LEFT JOIN (
        SELECT group_id, first(place_entity_id ORDER BY n DESC, place_entity_id) AS place_entity_id
        FROM places GROUP BY group_id
    ) AS p ON p.group_id = m.group_id
    GROUP BY m.group_id
)
SELECT g.group_id, g.story_id, g.type, g.actor_ids, g.target_ids,
       coalesce(a.names, []), coalesce(t.names, []), g.event_date, g.date_precision,
       c.place_entity_id, place.name, c.modality, c.modalities,
       g.n_mentions, g.n_articles, g.n_sources, g.first_reported, g.last_reported
FROM groups AS g
JOIN chosen AS c ON c.group_id = g.group_id
LEFT JOIN named AS a ON a.group_id = g.group_id AND a.role = 'actor'
LEFT JOIN named AS t ON t.group_id = g.group_id AND t.role = 'target'
LEFT JOIN entities AS place ON place.entity_id = c.place_entity_id;
