INSERT INTO article_signatures
SELECT article_id, signature, $run_id
FROM batch_signatures
WHERE article_id IN (SELECT article_id FROM batch_articles);
