-- Articles whose publication date is far later than anything their text dates (issue 21): at least three
-- dates written with a year, and the last day of the latest of them more than a year before the
-- publication. Either the date is when the article was collected or republished, not written, or the
-- article tells history; in both, what was resolved against the publication date («вчера», «в среду»,
-- «25 июня» with no year) is suspect, and `story_date` (the latest written date) is the better anchor.
CREATE OR REPLACE VIEW suspect_publication_dates AS
WITH dated AS (
    SELECT
        article_id,
        value,
        -- A mention that writes its year («в 2011-м», «12 мая 2009 года») stands on its own.
        regexp_matches(text, '(^|[^0-9])(1[89]|20)[0-9][0-9]([^0-9]|$)') AS writes_year,
        CAST(CASE precision
            WHEN 'day' THEN value
            WHEN 'weekend' THEN value + INTERVAL 1 DAY
            WHEN 'week' THEN value + INTERVAL 6 DAY
            WHEN 'month' THEN value + INTERVAL 1 MONTH - INTERVAL 1 DAY
            WHEN 'season' THEN value + INTERVAL 3 MONTH - INTERVAL 1 DAY
            WHEN 'year' THEN value + INTERVAL 1 YEAR - INTERVAL 1 DAY
            WHEN 'decade' THEN value + INTERVAL 10 YEAR - INTERVAL 1 DAY
            WHEN 'century' THEN value + INTERVAL 100 YEAR - INTERVAL 1 DAY
        END AS DATE) AS last_day,
        -- Days, weeks, months, seasons and years named with no year of their own were placed by the
        -- publication date; decades and centuries («90-х», «XIX век») were not.
        precision NOT IN ('decade', 'century') AS placed_by_publication
    FROM date_mentions
    WHERE value IS NOT NULL
)
SELECT
    a.article_id,
    a.title,
    a.published_date,
    max(d.value) FILTER (WHERE d.writes_year) AS story_date,
    a.published_date - max(d.last_day) FILTER (WHERE d.writes_year) AS days_after_story,
    count(*) FILTER (WHERE d.writes_year) AS n_written_dates,
    count(*) FILTER (WHERE NOT d.writes_year AND d.placed_by_publication) AS n_dates_from_publication
FROM articles AS a
JOIN dated AS d ON d.article_id = a.article_id
WHERE a.published_date IS NOT NULL
GROUP BY a.article_id, a.title, a.published_date
HAVING n_written_dates >= 3 AND days_after_story > 365
ORDER BY days_after_story DESC, a.article_id;
