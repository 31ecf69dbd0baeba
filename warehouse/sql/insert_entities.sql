-- An entity is created by the first run that sees it and kept as it is after that.
INSERT INTO entities (entity_id, type, name, run_id)
SELECT entity_id, type, name, $run_id
FROM batch_entities
ON CONFLICT (entity_id) DO NOTHING;
