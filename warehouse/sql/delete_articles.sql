DELETE FROM articles WHERE article_id IN (SELECT article_id FROM batch_articles);
