-- The near-duplicate index: stored signatures and their LSH band hashes; `near_duplicate_candidates` reads
-- query_signatures (article_id, signature), registered by the lookup.

-- name: add_signature_bands
-- Band hashes of every stored signature that has none yet (all of them after a change of threshold
-- or a rebuild). An article with band hashes has band 0: looking only at those keeps this cheap.
INSERT INTO signature_bands
SELECT $bands, $band_rows, b.range, signature_band_hash(s.signature, b.range, $band_rows), s.article_id
FROM article_signatures AS s
CROSS JOIN range($bands) AS b
WHERE NOT EXISTS (SELECT 1 FROM signature_bands AS sb WHERE sb.band = 0 AND sb.article_id = s.article_id);

-- name: delete_other_signature_bands
-- Band hashes of another banding (the threshold changed) are of no use to this run's lookups.
DELETE FROM signature_bands WHERE bands <> $bands OR band_rows <> $band_rows;

-- name: signature_banding
-- The banding the stored band hashes were made with (none before the first run).
SELECT DISTINCT bands, band_rows FROM signature_bands;

-- name: near_duplicate_candidates
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
