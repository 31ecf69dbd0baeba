-- The near-duplicate LSH index lives here, not in the flow's memory: each stored signature's band
-- hashes for the banding (bands × band_rows values) of the threshold in use. A batch's candidates
-- are the stored articles sharing a band hash with one of its articles, found with one join whatever
-- the size of the warehouse; a run with another threshold replaces every row with its own banding.
CREATE TABLE signature_bands (
    bands      USMALLINT NOT NULL,
    band_rows  USMALLINT NOT NULL,
    band       USMALLINT NOT NULL,
    band_hash  UBIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);

-- Band `band` (from 0) of a signature: values band * band_rows + 1 .. (band + 1) * band_rows, hashed.
CREATE MACRO signature_band_hash(signature, band, band_rows) AS
    hash(signature[band * band_rows + 1 : (band + 1) * band_rows]);
