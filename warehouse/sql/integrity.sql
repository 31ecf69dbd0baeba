-- The warehouse's integrity (warehouse/integrity.py): every reference resolves, every run's counts add up.
-- Each check returns one row: `violations` (how many rows break it) and `examples` (up to five of their keys).
-- The checks of an article's rows read the views `checked_*`, which `scope_warehouse` makes over the
-- warehouse's tables and `scope_batch` over the rows of the articles of the batch being loaded (registered
-- as batch_articles): a batch's load checks what it stored, in its own transaction, before it commits.
-- (A batch stores child rows of its own articles only: a mention, a date or an event of another article
-- could never dangle from it.)

-- name: scope_warehouse
CREATE OR REPLACE TEMP VIEW checked_articles AS SELECT article_id, duplicate_of FROM articles;
CREATE OR REPLACE TEMP VIEW checked_mentions AS SELECT article_id, start, stop, text, entity_id, article_entity_id FROM mentions;
CREATE OR REPLACE TEMP VIEW checked_date_mentions AS SELECT article_id, start, stop, text FROM date_mentions;
CREATE OR REPLACE TEMP VIEW checked_events AS SELECT event_id, article_id, start, stop, trigger, place_entity_id FROM events;
CREATE OR REPLACE TEMP VIEW checked_event_participants AS SELECT event_id, article_id, entity_id FROM event_participants;
CREATE OR REPLACE TEMP VIEW checked_article_signatures AS SELECT article_id FROM article_signatures;
CREATE OR REPLACE TEMP VIEW checked_story_articles AS SELECT article_id, story_id FROM story_articles;
CREATE OR REPLACE TEMP VIEW checked_stories AS SELECT story_id, n_articles FROM stories;

-- name: scope_batch
CREATE OR REPLACE TEMP VIEW checked_articles AS
SELECT article_id, duplicate_of FROM articles WHERE article_id IN (SELECT article_id FROM batch_articles);
CREATE OR REPLACE TEMP VIEW checked_mentions AS
SELECT article_id, start, stop, text, entity_id, article_entity_id FROM mentions
WHERE article_id IN (SELECT article_id FROM batch_articles);
CREATE OR REPLACE TEMP VIEW checked_date_mentions AS
SELECT article_id, start, stop, text FROM date_mentions WHERE article_id IN (SELECT article_id FROM batch_articles);
CREATE OR REPLACE TEMP VIEW checked_events AS
SELECT event_id, article_id, start, stop, trigger, place_entity_id FROM events
WHERE article_id IN (SELECT article_id FROM batch_articles);
CREATE OR REPLACE TEMP VIEW checked_event_participants AS
SELECT event_id, article_id, entity_id FROM event_participants WHERE article_id IN (SELECT article_id FROM batch_articles);
CREATE OR REPLACE TEMP VIEW checked_article_signatures AS
SELECT article_id FROM article_signatures WHERE article_id IN (SELECT article_id FROM batch_articles);
-- the stories of the batch's articles, with every member
CREATE OR REPLACE TEMP VIEW checked_stories AS
SELECT story_id, n_articles FROM stories
WHERE story_id IN (SELECT story_id FROM story_articles WHERE article_id IN (SELECT article_id FROM batch_articles));
CREATE OR REPLACE TEMP VIEW checked_story_articles AS
SELECT article_id, story_id FROM story_articles WHERE story_id IN (SELECT story_id FROM checked_stories);

-- name: near_copies_point_at_loaded_originals
-- A near copy's duplicate_of is another article the warehouse holds, itself no copy.
SELECT count(*) AS violations, list(c.article_id ORDER BY c.article_id)[1:5] AS examples
FROM checked_articles AS c
LEFT JOIN articles AS original ON original.article_id = c.duplicate_of
WHERE c.duplicate_of IS NOT NULL
  AND (original.article_id IS NULL OR original.duplicate_of IS NOT NULL OR c.duplicate_of = c.article_id);

-- name: mentions_point_into_their_article
-- A mention's article is loaded, and the article's text at [start, stop) is the mention's text.
SELECT count(*) AS violations, list(m.article_id || ':' || m.start ORDER BY m.article_id, m.start)[1:5] AS examples
FROM checked_mentions AS m
LEFT JOIN articles AS a ON a.article_id = m.article_id
WHERE a.article_id IS NULL OR substring(a.text, m.start + 1, m.stop - m.start) IS DISTINCT FROM m.text;

-- name: mentions_name_entities
-- A mention's entity, within its article and across the corpus, is in `entities`.
SELECT count(*) AS violations, list(m.article_id || ':' || m.start ORDER BY m.article_id, m.start)[1:5] AS examples
FROM checked_mentions AS m
WHERE m.entity_id NOT IN (SELECT entity_id FROM entities)
   OR m.article_entity_id NOT IN (SELECT entity_id FROM entities);

-- name: date_mentions_point_into_their_article
SELECT count(*) AS violations, list(d.article_id || ':' || d.start ORDER BY d.article_id, d.start)[1:5] AS examples
FROM checked_date_mentions AS d
LEFT JOIN articles AS a ON a.article_id = d.article_id
WHERE a.article_id IS NULL OR substring(a.text, d.start + 1, d.stop - d.start) IS DISTINCT FROM d.text;

-- name: events_point_into_their_article
-- An event's article is loaded and its trigger is the article's text at [start, stop).
SELECT count(*) AS violations, list(e.event_id ORDER BY e.event_id)[1:5] AS examples
FROM checked_events AS e
LEFT JOIN articles AS a ON a.article_id = e.article_id
WHERE a.article_id IS NULL OR substring(a.text, e.start + 1, e.stop - e.start) IS DISTINCT FROM e.trigger;

