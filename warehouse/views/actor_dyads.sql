-- Actor → target pairs with their number of events by type, GDELT-style; confident events only (is_confident).
CREATE OR REPLACE VIEW actor_dyads AS
SELECT
    actor.name AS actor,
    target.name AS target,
    e.type,
    count(DISTINCT e.event_id) AS n_events,
    count(DISTINCT e.event_id) FILTER (WHERE e.modality = 'occurred') AS n_occurred,
    count(DISTINCT e.article_id) AS n_articles,
    min(e.event_date) AS first_date,
    max(e.event_date) AS last_date,
    a.entity_id AS actor_id,
    t.entity_id AS target_id
FROM events AS e
JOIN event_participants AS a ON a.event_id = e.event_id AND a.role = 'actor'
JOIN event_participants AS t ON t.event_id = e.event_id AND t.role = 'target'
JOIN entities AS actor ON actor.entity_id = a.entity_id
JOIN entities AS target ON target.entity_id = t.entity_id
WHERE is_confident(e.confidence)
GROUP BY ALL
ORDER BY n_events DESC, actor, target, e.type;
