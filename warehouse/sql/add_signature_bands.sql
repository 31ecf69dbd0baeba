-- Band hashes of every stored signature that has none yet (all of them after a change of threshold
-- or a rebuild).
INSERT INTO signature_bands
SELECT $bands, $band_rows, b.range, signature_band_hash(s.signature, b.range, $band_rows), s.article_id
FROM article_signatures AS s
CROSS JOIN range($bands) AS b
WHERE s.article_id NOT IN (SELECT article_id FROM signature_bands);
