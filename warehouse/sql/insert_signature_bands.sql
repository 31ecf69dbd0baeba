-- The loaded batch's band hashes.
INSERT INTO signature_bands
SELECT $bands, $band_rows, b.range, signature_band_hash(s.signature, b.range, $band_rows), s.article_id
FROM batch_signatures AS s
CROSS JOIN range($bands) AS b
WHERE s.article_id IN (SELECT article_id FROM batch_articles);
