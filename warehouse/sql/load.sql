-- One batch's load (warehouse/db.py `load_batch`), in this order, in one transaction. The statements read the
-- batch's tables (warehouse/batches.py BatchTables), registered as batch_articles, batch_mentions,
-- batch_entities, batch_quarantine, batch_date_mentions, batch_article_signatures, batch_events,
-- batch_event_participants and batch_replayed_quarantine; `known_content_hashes` reads batch_hashes,
-- `stored_anchors` batch_anchors.

-- name: delete_replaced
-- Articles about to be (re)loaded go with every row that points into their text: those rows are
-- replaced, never appended (old offsets would point into a replaced text).
DELETE FROM mentions WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM date_mentions WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM signature_bands WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM event_participants WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM events WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM articles WHERE article_id IN (SELECT article_id FROM batch_articles);

-- name: insert_articles
INSERT INTO articles (article_id, source, url, title, published_at, published_date, language, text,
                      content_hash, duplicate_of, run_id, author)
SELECT article_id, source, url, title, published_at, published_date, language, text,
       content_hash, duplicate_of, $run_id, author
FROM batch_articles;

-- name: repoint_copies_of_copies
-- An article of the batch that is now a near copy itself passes its stored copies on to its original.
UPDATE articles SET duplicate_of = b.duplicate_of
FROM batch_articles AS b
WHERE articles.duplicate_of = b.article_id AND b.duplicate_of IS NOT NULL;

-- name: insert_entities
-- An entity is created by the first run that sees it and kept as it is after that.
INSERT INTO entities (entity_id, type, name, run_id)
SELECT entity_id, type, name, $run_id
FROM batch_entities
ON CONFLICT (entity_id) DO NOTHING;

-- name: insert_mentions
-- entity_id and type start as the article-level entity and type; link_entities may relink and re-type them
-- across the corpus.
INSERT INTO mentions (article_id, start, stop, sentence, type, text, normal, entity_id, run_id, article_entity_id,
                      article_type)
SELECT article_id, start, stop, sentence, type, text, normal, entity_id, $run_id, entity_id, type
FROM batch_mentions
-- Like every child row, only of the articles the batch loads (one quarantined after tagging leaves none).
WHERE article_id IN (SELECT article_id FROM batch_articles);

-- name: delete_replaced_child_quarantine
-- Rows of an article's children (a mention, ...) that validation quarantined belong to that version
-- of the article: reloading it makes them again, so the old ones leave quarantine. Their payload is
-- the row as JSON with its article_id; raw records (articles) have no article_id field.
DELETE FROM quarantine
WHERE stage = 'validate'  -- transforms.stages.Stage.VALIDATE
  AND json_valid(payload)
  AND json_extract_string(payload, '$.article_id') IN (SELECT article_id FROM batch_articles);

-- name: insert_quarantine
-- The same failure of the same record is stored once, however many runs meet it.
-- quarantined_at comes with the batch (its load time), so a rebuild from the lake gives the same value.
-- The payload's length and first characters go beside it, for readers that must not read it whole.
INSERT INTO quarantine
SELECT quarantine_id, $run_id, stage, source, record_key, reason, payload, quarantined_at,
       length(payload), left(payload, $preview_chars)
FROM batch_quarantine
ON CONFLICT (quarantine_id) DO NOTHING;

-- name: insert_date_mentions
INSERT INTO date_mentions
SELECT article_id, start, stop, text, value, precision, $run_id
FROM batch_date_mentions
WHERE article_id IN (SELECT article_id FROM batch_articles);

-- name: insert_article_signatures
INSERT INTO article_signatures
SELECT article_id, signature, $run_id
FROM batch_article_signatures
WHERE article_id IN (SELECT article_id FROM batch_articles);

-- name: insert_signature_bands
-- The loaded batch's band hashes.
INSERT INTO signature_bands
SELECT $bands, $band_rows, b.range, signature_band_hash(s.signature, b.range, $band_rows), s.article_id
FROM batch_article_signatures AS s
CROSS JOIN range($bands) AS b
WHERE s.article_id IN (SELECT article_id FROM batch_articles);

-- name: insert_events
-- group_id stays NULL until the run's end groups the events (sql/event_groups.sql).
INSERT INTO events (event_id, article_id, type, cameo_code, cameo_name, trigger, start, stop, sentence,
                    sentence_start, sentence_stop, modality, event_date, date_precision, place_entity_id, run_id,
                    confidence)
SELECT event_id, article_id, type, cameo_code, cameo_name, trigger, start, stop, sentence,
       sentence_start, sentence_stop, modality, event_date, date_precision, place_entity_id, $run_id, confidence
FROM batch_events
WHERE article_id IN (SELECT article_id FROM batch_articles);

-- name: insert_event_participants
INSERT INTO event_participants
SELECT event_id, article_id, entity_id, role, $run_id
FROM batch_event_participants
WHERE article_id IN (SELECT article_id FROM batch_articles);

-- name: delete_replayed_quarantine
-- Replayed records leave quarantine unless they failed again the
-- same way (same quarantine_id, kept by insert_quarantine's ON CONFLICT DO NOTHING).
DELETE FROM quarantine
WHERE quarantine_id IN (SELECT quarantine_id FROM batch_replayed_quarantine)
  AND quarantine_id NOT IN (SELECT quarantine_id FROM batch_quarantine);

-- name: insert_batch
INSERT INTO batches VALUES ($batch_key, $run_id, $batch_no, $loaded_at, $counts);

-- name: known_content_hashes
-- Which of the batch's content hashes the warehouse already holds (dedupe, before tagging).
SELECT DISTINCT a.content_hash
FROM articles AS a
JOIN batch_hashes AS b ON a.content_hash = b.content_hash;

-- name: stored_anchors
-- Which of the batch's near-copy originals the warehouse holds.
SELECT a.article_id
FROM articles AS a
JOIN batch_anchors AS b ON a.article_id = b.article_id;
