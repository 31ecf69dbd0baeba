-- Which of the batch's content hashes (registered as batch_hashes) the warehouse already holds.
SELECT DISTINCT a.content_hash
FROM articles AS a
JOIN batch_hashes AS b ON a.content_hash = b.content_hash;
