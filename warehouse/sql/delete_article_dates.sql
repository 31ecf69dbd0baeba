-- Date mentions, signatures and band hashes of articles about to be (re)loaded are replaced, never appended.
DELETE FROM date_mentions WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM signature_bands WHERE article_id IN (SELECT article_id FROM batch_articles);
