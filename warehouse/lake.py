"""The Parquet lake: what each batch loaded, as zstd files other engines can read.

The lake root is any fsspec URL (a local directory, `file://...`, `s3://...`
with s3fs installed, `memory://` in tests). Layout, hive-partitioned by
publication date where a table has one:

    articles/published_date=YYYY-MM-DD/<batch_key>.parquet
    mentions/published_date=YYYY-MM-DD/<batch_key>.parquet
    date_mentions/published_date=YYYY-MM-DD/<batch_key>.parquet
    entities/<batch_key>.parquet
    quarantine/<batch_key>.parquet
    events/published_date=YYYY-MM-DD/<batch_key>.parquet   (the article's date)
    event_participants/<batch_key>.parquet
    article_signatures/<batch_key>.parquet   near-duplicate MinHash signatures
    batches/<batch_key>.parquet      the manifest: written once the warehouse has committed the batch
    runs/<run_id>.parquet            the run's `runs` row, written when it ends (or is found interrupted)

Articles without a publication date land in `published_date=__HIVE_DEFAULT_PARTITION__`.
Every row carries `run_id` and `batch_key` (UTC load time, run id, batch number:
it sorts in load order). The articles files keep `published_raw` and `raw_text`
beside the normalized `text`, so any normalization can be audited.

Files appear whole or not at all: each is written under a hidden temporary
name (readers skip names starting with "."), then moved into place.
`compact()` merges small files into `compacted-<uuid>.parquet` files.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from transforms.schemas import ARTICLE_BATCH_SCHEMA, ARTICLES_SCHEMA
from warehouse.batches import BATCH_TABLES, Batch, BatchTables

PARTITION = "published_date"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
BY_DATE = ds.HivePartitioning(pa.schema([(PARTITION, pa.date32())]), null_fallback=NULL_PARTITION)
PARTITIONED = {"articles", "mentions", "date_mentions", "events"}
# The lake's articles keep the raw text and date beside the normalized ones, so normalization can be audited.
LAKE_ARTICLE_COLUMNS = (*ARTICLES_SCHEMA.names, "published_raw", "raw_text")
# Read with this schema, so files written before a column was added (`author`) give nulls in it.
LAKE_ARTICLE_SCHEMA = pa.schema(
    [*(ARTICLE_BATCH_SCHEMA.field(name) for name in LAKE_ARTICLE_COLUMNS), pa.field("batch_key", pa.string())]
)
# Directories an older version named otherwise (`upgrade_layout` moves them): {old: table}.
RENAMED_DIRECTORIES = {"signatures": "article_signatures"}
# The manifest: one row per batch the warehouse committed, as in its `batches` table.
BATCHES_SCHEMA = pa.schema(
    [
        ("batch_key", pa.string()),
        ("run_id", pa.string()),
        ("batch_no", pa.int32()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
        ("counts", pa.string()),
    ]
)
COMPACTED_PREFIX = "compacted-"
TARGET_FILE_BYTES = 128 * 1024 * 1024
BATCH_FILE = re.compile(r"^(?P<key>\d{8}T\d{12}Z-.+-\d{5,})\.parquet$")


def filesystem(lake_root: str) -> tuple[fsspec.AbstractFileSystem, str]:
    """The fsspec filesystem of `lake_root` and the root path inside it."""
    fs, root = fsspec.core.url_to_fs(str(lake_root))
    return fs, root.rstrip("/") or "/"


def register_lake(con, lake_root: str) -> None:
    """Let DuckDB connection `con` read the files of a lake on object storage by their URLs (`s3://...`).

    DuckDB reads them through the same fsspec filesystem (and credentials) the lake is written with:
    its own httpfs extension is not needed (it would be downloaded at first use). A local lake needs nothing.
    """
    fs, _ = filesystem(lake_root)
    if not isinstance(fs, LocalFileSystem):
        con.register_filesystem(fs)


def absolute_root(lake_root: str) -> str:
    """A local lake as an absolute path (what a deployment stores, so a run does not depend on where it
    starts); an fsspec URL of another filesystem as it is."""
    fs, root = filesystem(lake_root)
    return root if isinstance(fs, LocalFileSystem) else str(lake_root)


def _set_column(table: pa.Table, name: str, value: str) -> pa.Table:
    column = pa.array([value] * table.num_rows, type=pa.string())
    index = table.schema.get_field_index(name)
    return table.append_column(name, column) if index < 0 else table.set_column(index, name, column)


def _put(fs: fsspec.AbstractFileSystem, table: pa.Table, path: str) -> None:
    """Write `table` to `path` atomically: a hidden temporary file, then a move."""
    directory, name = posixpath.split(path)
    fs.makedirs(directory, exist_ok=True)
    temporary = posixpath.join(directory, f".tmp-{uuid.uuid4().hex}-{name}")
    try:
        with fs.open(temporary, "wb") as out:
            pq.write_table(table, out, compression="zstd")
    except BaseException:
        if fs.exists(temporary):  # half a file (a full disk, an I/O error): not left for the next run to find
            fs.rm(temporary)
        raise
    fs.mv(temporary, path)


def _partition_dir(value: date | None) -> str:
    return f"{PARTITION}={NULL_PARTITION if value is None else value.isoformat()}"


def _write(fs, root: str, name: str, table: pa.Table, file_name: str) -> None:
    if table.num_rows == 0:
        return
    if name not in PARTITIONED:
        _put(fs, table, posixpath.join(root, name, file_name))
        return
    dates = table.column(PARTITION)
    rest = table.drop_columns([PARTITION])
    for value in pc.unique(dates).to_pylist():
        mask = (
            pc.is_null(dates) if value is None else pc.fill_null(pc.equal(dates, pa.scalar(value, dates.type)), False)
        )
        _put(fs, rest.filter(mask), posixpath.join(root, name, _partition_dir(value), file_name))


def _article_dates(rows: pa.Table, articles: pa.Table) -> pa.Array:
    """The publication date of each row's article (rows have an `article_id`)."""
    positions = pc.index_in(rows.column("article_id"), value_set=articles.column("article_id"))
    return pc.take(articles.column(PARTITION), positions)


