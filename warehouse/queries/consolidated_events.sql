-- GDELT-style event counts: the consolidated events reported by most outlets, with the modalities their reports
-- disagree on (planned in one, occurred in another, denied in a third), and the story they belong to.
-- Example: newsetl sql warehouse/queries/consolidated_events.sql
SELECT date, type, actors, targets, place, modality, modalities, modality_conflict,
       n_mentions, n_articles, n_sources, first_reported, story_title
FROM event_groups_timeline
ORDER BY n_sources DESC, n_articles DESC, n_mentions DESC, group_id
LIMIT 20;
