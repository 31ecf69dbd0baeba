INSERT INTO events
SELECT event_id, article_id, type, cameo_code, cameo_name, trigger, start, stop, sentence,
       sentence_start, sentence_stop, modality, event_date, date_precision, place_entity_id, $run_id
FROM batch_events;
