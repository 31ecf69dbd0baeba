-- Each mention carries the corpus-level entity: its article-level entity, or what that links to.
UPDATE mentions SET entity_id = coalesce(e.same_as, e.entity_id)
FROM entities e
WHERE e.entity_id = mentions.article_entity_id
  AND mentions.entity_id IS DISTINCT FROM coalesce(e.same_as, e.entity_id);
