-- Rows of an article's children (a mention, ...) that validation quarantined belong to that version
-- of the article: reloading it makes them again, so the old ones leave quarantine. Their payload is
-- the row as JSON with its article_id; raw records (articles) have no article_id field.
DELETE FROM quarantine
WHERE stage = 'validate'
  AND json_valid(payload)
  AND json_extract_string(payload, '$.article_id') IN (SELECT article_id FROM batch_articles);
