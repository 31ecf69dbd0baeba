"""DuckDB warehouse: connect, migrate, load batches in one transaction, record runs.

Every statement lives in a `.sql` file beside this module and takes its values
as bound parameters; batches are handed to DuckDB as registered Arrow tables.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from transforms.dates import DATE_MENTIONS_SCHEMA
from transforms.neardup import SIGNATURES_SCHEMA

PACKAGE = resources.files("warehouse")

RUN_COUNTS = (
    "n_read",
    "n_loaded",
    "n_duplicates",
    "n_quarantined",
    "n_quarantined_extract",
    "n_quarantined_normalize",
    "n_quarantined_tag",
    "n_quarantined_validate",
    "n_mentions",
    "n_mentions_quarantined",
    "n_entities",
    "n_no_date",
    "n_near_duplicates",
    "n_date_mentions",
    "n_date_failures",
    "n_date_mentions_quarantined",
    "n_events",
    "n_event_participants",
    "n_quarantined_events",
)


# How long a connection waits for another process to close the file (DuckDB: one writer, or many readers).
DEFAULT_WAIT_SECONDS = 60.0
LOCK_CONFLICT = "Could not set lock"


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse file open for longer than we were willing to wait."""


@dataclass(frozen=True)
class Batch:
    """One batch as loaded: its rows in every table carry `key`, which sorts in load order."""

    run_id: str
    batch_no: int
    loaded_at: datetime
    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def now(cls, run_id: str, batch_no: int, counts: Mapping[str, int]) -> Batch:
        return cls(run_id, batch_no, datetime.now(UTC), {k: int(v) for k, v in counts.items()})

    @property
    def key(self) -> str:
        return f"{self.loaded_at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{self.run_id}-{self.batch_no:05d}"

    def row(self) -> dict:
        """The batch's row in the `batches` table (and the lake's `batches/` manifest)."""
        return {
            "batch_key": self.key,
            "run_id": self.run_id,
            "batch_no": self.batch_no,
            "loaded_at": self.loaded_at,
            "counts": json.dumps(dict(self.counts), sort_keys=True),
        }

    def stamp(self, quarantine: pa.Table) -> pa.Table:
        """Quarantine rows with their `quarantined_at` (the load time) unless they have it already."""
        if "quarantined_at" in quarantine.column_names:
            return quarantine
        column = pa.array([self.loaded_at] * quarantine.num_rows, type=pa.timestamp("us", tz="UTC"))
        return quarantine.append_column("quarantined_at", column)


def sql(name: str) -> str:
    """The text of `warehouse/sql/<name>.sql`."""
    return PACKAGE.joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def query(name: str) -> str:
    """The text of `warehouse/queries/<name>.sql`, an example query for analysts."""
    return PACKAGE.joinpath("queries", f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[str, str]]:
    """(name, sql) of every migration, in the order of their NNN_ prefixes."""
    files = sorted(
        (f for f in PACKAGE.joinpath("migrations").iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in `schema_migrations`; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, statements in migrations():
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(statements)
            con.execute("INSERT INTO schema_migrations VALUES ($name, now())", {"name": name})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every view of `warehouse/views/*.sql`, so views follow the code; return their names."""
    files = sorted((f for f in PACKAGE.joinpath("views").iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    for f in files:
        con.execute(f.read_text(encoding="utf-8"))
    return [f.name.removesuffix(".sql") for f in files]


def _open(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another process holds the file (DuckDB's lock error otherwise)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if LOCK_CONFLICT not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{path} stayed in use by another process for {wait_seconds:g} s: {str(exc).splitlines()[0]}"
                ) from None
            time.sleep(0.05)


def connect(
    db_path: str | Path, *, read_only: bool = False, wait_seconds: float = DEFAULT_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writer creates it, applies pending migrations and (re)creates the views.

    DuckDB lets one process open the file to write, or several to read, never
    both: while another process has it open, we retry for `wait_seconds`.
    Timestamps are shown in UTC whatever the machine's zone.
    """
    path = Path(db_path)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path}: run `newsetl run` first")
        con = _open(path, True, wait_seconds)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _open(path, False, wait_seconds)
        migrate(con)
        create_views(con)
    con.execute("SET TimeZone = 'UTC'")
    return con


@dataclass(frozen=True)
class Warehouse:
    """The warehouse file as a run writes it: opened only for each step that needs it.

    Between batches the file is closed, so readers (`newsetl sql`, the DuckDB
    CLI) get in; the writer lock (`warehouse/lock.py`) keeps other writers out.
    """

    path: str
    wait_seconds: float = DEFAULT_WAIT_SECONDS

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.path, wait_seconds=self.wait_seconds)
        try:
            yield con
        finally:
            con.close()