def write_batch(lake_root: str, batch: Batch, tables: BatchTables) -> None:
    """Write one batch's rows (before the warehouse commits it), exactly as load_batch gets them.

    Mentions, date mentions and events get their article's date as partition.
    """
    fs, root = filesystem(lake_root)
    articles = tables.articles
    for name, table in tables.items():
        if name == "articles":
            table = articles.select(list(LAKE_ARTICLE_COLUMNS))
        elif name == "quarantine":
            table = batch.stamp(table)
        elif name in PARTITIONED:  # rows of an article: partitioned by its date
            table = table.append_column(PARTITION, _article_dates(table, articles))
        stamped = _set_column(_set_column(table, "run_id", batch.run_id), "batch_key", batch.key)
        _write(fs, root, name, stamped, f"{batch.key}.parquet")


def upgrade_layout(lake_root: str) -> list[str]:
    """Move the directories an older version named otherwise (RENAMED_DIRECTORIES); return what moved.

    Call under the writer lock, before reading or writing batches.
    """
    fs, root = filesystem(lake_root)
    moved = []
    for old, new in RENAMED_DIRECTORIES.items():
        source = posixpath.join(root, old)
        if not fs.exists(source):
            continue
        for path in fs.find(source):
            target = posixpath.join(root, new, posixpath.relpath(path, source))
            fs.makedirs(posixpath.dirname(target), exist_ok=True)
            fs.mv(path, target)
            moved.append(path)
        fs.rm(source, recursive=True)
    return moved


def write_manifest(lake_root: str, batch: Batch) -> None:
    """Record in the lake that the warehouse committed `batch` (its `batches` row)."""
    fs, root = filesystem(lake_root)
    row = batch.row()
    table = pa.Table.from_pylist([row], schema=BATCHES_SCHEMA)
    _put(fs, table, posixpath.join(root, "batches", f"{row['batch_key']}.parquet"))


def write_run(lake_root: str, run: pa.Table) -> None:
    """Store a run's `runs` row (one-row table), replacing the previous version."""
    fs, root = filesystem(lake_root)
    (run_id,) = run.column("run_id").to_pylist()
    _put(fs, run, posixpath.join(root, "runs", f"{run_id}.parquet"))


def read_table(lake_root: str, name: str) -> pa.Table | None:
    """Every row the lake holds for table `name` (None when it has no files).

    Files written twice (a compaction interrupted before removing its inputs) are
    read once: identical rows are dropped.
    """
    fs, root = filesystem(lake_root)
    directory = posixpath.join(root, name)
    if not fs.exists(directory):
        return None
    dataset = ds.dataset(
        directory,
        schema=LAKE_ARTICLE_SCHEMA if name == "articles" else None,
        filesystem=pafs.PyFileSystem(pafs.FSSpecHandler(fs)),
        format="parquet",
        partitioning=BY_DATE if name in PARTITIONED else None,
        exclude_invalid_files=False,
    )
    return _distinct(dataset.to_table())


