-- One row per event, in date order: when, what, who did it to whom, where, did it happen, and the evidence.
-- `date` is null when the text gives no date for the event (the publication date is never used for it).
-- Confident events only (is_confident, migration 013): query `events` for all of them.
CREATE OR REPLACE VIEW event_timeline AS
SELECT
    e.event_date AS date,
    e.date_precision,
    e.type,
    e.cameo_code,
    e.cameo_name,
    e.trigger,
    e.start AS trigger_start,
    string_agg(DISTINCT pe.name, ', ' ORDER BY pe.name) FILTER (WHERE p.role = 'actor') AS actors,
    string_agg(DISTINCT pe.name, ', ' ORDER BY pe.name) FILTER (WHERE p.role = 'target') AS targets,
    place.name AS place,
    e.modality,
    e.confidence,
    e.article_id,
    a.title,
    a.published_date,
    substring(a.text, e.sentence_start + 1, e.sentence_stop - e.sentence_start) AS sentence_text,
    e.event_id
FROM events AS e
JOIN articles AS a ON a.article_id = e.article_id
LEFT JOIN event_participants AS p ON p.event_id = e.event_id
LEFT JOIN entities AS pe ON pe.entity_id = p.entity_id
LEFT JOIN entities AS place ON place.entity_id = e.place_entity_id
WHERE is_confident(e.confidence)
GROUP BY ALL
ORDER BY date NULLS LAST, a.published_date, e.article_id, trigger_start;
