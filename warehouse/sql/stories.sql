-- Stories (warehouse/stories.py, transforms/stories.py). The look-ups run before a batch's load and read
-- batch_articles (the batch's loaded articles) and batch_story_times (their publication times);
-- `term_counts` reads batch_terms. The rest run in the batch's load transaction, in this order, after its
-- articles and mentions, and read the assignment: batch_story_articles, batch_stories (the stories touched,
-- with their centroids), batch_story_merges, batch_story_deleted and batch_story_terms.

-- name: candidates
-- The stories a batch may join: those whose span, widened by the window, holds one of the batch's times
-- (a range join: only the window's stories are read), and those its articles, originals or copies are in.
SELECT s.story_id, s.first_seen, s.last_seen, s.n_articles, s.top_entities, s.centroid
FROM stories AS s
WHERE s.story_id IN (
    SELECT s2.story_id
    FROM batch_story_times AS t
    JOIN stories AS s2
      ON s2.last_seen >= t.published_at - to_seconds($window_seconds)
     AND s2.first_seen <= t.published_at + to_seconds($window_seconds)
    UNION
    SELECT story_id FROM story_articles WHERE article_id IN (SELECT article_id FROM batch_articles)
    UNION
    SELECT story_id FROM story_articles WHERE article_id IN (SELECT duplicate_of FROM batch_articles)
)
ORDER BY s.story_id;

-- name: members
-- Stored memberships a batch may move: its articles stored before (a new version), their originals, and
-- the stored near copies of its articles.
SELECT sa.article_id, sa.story_id, a.duplicate_of, sa.vector
FROM story_articles AS sa
JOIN articles AS a ON a.article_id = sa.article_id
WHERE sa.article_id IN (
    SELECT article_id FROM batch_articles
    UNION
    SELECT duplicate_of FROM batch_articles
    UNION
    SELECT article_id FROM articles WHERE duplicate_of IN (SELECT article_id FROM batch_articles)
)
ORDER BY sa.article_id;

-- name: term_counts
SELECT t.term, t.n_articles FROM story_terms AS t JOIN batch_terms AS b ON b.term = t.term;

-- name: n_documents
SELECT count(*) AS n FROM story_articles;

-- name: apply_merges
-- Every member of a story merged away goes to the story it ended in.
UPDATE story_articles SET story_id = m.final_story_id
FROM batch_story_merges AS m
WHERE story_articles.story_id = m.story_id;

-- name: delete_story_articles
DELETE FROM story_articles WHERE article_id IN (SELECT article_id FROM batch_story_articles);

-- name: insert_story_articles
INSERT INTO story_articles
SELECT article_id, story_id, joined_by, score, vector, $run_id FROM batch_story_articles;

-- name: delete_stories
DELETE FROM stories
WHERE story_id IN (SELECT story_id FROM batch_story_merges UNION SELECT story_id FROM batch_story_deleted);

-- name: insert_merges
INSERT INTO story_merges
SELECT story_id, merged_into, article_id, score, $run_id, $batch_key FROM batch_story_merges;

-- name: upsert_stories
-- The stories touched, from their members: the title of the member closest to the centroid, the span,
-- sizes, and the entities most of its articles name (within-article entities).
INSERT OR REPLACE INTO stories
WITH members AS (
    SELECT s.story_id, a.article_id, a.title, a.source, a.published_at,
           array_cosine_similarity(sa.vector, s.centroid) AS centrality
    FROM batch_stories AS s
    JOIN story_articles AS sa ON sa.story_id = s.story_id
    JOIN articles AS a ON a.article_id = sa.article_id
),
named AS (
    SELECT sa.story_id, m.article_entity_id AS entity_id, count(DISTINCT m.article_id) AS n_articles
    FROM batch_stories AS s
    JOIN story_articles AS sa ON sa.story_id = s.story_id
    JOIN mentions AS m ON m.article_id = sa.article_id
    GROUP BY ALL
),
top AS (
    SELECT n.story_id,
           list(struct_pack(entity_id := n.entity_id, type := e.type, name := e.name, n_articles := n.n_articles)
                ORDER BY n.n_articles DESC, n.entity_id)[1:$top_entities] AS top_entities
    FROM named AS n JOIN entities AS e ON e.entity_id = n.entity_id
    GROUP BY n.story_id
),
sizes AS (
    SELECT story_id,
           first(article_id ORDER BY centrality DESC, article_id) AS central_article_id,
           min(published_at) AS first_seen, max(published_at) AS last_seen,
           count(*) AS n_articles, count(DISTINCT source) AS n_sources
    FROM members
    GROUP BY story_id
)
SELECT s.story_id,
       -- an article without a title (seed-format files) lends its first line, cut at 120 characters
       coalesce(nullif(a.title, ''), CASE WHEN length(split_part(a.text, chr(10), 1)) > 120
                                          THEN left(split_part(a.text, chr(10), 1), 119) || '…'
                                          ELSE split_part(a.text, chr(10), 1) END),
       z.central_article_id, z.first_seen, z.last_seen, z.n_articles, z.n_sources,
       coalesce(t.top_entities, []), s.centroid, $run_id
FROM batch_stories AS s
JOIN sizes AS z ON z.story_id = s.story_id
JOIN articles AS a ON a.article_id = z.central_article_id
LEFT JOIN top AS t ON t.story_id = s.story_id;

-- name: add_terms
INSERT INTO story_terms
SELECT term, n_articles FROM batch_story_terms
ON CONFLICT (term) DO UPDATE SET n_articles = story_terms.n_articles + excluded.n_articles;

-- name: top_of_day
-- `newsetl stories`: the day's stories (the latest day with articles when $day is NULL), most articles first.
SELECT day, story_id, title, n_articles, n_sources, growth, sources, entities[1:5] AS entities,
       story_articles, first_seen, last_seen
FROM top_stories
WHERE day = coalesce(CAST($day AS DATE), (SELECT max(day) FROM top_stories))
ORDER BY n_articles DESC, n_sources DESC, story_articles DESC, story_id
LIMIT $limit;

-- name: pair_articles
-- `newsetl eval stories`: the named articles' story and what the near-duplicate baseline reads.
SELECT a.article_id, sa.story_id, a.duplicate_of, a.content_hash
FROM articles AS a
JOIN story_articles AS sa ON sa.article_id = a.article_id
WHERE list_contains($ids, a.article_id)
ORDER BY a.article_id;