-- name: event_places_are_entities
SELECT count(*) AS violations, list(e.event_id ORDER BY e.event_id)[1:5] AS examples
FROM checked_events AS e
WHERE e.place_entity_id IS NOT NULL AND e.place_entity_id NOT IN (SELECT entity_id FROM entities);

-- name: event_participants_resolve
-- A participant is of an event the warehouse holds, in the same article, and its entity is in `entities`.
SELECT count(*) AS violations, list(p.event_id || ':' || p.entity_id ORDER BY p.event_id, p.entity_id)[1:5] AS examples
FROM checked_event_participants AS p
LEFT JOIN events AS e ON e.event_id = p.event_id
WHERE e.event_id IS NULL
   OR e.article_id IS DISTINCT FROM p.article_id
   OR p.entity_id NOT IN (SELECT entity_id FROM entities);

-- name: signatures_are_of_articles
SELECT count(*) AS violations, list(s.article_id ORDER BY s.article_id)[1:5] AS examples
FROM checked_article_signatures AS s
WHERE s.article_id NOT IN (SELECT article_id FROM articles);

-- name: articles_are_in_one_story
-- Every stored article is in exactly one story (story_articles' key makes it at most one), and that story is stored.
SELECT count(*) AS violations, list(c.article_id ORDER BY c.article_id)[1:5] AS examples
FROM checked_articles AS c
LEFT JOIN story_articles AS sa ON sa.article_id = c.article_id
WHERE sa.article_id IS NULL OR sa.story_id NOT IN (SELECT story_id FROM stories);

-- name: story_articles_resolve
-- A membership names a stored article and a stored story.
SELECT count(*) AS violations, list(sa.article_id || ':' || sa.story_id ORDER BY sa.article_id)[1:5] AS examples
FROM checked_story_articles AS sa
WHERE sa.article_id NOT IN (SELECT article_id FROM articles) OR sa.story_id NOT IN (SELECT story_id FROM stories);

-- name: stories_count_their_articles
-- A story has members, as many as its n_articles says.
SELECT count(*) AS violations, list(s.story_id ORDER BY s.story_id)[1:5] AS examples
FROM checked_stories AS s
LEFT JOIN (SELECT story_id, count(*) AS n FROM story_articles GROUP BY story_id) AS m ON m.story_id = s.story_id
WHERE m.n IS NULL OR m.n <> s.n_articles;

-- name: near_copies_share_their_originals_story
SELECT count(*) AS violations, list(c.article_id ORDER BY c.article_id)[1:5] AS examples
FROM checked_articles AS c
JOIN story_articles AS copy ON copy.article_id = c.article_id
JOIN story_articles AS original ON original.article_id = c.duplicate_of
WHERE copy.story_id <> original.story_id;

-- name: entity_links_resolve
-- An entity linked across the corpus (same_as) points at an entity the warehouse holds.
SELECT count(*) AS violations, list(entity_id ORDER BY entity_id)[1:5] AS examples
FROM entities
WHERE same_as IS NOT NULL AND same_as NOT IN (SELECT entity_id FROM entities);

-- name: entity_retypes_resolve
-- The evidence of a re-typing names two entities the warehouse holds: the re-typed one and its target.
SELECT count(*) AS violations, list(entity_id ORDER BY entity_id)[1:5] AS examples
FROM entity_retypes
WHERE entity_id NOT IN (SELECT entity_id FROM entities) OR target_id NOT IN (SELECT entity_id FROM entities);
-- name: event_groups_resolve
-- A grouped event names a stored group of its article's story, and a group counts its events (an event loaded
-- since the last run's end, by a run that was killed, has no group yet).
SELECT count(*) AS violations, list(what ORDER BY what)[1:5] AS examples
FROM (
    SELECT 'event ' || e.event_id AS what
    FROM events AS e
    LEFT JOIN event_groups AS g ON g.group_id = e.group_id
    LEFT JOIN story_articles AS sa ON sa.article_id = e.article_id
    WHERE e.group_id IS NOT NULL AND (g.group_id IS NULL OR g.story_id IS DISTINCT FROM sa.story_id)
    UNION ALL
    SELECT 'group ' || g.group_id
    FROM event_groups AS g
    LEFT JOIN (SELECT group_id, count(*) AS n FROM events GROUP BY group_id) AS c ON c.group_id = g.group_id
    WHERE c.n IS DISTINCT FROM g.n_mentions
);

-- name: rows_belong_to_runs
-- Every loaded row names the run that loaded it, and every batch its run.
SELECT count(*) AS violations, list(what ORDER BY what)[1:5] AS examples
FROM (
    SELECT 'article ' || article_id AS what FROM articles WHERE run_id NOT IN (SELECT run_id FROM runs)
    UNION ALL
    SELECT 'batch ' || batch_key FROM batches WHERE run_id NOT IN (SELECT run_id FROM runs)
);

-- name: run_counts_add_up
-- A finished run accounts for every record it read: n_read = n_loaded + n_duplicates + n_quarantined,
-- and n_quarantined is the sum of the per-stage counts (every runs column named n_quarantined_<stage>).
SELECT count(*) AS violations, list(run_id ORDER BY run_id)[1:5] AS examples
FROM runs
WHERE status <> 'running'
  AND (n_read IS DISTINCT FROM n_loaded + n_duplicates + n_quarantined
       OR n_quarantined IS DISTINCT FROM list_sum(list_value(*COLUMNS('^n_quarantined_.+'))));
