-- Remove the events of articles about to be (re)loaded; they are replaced, never appended.
DELETE FROM event_participants WHERE article_id IN (SELECT article_id FROM batch_articles);
DELETE FROM events WHERE article_id IN (SELECT article_id FROM batch_articles);
