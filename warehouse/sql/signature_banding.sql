-- The banding the stored band hashes were made with (none before the first run).
SELECT DISTINCT bands, band_rows FROM signature_bands;