def known_content_hashes(con: duckdb.DuckDBPyConnection, hashes: Iterable[str]) -> set[str]:
    """The subset of `hashes` that articles in the warehouse already have."""
    batch_hashes = pa.table({"content_hash": pa.array(list(hashes), type=pa.string())})
    con.register("batch_hashes", batch_hashes)
    try:
        return {row[0] for row in con.execute(sql("known_content_hashes")).fetchall()}
    finally:
        con.unregister("batch_hashes")


def load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    *,
    articles: pa.Table,
    mentions: pa.Table,
    entities: pa.Table,
    quarantine: pa.Table,
    date_mentions: pa.Table | None = None,
    signatures: pa.Table | None = None,
    events: pa.Table | None = None,
    event_participants: pa.Table | None = None,
    replayed_quarantine_ids: Iterable[str] = (),
    banding: tuple[int, int] | None = None,
) -> None:
    """Write one batch to every table, and its `batches` row, in a single transaction.

    Articles already stored under the same id are replaced together with their
    mentions, events, date mentions, signatures and its mentions' old quarantine
    rows, so a changed article never leaves old child rows behind. `events` and
    `event_participants` are optional (both or neither). When the batch replays
    quarantined records, those that did not fail again leave quarantine in the
    same transaction. Apart from those replayed deletions the result depends only
    on the tables and `batch`, so replaying the lake's batches in key order
    rebuilds the same warehouse. `banding` (bands, band_rows) adds the signatures'
    LSH band hashes (a rebuild adds them once at the end, see `add_signature_bands`).
    """
    relations = {
        "batch_articles": articles,
        "batch_mentions": mentions,
        "batch_entities": entities,
        "batch_quarantine": batch.stamp(quarantine),
        "batch_date_mentions": DATE_MENTIONS_SCHEMA.empty_table() if date_mentions is None else date_mentions,
        "batch_signatures": SIGNATURES_SCHEMA.empty_table() if signatures is None else signatures,
        "batch_replayed": pa.table({"quarantine_id": pa.array(list(replayed_quarantine_ids), type=pa.string())}),
    }
    if events is not None:
        relations.update(batch_events=events, batch_event_participants=event_participants)
    for name, table in relations.items():
        con.register(name, table)
    params = {"run_id": batch.run_id}
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql("delete_article_children"))
            con.execute(sql("delete_article_dates"))
            con.execute(sql("delete_article_events"))  # old offsets would point into the replaced text
            con.execute(sql("delete_articles"))
            con.execute(sql("insert_articles"), params)
            con.execute(sql("insert_entities"), params)
            con.execute(sql("insert_mentions"), params)
            con.execute(sql("delete_replaced_child_quarantine"))
            con.execute(sql("insert_quarantine"), params)
            con.execute(sql("insert_date_mentions"), params)
            con.execute(sql("insert_signatures"), params)
            if banding is not None:
                con.execute(sql("insert_signature_bands"), {"bands": banding[0], "band_rows": banding[1]})
            if events is not None:
                con.execute(sql("insert_events"), params)
                con.execute(sql("insert_event_participants"), params)
            con.execute(sql("delete_replayed_quarantine"))
            con.execute(sql("insert_batch"), batch.row())
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    finally:
        for name in relations:
            con.unregister(name)


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, flow: str, parameters: Mapping, code_version: str
) -> None:
    con.execute(
        sql("start_run"),
        {
            "run_id": run_id,
            "flow": flow,
            "parameters": json.dumps(parameters, ensure_ascii=False, default=str),
            "code_version": code_version,
        },
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: Mapping[str, int],
    error: str | None = None,
    stage_seconds: Mapping[str, float] | None = None,
    languages: Mapping[str, int] | None = None,
) -> None:
    """Record the end of a run: its status, counts, seconds per stage and articles loaded per language."""
    seconds = None if stage_seconds is None else json.dumps({k: round(v, 3) for k, v in sorted(stage_seconds.items())})
    params = {"run_id": run_id, "status": status, "error": error, "stage_seconds": seconds}
    params.update({name: int(counts.get(name, 0)) for name in RUN_COUNTS})
    con.execute(sql("finish_run"), params)
    con.execute(
        sql("record_run_languages"), {"run_id": run_id, "languages": json.dumps(dict(sorted((languages or {}).items())))}
    )


