-- Band hashes of another banding (the threshold changed) are of no use to this run's lookups.
DELETE FROM signature_bands WHERE bands <> $bands OR band_rows <> $band_rows;
