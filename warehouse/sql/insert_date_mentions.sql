-- Only for the articles the batch loads (one quarantined after tagging leaves no child rows).
INSERT INTO date_mentions
SELECT article_id, start, stop, text, value, precision, $run_id
FROM batch_date_mentions
WHERE article_id IN (SELECT article_id FROM batch_articles);
