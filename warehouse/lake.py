"""The Parquet lake: what each run loaded, as files other engines can read.

Layout under the lake root (any local path; hive partitions by publication date):
    articles/published_date=YYYY-MM-DD/<run_id>-<batch>-0.parquet
    mentions/published_date=YYYY-MM-DD/<run_id>-<batch>-0.parquet
    date_mentions/published_date=YYYY-MM-DD/<run_id>-<batch>-0.parquet
    entities/<run_id>-<batch>-0.parquet
    quarantine/<run_id>-<batch>-0.parquet
    events/published_date=YYYY-MM-DD/<run_id>-<batch>-0.parquet  (partitioned by the article's date)
    event_participants/<run_id>-<batch>-0.parquet
Articles without a publication date land in `published_date=__HIVE_DEFAULT_PARTITION__`.
The articles files keep `raw_text` beside the normalized `text`, so any
normalization can be audited.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

PARTITION = "published_date"
LAKE_ARTICLE_COLUMNS = (
    "article_id",
    "source",
    "url",
    "title",
    "published_at",
    "published_date",
    "language",
    "text",
    "content_hash",
    "duplicate_of",
    "run_id",
    "published_raw",
    "raw_text",
)


def _with_run_id(table: pa.Table, run_id: str) -> pa.Table:
    index = table.schema.get_field_index("run_id")
    column = pa.array([run_id] * table.num_rows, type=pa.string())
    if index < 0:
        return table.append_column("run_id", column)
    return table.set_column(index, "run_id", column)


def _partitioned_like_articles(children: pa.Table, articles: pa.Table, run_id: str) -> pa.Table:
    """Child rows of loaded articles, with their article's publication date as partition column."""
    children = children.filter(pc.is_in(children.column("article_id"), value_set=articles.column("article_id")))
    return _with_run_id(children, run_id).append_column(PARTITION, _article_dates(children, articles))


def _write(table: pa.Table, directory: Path, basename: str, partitioned: bool) -> None:
    if table.num_rows == 0:
        return
    ds.write_dataset(
        table,
        directory,
        format="parquet",
        basename_template=basename + "-{i}.parquet",
        partitioning=[PARTITION] if partitioned else None,
        partitioning_flavor="hive" if partitioned else None,
        existing_data_behavior="overwrite_or_ignore",
        file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
    )


def _article_dates(rows: pa.Table, articles: pa.Table) -> pa.Array:
    """The publication date of each row's article (rows have an `article_id`)."""
    positions = pc.index_in(rows.column("article_id"), value_set=articles.column("article_id"))
    return pc.take(articles.column(PARTITION), positions)


def write_batch(
    lake_root: str | Path,
    run_id: str,
    batch_no: int,
    *,
    articles: pa.Table,
    mentions: pa.Table,
    entities: pa.Table,
    quarantine: pa.Table,
    date_mentions: pa.Table | None = None,
    events: pa.Table | None = None,
    event_participants: pa.Table | None = None,
) -> None:
    """Write one loaded batch; (date) mentions and events get their article's publication date as partition."""
    root = Path(lake_root)
    basename = f"{run_id}-{batch_no:05d}"
    lake_articles = _with_run_id(articles.select(list(LAKE_ARTICLE_COLUMNS)), run_id)
    _write(lake_articles, root / "articles", basename, partitioned=True)
    _write(_partitioned_like_articles(mentions, articles, run_id), root / "mentions", basename, partitioned=True)
    if date_mentions is not None:
        lake_dates = _partitioned_like_articles(date_mentions, articles, run_id)
        _write(lake_dates, root / "date_mentions", basename, partitioned=True)
    _write(_with_run_id(entities, run_id), root / "entities", basename, partitioned=False)
    _write(_with_run_id(quarantine, run_id), root / "quarantine", basename, partitioned=False)
    if events is not None:
        lake_events = _with_run_id(events, run_id).append_column(PARTITION, _article_dates(events, articles))
        _write(lake_events, root / "events", basename, partitioned=True)
        _write(_with_run_id(event_participants, run_id), root / "event_participants", basename, partitioned=False)
