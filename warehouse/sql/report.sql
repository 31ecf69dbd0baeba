-- `newsetl report`: what the warehouse holds, for the charts of one HTML file (flows/html_report.py).
-- Read on a read-only connection. $since (a DATE, or NULL for everything) keeps articles published on or
-- after it, and runs and quarantined records from that day on. A query over a table or column the warehouse
-- lacks (events before migration 007, author before 014) is optional: its section says there is nothing yet.

-- name: headline
SELECT count(*) AS articles,
       count(*) FILTER (WHERE duplicate_of IS NULL) AS stories,
       count(DISTINCT source) AS sources,
       count(*) FILTER (WHERE published_date IS NULL) AS no_date,
       min(published_date) AS first_date,
       max(published_date) AS last_date,
       (SELECT count(DISTINCT entity_id) FROM mentions
        WHERE article_id IN (SELECT article_id FROM articles
                             WHERE $since IS NULL OR published_date >= CAST($since AS DATE))) AS entities,
       (SELECT count(*) FROM runs WHERE $since IS NULL OR started_at >= CAST($since AS DATE)) AS runs,
       (SELECT count(*) FROM quarantine WHERE $since IS NULL OR quarantined_at >= CAST($since AS DATE)) AS quarantined
FROM articles
WHERE $since IS NULL OR published_date >= CAST($since AS DATE);

-- name: articles_per_day
-- Articles per publication day and source: the $sources sources with most articles by name, the rest as 'other'.
WITH counted AS (
    SELECT published_date AS date, source, count(*) AS articles
    FROM articles
    WHERE published_date IS NOT NULL AND ($since IS NULL OR published_date >= CAST($since AS DATE))
    GROUP BY ALL
), ranked AS (
    SELECT source, row_number() OVER (ORDER BY sum(articles) DESC, source) AS place
    FROM counted
    GROUP BY source
)
SELECT date, CASE WHEN place <= $sources THEN source ELSE 'other' END AS source, sum(articles) AS articles
FROM counted
JOIN ranked USING (source)
GROUP BY ALL
ORDER BY date, source;

-- name: stories_per_day
-- Articles and stories (the `stories` view: near copies counted once) per publication day.
SELECT published_date AS date, count(*) AS stories
FROM stories
WHERE published_date IS NOT NULL AND ($since IS NULL OR published_date >= CAST($since AS DATE))
GROUP BY ALL
ORDER BY date;

-- name: authors_by_source
-- Per source (the $sources with most articles): its articles, how many name an author, its $authors most
-- frequent authors with their articles.
WITH per_author AS (
    SELECT source, author, count(*) AS n,
           row_number() OVER (PARTITION BY source, author IS NULL ORDER BY count(*) DESC, author) AS place
    FROM articles
    WHERE $since IS NULL OR published_date >= CAST($since AS DATE)
    GROUP BY source, author
)
SELECT source,
       sum(n) AS articles,
       coalesce(sum(n) FILTER (WHERE author IS NOT NULL), 0) AS with_author,
       coalesce(string_agg(author || ' (' || n || ')', ', ' ORDER BY n DESC, author)
                FILTER (WHERE author IS NOT NULL AND place <= $authors), '') AS top_authors
FROM per_author
GROUP BY source
ORDER BY articles DESC, source
LIMIT $sources;

-- name: entity_trends
-- The $top entities with most articles, and those that rise or fall most: an entity's share of all
-- (entity, article) pairs in the last $recent_days days with data, against its share in the $before_days
-- days before them. `trend` is 'rising' or 'falling' for the $marked largest changes each way, else 'steady'.
WITH daily AS (
    SELECT date, entity_id, type, name, articles
    FROM entity_daily
    WHERE $since IS NULL OR date >= CAST($since AS DATE)
), last_day AS (
    SELECT max(date) AS day FROM daily
), per_entity AS (
    SELECT entity_id, any_value(type) AS type, any_value(name) AS name, sum(articles) AS articles,
           coalesce(sum(articles) FILTER (WHERE date > day - $recent_days), 0) AS recent,
           coalesce(sum(articles) FILTER (WHERE date <= day - $recent_days
                                         AND date > day - ($recent_days + $before_days)), 0) AS earlier
    FROM daily, last_day
    GROUP BY entity_id
), changes AS (
    SELECT *,
           coalesce(recent / nullif(sum(recent) OVER (), 0), 0)
           - coalesce(earlier / nullif(sum(earlier) OVER (), 0), 0) AS change
    FROM per_entity
), placed AS (
    SELECT *,
           row_number() OVER (ORDER BY articles DESC, name) AS place,
           row_number() OVER (ORDER BY change DESC, name) AS rise_place,
           row_number() OVER (ORDER BY change ASC, name) AS fall_place
    FROM changes
)
SELECT entity_id, type, name, articles, recent, earlier, change,
       CASE WHEN rise_place <= $marked AND change > 0 THEN 'rising'
            WHEN fall_place <= $marked AND change < 0 THEN 'falling'
            ELSE 'steady' END AS trend,
       place <= $top AS top
FROM placed
WHERE place <= $top OR (rise_place <= $marked AND change > 0) OR (fall_place <= $marked AND change < 0)
ORDER BY articles DESC, name;

-- name: entity_series
-- Articles per publication day of the entities $entity_ids (near copies left out, as in entity_daily).
SELECT date, entity_id, name, articles, mentions
FROM entity_daily
WHERE list_contains($entity_ids, entity_id) AND ($since IS NULL OR date >= CAST($since AS DATE))
ORDER BY date, name;

-- name: event_types_per_day
-- Events per publication day of their article and CAMEO root type (near copies left out).
SELECT a.published_date AS date, e.type, count(*) AS events
FROM events AS e
JOIN articles AS a USING (article_id)
WHERE a.published_date IS NOT NULL AND a.duplicate_of IS NULL
  AND ($since IS NULL OR a.published_date >= CAST($since AS DATE))
GROUP BY ALL
ORDER BY date, e.type;

-- name: actor_pairs
-- The $top actor → target pairs with most events (with an event dated on or after $since, when given).
SELECT actor, target, sum(n_events) AS events, sum(n_occurred) AS occurred,
       string_agg(type || ' ' || n_events, ', ' ORDER BY n_events DESC, type) AS types
FROM actor_dyads
WHERE $since IS NULL OR last_date >= CAST($since AS DATE)
GROUP BY actor, target
ORDER BY events DESC, actor, target
LIMIT $top;

-- name: runs
-- Each finished run: its counts, seconds, articles read per second and seconds per stage (JSON).
SELECT run_id, flow, status, started_at, finished_at,
       epoch(finished_at - started_at) AS seconds,
       n_read, n_loaded, n_duplicates, n_quarantined,
       n_read / nullif(epoch(finished_at - started_at), 0) AS articles_per_second,
       stage_seconds
FROM runs
WHERE finished_at IS NOT NULL AND ($since IS NULL OR started_at >= CAST($since AS DATE))
ORDER BY started_at;

-- name: quarantine_reasons
-- Quarantined records by stage and reason: the reason without the record's key in front and with its numbers
-- as N, so that records quarantined for the same cause count together. The $top most frequent, with an example.
SELECT stage,
       regexp_replace(
           CASE WHEN starts_with(reason, record_key || ': ') THEN substr(reason, length(record_key) + 3) ELSE reason END,
           '[0-9]+', 'N', 'g') AS reason,
       count(*) AS records,
       min(record_key) AS example
FROM quarantine
WHERE $since IS NULL OR quarantined_at >= CAST($since AS DATE)
GROUP BY ALL
ORDER BY records DESC, stage, reason
LIMIT $top;
