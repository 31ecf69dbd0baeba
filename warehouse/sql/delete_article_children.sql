-- Remove the mentions of articles about to be (re)loaded; they are replaced, never appended.
DELETE FROM mentions WHERE article_id IN (SELECT article_id FROM batch_articles);
