INSERT INTO articles
SELECT article_id, source, url, title, published_at, published_date, language, text,
       content_hash, duplicate_of, $run_id
FROM batch_articles;
