-- Stored articles sharing an LSH band with an article of `query_signatures`, with their signature
-- and the kept article they copy (themselves when they are no copy): what a lookup then checks.
WITH query_bands AS (
    SELECT q.article_id AS query_id, b.range AS band,
           signature_band_hash(q.signature, b.range, $band_rows) AS band_hash
    FROM query_signatures AS q
    CROSS JOIN range($bands) AS b
),
matches AS (
    SELECT DISTINCT qb.query_id, sb.article_id
    FROM query_bands AS qb
    JOIN signature_bands AS sb ON sb.band = qb.band AND sb.band_hash = qb.band_hash
    WHERE sb.bands = $bands AND sb.band_rows = $band_rows
)
SELECT m.query_id, m.article_id, s.signature, coalesce(a.duplicate_of, m.article_id) AS kept
FROM matches AS m
JOIN article_signatures AS s USING (article_id)
JOIN articles AS a USING (article_id)
ORDER BY m.query_id, m.article_id;
