-- Every reference resolves (issue 19). A near copy whose original was never loaded (it was quarantined or
-- superseded later in its run) points at no article: it is an original itself; a near copy of a copy points
-- at that copy's original.
UPDATE articles SET duplicate_of = NULL
WHERE duplicate_of IS NOT NULL AND duplicate_of NOT IN (SELECT article_id FROM articles);
UPDATE articles SET duplicate_of = original.duplicate_of
FROM articles AS original
WHERE articles.duplicate_of = original.article_id AND original.duplicate_of IS NOT NULL;

-- Records a later record of the same article (same id: same source and URL) replaced in the same batch:
-- counted among the duplicates (n_read = n_loaded + n_duplicates + n_quarantined still holds).
ALTER TABLE runs ADD COLUMN n_superseded BIGINT;
