-- One row per consolidated event (event_groups), in date order, GDELT-style: how many reports, articles and
-- outlets, with the modalities the reports disagree on (`modality_conflict`: more than one), and its story.
-- Groups with at least one confident report (is_confident): query `event_groups` for all of them.
CREATE OR REPLACE VIEW event_groups_timeline AS
SELECT g.event_date AS date, g.date_precision, g.type,
       array_to_string(g.actors, ', ') AS actors, array_to_string(g.targets, ', ') AS targets, g.place,
       g.modality, g.modalities, cardinality(g.modalities) > 1 AS modality_conflict,
       g.n_mentions, g.n_articles, g.n_sources, g.first_reported, g.last_reported,
       s.title AS story_title, g.story_id, g.group_id
FROM event_groups AS g
JOIN stories AS s ON s.story_id = g.story_id
WHERE EXISTS (SELECT 1 FROM events AS e WHERE e.group_id = g.group_id AND is_confident(e.confidence))
ORDER BY date NULLS LAST, g.first_reported, g.group_id;
