INSERT INTO event_participants
SELECT event_id, article_id, entity_id, role, $run_id
FROM batch_event_participants;
