"""Exact dedupe: drop articles whose normalized text is already known.

`exact_dedupe(articles, known_hashes)` reads `content_hash` and splits the
batch into (unique, duplicates). A row is a duplicate when its content hash
is in `known_hashes` (texts already in the warehouse, which covers an article
unchanged since an earlier run) or appeared earlier in the same batch. An
article with a known id but a new hash is not a duplicate: it replaces the
stored version.
"""

from __future__ import annotations

from collections.abc import Collection

import pyarrow as pa
import pyarrow.compute as pc


def exact_dedupe(articles: pa.Table, known_hashes: Collection[str]) -> tuple[pa.Table, pa.Table]:
    seen = set(known_hashes)
    keep: list[bool] = []
    for digest in articles.column("content_hash").to_pylist():
        keep.append(digest not in seen)
        seen.add(digest)
    mask = pa.array(keep, type=pa.bool_())
    return articles.filter(mask), articles.filter(pc.invert(mask))
