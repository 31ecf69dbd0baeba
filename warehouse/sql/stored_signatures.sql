-- Every stored signature with the kept article it copies, to rebuild the near-duplicate index.
SELECT s.article_id, s.signature, a.duplicate_of
FROM article_signatures AS s
JOIN articles AS a USING (article_id)
ORDER BY a.run_id, s.article_id;