def add_signature_bands(con: duckdb.DuckDBPyConnection, bands: int, band_rows: int) -> None:
    """Give every stored signature its LSH band hashes for this banding, replacing those of any other."""
    params = {"bands": bands, "band_rows": band_rows}
    con.execute(sql("delete_other_signature_bands"), params)
    con.execute(sql("add_signature_bands"), params)


def signature_banding(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """(bands, band_rows) of the stored band hashes: one pair, or none before the first run."""
    return [(int(bands), int(rows)) for bands, rows in con.execute(sql("signature_banding")).fetchall()]


def near_duplicate_candidates(
    con: duckdb.DuckDBPyConnection, signatures: pa.Table, bands: int, band_rows: int
) -> pa.Table:
    """Stored articles sharing a band with one of `signatures` (article_id, signature):
    query_id, article_id, signature, kept (the article it copies, or itself)."""
    con.register("query_signatures", signatures.select(["article_id", "signature"]))
    try:
        return con.sql(sql("near_duplicate_candidates"), params={"bands": bands, "band_rows": band_rows}).to_arrow_table()
    finally:
        con.unregister("query_signatures")


def count_run_entities(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Distinct entities mentioned by the articles that run `run_id` loaded."""
    return con.execute(sql("count_run_entities"), {"run_id": run_id}).fetchone()[0]


def top_run_entities(con: duckdb.DuckDBPyConnection, run_id: str, limit: int) -> list[dict]:
    """The `limit` entities most mentioned by run `run_id`: type, name, mentions, articles."""
    cursor = con.execute(sql("top_run_entities"), {"run_id": run_id, "limit": limit})
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def close_unfinished_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Mark runs left `running` by a killed process as `interrupted`, with the counts of their loaded batches.

    Call only under the writer lock: then no run is really in progress.
    """
    closed = []
    for (run_id,) in con.execute(sql("unfinished_runs")).fetchall():
        counts: Counter = Counter()
        for (batch_counts,) in con.execute(sql("run_batch_counts"), {"run_id": run_id}).fetchall():
            counts.update(json.loads(batch_counts))
        counts["n_entities"] = count_run_entities(con, run_id)
        finish_run(con, run_id, "interrupted", counts, error="the run stopped before finishing (process killed?)")
        closed.append(run_id)
    return closed


def batch_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Keys of every batch the warehouse holds."""
    return {row[0] for row in con.execute(sql("batch_keys")).fetchall()}


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """(row count, order-independent hash of all rows) of every table, to compare two warehouses."""
    tables = [row[0] for row in con.execute(sql("list_tables")).fetchall()]
    checksums = {}
    for name in tables:
        if name == "schema_migrations":  # applied_at is when this file was created, not data
            continue
        n_rows, checksum = con.execute(sql("table_checksum"), {"table_name": name}).fetchone()
        checksums[name] = (int(n_rows), int(checksum))
    return checksums


# A one-word entity links to the fuller entity holding at least this share of the corpus's evidence
# for that word (two people sharing a surname split it, so neither is chosen).
LINK_MIN_SHARE = 0.9


def link_entities(con: duckdb.DuckDBPyConnection, min_share: float = LINK_MIN_SHARE) -> None:
    """Recompute the corpus-level links (bare surname → dominant full name), in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql("link_entities_reset"))
        con.execute(sql("link_entities_find"), {"min_share": min_share})
        con.execute(sql("link_entities_apply"))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


SOURCE_STATE_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("key", pa.string()),
        ("size", pa.int64()),
        ("mtime", pa.float64()),
        ("content_hash", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
    ]
)


def load_source_state(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every `source_state` row: what earlier successful runs saw of each file, URL and feed item."""
    cursor = con.execute(sql("select_source_state"))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def save_source_state(con: duckdb.DuckDBPyConnection, run_id: str, entries: list[Mapping]) -> None:
    """Record what run `run_id` saw (dicts with SOURCE_STATE_SCHEMA's fields), in one transaction."""
    if not entries:
        return
    table = pa.Table.from_pylist([dict(e) for e in entries], schema=SOURCE_STATE_SCHEMA)
    table = table.append_column("position", pa.array(range(table.num_rows), type=pa.int64()))
    con.register("batch_source_state", table)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql("upsert_source_state"), {"run_id": run_id})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("batch_source_state")


def replayable_quarantine(con: duckdb.DuckDBPyConnection, stage: str | None, child_tables: list[str]) -> list[dict]:
    """The quarantined raw records a replay runs again (see replayable_quarantine.sql)."""
    cursor = con.execute(sql("replayable_quarantine"), {"stage": stage, "child_tables": child_tables})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
