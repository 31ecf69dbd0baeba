-- entity_id starts as the article-level entity; link_entities may relink it across the corpus.
INSERT INTO mentions (article_id, start, stop, sentence, type, text, normal, entity_id, run_id, article_entity_id)
SELECT article_id, start, stop, sentence, type, text, normal, entity_id, $run_id, entity_id
FROM batch_mentions;
