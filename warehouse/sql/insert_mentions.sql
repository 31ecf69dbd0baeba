INSERT INTO mentions
SELECT article_id, start, stop, sentence, type, text, normal, entity_id, $run_id
FROM batch_mentions;
