-- Band hashes of every stored signature that has none yet (all of them after a change of threshold
-- or a rebuild). An article with band hashes has band 0: looking only at those keeps this cheap.
INSERT INTO signature_bands
SELECT $bands, $band_rows, b.range, signature_band_hash(s.signature, b.range, $band_rows), s.article_id
FROM article_signatures AS s
CROSS JOIN range($bands) AS b
WHERE NOT EXISTS (SELECT 1 FROM signature_bands AS sb WHERE sb.band = 0 AND sb.article_id = s.article_id);
