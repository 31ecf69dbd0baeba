SELECT article_id, source, url, title, published_at, language, text, run_id FROM articles WHERE article_id = $article_id;
