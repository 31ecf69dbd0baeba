"""Dedupe: drop articles whose normalized text is already known, and all but the last record of one article.

`dedupe(articles, known_hashes)` reads `content_hash` and `article_id` and
splits the batch into (unique, duplicates, superseded):
- a duplicate's content hash is in `known_hashes` (texts already in the
  warehouse, which covers an article unchanged since an earlier run) or
  appeared earlier in the batch;
- a superseded record has the id of a later record of the batch with another
  text (the same source and URL twice, the page changed between): the later
  version is the article, as an update of the earlier one.
An article with a known id but a new hash is no duplicate: it replaces the
stored version.
"""

from __future__ import annotations

from collections.abc import Collection

import pyarrow as pa


def dedupe(articles: pa.Table, known_hashes: Collection[str]) -> tuple[pa.Table, pa.Table, pa.Table]:
    seen = set(known_hashes)
    duplicate = []
    for digest in articles.column("content_hash").to_pylist():
        duplicate.append(digest in seen)
        seen.add(digest)
    ids = articles.column("article_id").to_pylist()
    last = {article_id: position for position, article_id in enumerate(ids) if not duplicate[position]}
    superseded = [not duplicate[position] and last[article_id] != position for position, article_id in enumerate(ids)]
    unique = [not (d or s) for d, s in zip(duplicate, superseded, strict=True)]
    return tuple(articles.filter(pa.array(mask, type=pa.bool_())) for mask in (unique, duplicate, superseded))