def _distinct(table: pa.Table) -> pa.Table:
    """`table` without repeated rows (tables with list columns, e.g. signatures, are returned as they are)."""
    if table.num_rows == 0 or any(pa.types.is_nested(field.type) for field in table.schema):
        return table
    return table.group_by(table.column_names, use_threads=False).aggregate([])


def _parquet_files(fs, root: str) -> list[str]:
    if not fs.exists(root):
        return []
    return sorted(
        path for path in fs.find(root) if path.endswith(".parquet") or posixpath.basename(path).startswith(".tmp-")
    )


def _batch_files(fs, root: str) -> Iterator[tuple[str, str | None]]:
    """(path, batch key) of every batch file of the lake, and of every temporary leftover (key None)."""
    for name in (*BATCH_TABLES, "batches"):
        for path in _parquet_files(fs, posixpath.join(root, name)):
            file_name = posixpath.basename(path)
            match = BATCH_FILE.match(file_name)
            if file_name.startswith(".tmp-") or match:
                yield path, None if file_name.startswith(".tmp-") else match["key"]


def remove_uncommitted(lake_root: str, committed: set[str]) -> list[str]:
    """Delete batch files whose batch the warehouse never committed, and temporary leftovers.

    A run killed between writing the lake and committing to DuckDB leaves such
    files; the next run loads those articles again. Call under the writer lock.
    """
    fs, root = filesystem(lake_root)
    removed = []
    for path, key in _batch_files(fs, root):
        if key not in committed:
            fs.rm(path)
            removed.append(path)
    for path in _parquet_files(fs, posixpath.join(root, "runs")):
        if posixpath.basename(path).startswith(".tmp-"):
            fs.rm(path)
            removed.append(path)
    return removed


def remove_batch(lake_root: str, batch_key: str) -> list[str]:
    """Delete what a batch whose load failed wrote to the lake (its files, and half-written temporary ones).

    Call under the writer lock, only for a batch the warehouse did not commit.
    """
    fs, root = filesystem(lake_root)
    removed = []
    for path, key in _batch_files(fs, root):
        if key in (None, batch_key):
            fs.rm(path)
            removed.append(path)
    return removed


def manifest_keys(lake_root: str) -> set[str]:
    """Batch keys the lake's manifest records (compacted manifests are read)."""
    manifest = read_table(lake_root, "batches")
    return set() if manifest is None else set(manifest.column("batch_key").to_pylist())


def compact(lake_root: str, target_bytes: int = TARGET_FILE_BYTES) -> dict[str, int]:
    """Merge the small files of each directory into files of up to about `target_bytes`.

    Only batches listed in the manifest are merged. Rows are kept as they are
    (sorted by batch). Call under the writer lock. Returns {"files_before": n,
    "files_after": m}, counting the files considered.
    """
    fs, root = filesystem(lake_root)
    committed = manifest_keys(lake_root)
    by_directory: dict[str, list[str]] = defaultdict(list)
    for name in (*BATCH_TABLES, "batches", "runs"):
        for path in _parquet_files(fs, posixpath.join(root, name)):
            file_name = posixpath.basename(path)
            match = BATCH_FILE.match(file_name)
            # Files of a batch the manifest does not list yet stay apart, so reconcile can still remove them.
            if file_name.startswith(".tmp-") or (match and match["key"] not in committed):
                continue
            by_directory[posixpath.dirname(path)].append(path)
    before = sum(len(paths) for paths in by_directory.values())
    after = 0
    for directory, paths in sorted(by_directory.items()):
        groups: list[list[str]] = [[]]
        size = 0
        for path in paths:
            file_size = fs.size(path)
            if groups[-1] and size + file_size > target_bytes:
                groups.append([])
                size = 0
            groups[-1].append(path)
            size += file_size
        for group in groups:
            after += 1
            if len(group) < 2:
                continue
            parts = []
            for path in group:
                with fs.open(path, "rb") as f:
                    parts.append(pq.read_table(f))
            table = _distinct(pa.concat_tables(parts, promote_options="permissive"))
            if "batch_key" in table.column_names:
                table = table.sort_by("batch_key")
            _put(fs, table, posixpath.join(directory, f"{COMPACTED_PREFIX}{uuid.uuid4().hex}.parquet"))
            for path in group:  # the merged file is in place: the originals can go
                fs.rm(path)
    return {"files_before": before, "files_after": after}
