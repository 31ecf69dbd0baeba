"""Shared by the benchmarks: read the first N records of a corpus and normalize them like the flow does."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from transforms.extract import iter_chunks, parse_items
from transforms.normalize import normalize

DEFAULT_CORPUS = "../shared/corpora/news_bulk_dev.jsonl.gz"


def read_articles(path: str, limit: int) -> tuple[pa.Table, int]:
    """(normalized articles, records quarantined on the way) of the first `limit` records of `path`."""
    tables, rejected = [], 0
    read = 0
    for chunk in iter_chunks([path], batch_size=500):
        chunk = chunk[: limit - read]
        raw, bad_extract = parse_items(chunk)
        articles, bad_normalize = normalize(raw, fetched_at=datetime.now(UTC))
        tables.append(articles)
        rejected += bad_extract.num_rows + bad_normalize.num_rows
        read += len(chunk)
        if read >= limit:
            break
    return pa.concat_tables(tables), rejected
