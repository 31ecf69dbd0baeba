-- Quarantine says the stage's name as tasks, stage times and docs do (transforms/stages.py): `tag` was
-- tag-entities, `events` was tag-events. A row's id is a hash of its stage, source, key and payload
-- (transforms/quarantine.py), made again so that the same failure met again is still stored once.
UPDATE quarantine
SET stage = CASE stage WHEN 'tag' THEN 'tag-entities' ELSE 'tag-events' END
WHERE stage IN ('tag', 'events');
UPDATE quarantine
SET quarantine_id = left(sha1(concat_ws(chr(0), stage, source, record_key, coalesce(payload, ''))), 16)
WHERE stage IN ('tag-entities', 'tag-events');
