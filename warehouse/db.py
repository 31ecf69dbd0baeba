"""The DuckDB warehouse: open it, bring its schema up to date, load batches in one transaction, record runs.

Migrations (`migrations/NNN_*.sql`), views (`views/*.sql`) and analysts'
queries (`queries/*.sql`) are files of their own. The loader's statements are
grouped by concern in `sql/<concern>.sql`, each after a `-- name: <name>` line,
so the statements of one transaction read together (docs/warehouse.md says
why). Every value goes in as a bound parameter; batches go in as registered
Arrow tables.

Opening the file does not change its schema: `upgrade` applies pending
migrations and recreates the views, once per run, as the run's first step.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from transforms.stories import StoryAssignment, StoryParameters
from warehouse import integrity, stories
from warehouse.batches import Batch, BatchTables
from warehouse.statements import registered, rows, statements, transaction

PACKAGE = resources.files("warehouse")

# How long a connection waits for another process to close the file (DuckDB: one writer, or many readers).
DEFAULT_WAIT_SECONDS = 60.0
LOCK_CONFLICT = "Could not set lock"
# `runs` columns that hold counts are named n_<what>; the flows declare which (flows/counts.py).
COUNT_PREFIX = "n_"


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse file open for longer than we were willing to wait."""


def query(name: str) -> str:
    """The text of `queries/<name>.sql`, an example query for analysts."""
    return PACKAGE.joinpath("queries", f"{name}.sql").read_text(encoding="utf-8")


# ---------------------------------------------------------------- schema


def _sql_files(folder: str) -> list:
    return sorted((f for f in PACKAGE.joinpath(folder).iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


def migrations() -> list[tuple[str, str]]:
    """(name, sql) of every migration, in the order of their NNN_ prefixes."""
    return [(file.name.removesuffix(".sql"), file.read_text(encoding="utf-8")) for file in _sql_files("migrations")]


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, sql) of the migrations not yet recorded in `schema_migrations`, in order (every one on a new file)."""
    recorded = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    done = set()
    if con.execute(recorded).fetchone()[0]:
        done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    return [(name, sql) for name, sql in migrations() if name not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the pending migrations in order, each recorded in `schema_migrations`; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
    )
    applied = []
    for name, sql in pending_migrations(con):
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES ($name, now())", {"name": name})
        applied.append(name)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every view of `views/*.sql`, so views follow the code; return their names."""
    files = _sql_files("views")
    for file in files:
        con.execute(file.read_text(encoding="utf-8"))
    return [file.name.removesuffix(".sql") for file in files]


def upgrade(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring the schema up to date: pending migrations, then every view. Returns the migrations applied."""
    applied = migrate(con)
    create_views(con)
    return applied


# ---------------------------------------------------------------- connections


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
    """Open the warehouse (a writer creates the file); timestamps are shown in UTC whatever the machine's zone.

    DuckDB lets one process open a file to write, or several to read, never
    both: while another process has it open, we retry for `wait_seconds`.
    """
    path = Path(db_path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `newsetl run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, wait_seconds)
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


# ---------------------------------------------------------------- batches

LOAD = "load"
# Characters of each quarantined payload kept beside it (quarantine.payload_preview, migration 016).
PAYLOAD_PREVIEW_CHARS = 1_000


def known_content_hashes(con: duckdb.DuckDBPyConnection, hashes: Iterable[str]) -> set[str]:
    """The subset of `hashes` that articles in the warehouse already have."""
    batch_hashes = pa.table({"content_hash": pa.array(list(hashes), type=pa.string())})
    with registered(con, batch_hashes=batch_hashes):
        return {row[0] for row in con.execute(statements(LOAD)["known_content_hashes"]).fetchall()}


def anchor_near_copies(con: duckdb.DuckDBPyConnection, articles: pa.Table) -> pa.Table:
    """`articles` whose near copies point at an original that is in the batch or stored; others point at none.

    A near copy was marked against an article of the run that may not load after
    all (quarantined later, superseded): then the copy is an original itself.
    Call before the batch goes to the lake, so the lake and the warehouse agree.
    """
    anchors = pc.unique(articles.column("duplicate_of").drop_null())
    if not len(anchors):
        return articles
    present = set(articles.column("article_id").to_pylist())
    with registered(con, batch_anchors=pa.table({"article_id": anchors})):
        present |= {row[0] for row in con.execute(statements(LOAD)["stored_anchors"]).fetchall()}
    kept = [anchor if anchor in present else None for anchor in articles.column("duplicate_of").to_pylist()]
    column = articles.schema.get_field_index("duplicate_of")
    return articles.set_column(column, "duplicate_of", pa.array(kept, type=pa.string()))


def load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    tables: BatchTables,
    banding: tuple[int, int] | None = None,
    assignment: StoryAssignment | None = None,
    story_parameters: StoryParameters | None = None,
) -> None:
    """Write one batch to every table, and its `batches` row, in a single transaction.

    Articles already stored under the same id are replaced together with every
    row pointing into their text and their mentions' old quarantine rows, so a
    changed article never leaves old child rows behind; near copies of an
    article that became a copy itself point at its original. When the batch
    replays quarantined records (`tables.replayed_quarantine`), those that did
    not fail again leave quarantine in the same transaction. The result depends
    only on `tables` and `batch`, so replaying the lake's batches in key order
    rebuilds the same warehouse. Before committing, the batch's rows are
    checked (warehouse/integrity.py): a batch that would leave a reference
    dangling raises IntegrityViolated and is rolled back. `banding` (bands,
    band_rows) adds the signatures' LSH band hashes (a rebuild adds them once
    at the end, see `add_signature_bands`). Every loaded article goes into a
    story: `assignment` when the caller made it (`stories.assign`, the flow's
    assign-stories step), else one made here with `story_parameters`.
    """
    if assignment is None:
        assignment = stories.assign(con, tables, story_parameters or StoryParameters())
    relations = {f"batch_{name}": table for name, table in tables.items()}
    relations["batch_quarantine"] = batch.stamp(tables.quarantine)
    load = statements(LOAD)
    run = {"run_id": batch.run_id}
    with registered(con, **relations), transaction(con):
        con.execute(load["delete_replaced"])
        con.execute(load["insert_articles"], run)
        con.execute(load["repoint_copies_of_copies"])
        for name in ("insert_entities", "insert_mentions"):
            con.execute(load[name], run)
        con.execute(load["delete_replaced_child_quarantine"])
        con.execute(load["insert_quarantine"], {**run, "preview_chars": PAYLOAD_PREVIEW_CHARS})
        for name in ("insert_date_mentions", "insert_article_signatures"):
            con.execute(load[name], run)
        if banding is not None:
            con.execute(load["insert_signature_bands"], {"bands": banding[0], "band_rows": banding[1]})
        for name in ("insert_events", "insert_event_participants"):
            con.execute(load[name], run)
        stories.store(con, assignment, batch.run_id, batch.key)
        con.execute(load["delete_replayed_quarantine"])
        con.execute(load["insert_batch"], batch.row())
        integrity.check_batch(con)


# ---------------------------------------------------------------- runs

RUNS = "runs"


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, parameters: Mapping, code_version: str) -> None:
    params = {
        "run_id": run_id,
        "flow": flow,
        "parameters": json.dumps(parameters, ensure_ascii=False, default=str),
        "code_version": code_version,
    }
    con.execute(statements(RUNS)["start_run"], params)


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: Mapping[str, int],
    error: str | None = None,
    stage_seconds: Mapping[str, float] | None = None,
    languages: Mapping[str, int] | None = None,
) -> None:
    """Record the end of a run: its status, its counts (a count not given is 0), seconds per stage, articles per language.

    The run's row is written whole, by column name, so a count added by a
    migration needs no change here; a count that is no `runs` column is refused.
    """
    run = con.sql(statements(RUNS)["run_row"], params={"run_id": run_id}).to_arrow_table()
    if run.num_rows != 1:
        raise KeyError(f"no run {run_id} in the warehouse")
    unknown = set(counts) - set(run.column_names)
    if unknown:
        raise ValueError(f"not a count of the runs table: {', '.join(sorted(unknown))}")
    row = run.to_pylist()[0]
    row.update({name: int(counts.get(name, 0)) for name in run.column_names if name.startswith(COUNT_PREFIX)})
    row.update(
        finished_at=datetime.now(UTC),
        status=status,
        error=error,
        stage_seconds=None
        if stage_seconds is None
        else json.dumps({k: round(v, 3) for k, v in sorted(stage_seconds.items())}),
        languages=json.dumps(dict(sorted((languages or {}).items()))),
    )
    with registered(con, finished_run=pa.Table.from_pylist([row], schema=run.schema)):
        con.execute(statements(RUNS)["replace_run"])


def run_count_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The `runs` columns that hold counts."""
    cursor = con.execute(statements(RUNS)["run_row"], {"run_id": None})
    cursor.fetchall()  # no row; a result left open would block the connection's next statement
    return [column[0] for column in cursor.description if column[0].startswith(COUNT_PREFIX)]


def count_run_entities(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Distinct entities mentioned by the articles that run `run_id` loaded."""
    (count,) = con.execute(statements(RUNS)["count_run_entities"], {"run_id": run_id}).fetchall()[0]
    return count


def top_run_entities(con: duckdb.DuckDBPyConnection, run_id: str, limit: int) -> list[dict]:
    """The `limit` entities most mentioned by run `run_id`: type, name, mentions, articles."""
    return rows(con.execute(statements(RUNS)["top_run_entities"], {"run_id": run_id, "limit": limit}))


def close_unfinished_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Mark runs left `running` by a killed process as `interrupted`, with the counts of their loaded batches.

    Call only under the writer lock: then no run is really in progress.
    """
    closed = []
    for (run_id,) in con.execute(statements(RUNS)["unfinished_runs"]).fetchall():
        counts: Counter = Counter()
        for (batch_counts,) in con.execute(statements(RUNS)["run_batch_counts"], {"run_id": run_id}).fetchall():
            counts.update(json.loads(batch_counts))
        columns = {name: counts[name] for name in run_count_columns(con)}  # a batch also counts what is no column
        columns["n_entities"] = count_run_entities(con, run_id)
        finish_run(con, run_id, "interrupted", columns, error="the run stopped before finishing (process killed?)")
        closed.append(run_id)
    return closed


def batch_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Keys of every batch the warehouse holds."""
    return {row[0] for row in con.execute(statements(RUNS)["batch_keys"]).fetchall()}


# ---------------------------------------------------------------- near duplicates

NEAR_DUPLICATES = "near_duplicates"


def add_signature_bands(con: duckdb.DuckDBPyConnection, bands: int, band_rows: int) -> None:
    """Give every stored signature its LSH band hashes for this banding, replacing those of any other."""
    params = {"bands": bands, "band_rows": band_rows}
    con.execute(statements(NEAR_DUPLICATES)["delete_other_signature_bands"], params)
    con.execute(statements(NEAR_DUPLICATES)["add_signature_bands"], params)


def signature_banding(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """(bands, band_rows) of the stored band hashes: one pair, or none before the first run."""
    return [
        (int(bands), int(band_rows))
        for bands, band_rows in con.execute(statements(NEAR_DUPLICATES)["signature_banding"]).fetchall()
    ]


def near_duplicate_candidates(
    con: duckdb.DuckDBPyConnection, signatures: pa.Table, bands: int, band_rows: int
) -> pa.Table:
    """Stored articles sharing a band with one of `signatures` (article_id, signature):
    query_id, article_id, signature, kept (the article it copies, or itself)."""
    with registered(con, query_signatures=signatures.select(["article_id", "signature"])):
        params = {"bands": bands, "band_rows": band_rows}
        return con.sql(statements(NEAR_DUPLICATES)["near_duplicate_candidates"], params=params).to_arrow_table()


# ---------------------------------------------------------------- entities

# A one-word entity links to the fuller entity holding at least this share of the corpus's evidence
# for that word (two people sharing a surname split it, so neither is chosen).
LINK_MIN_SHARE = 0.9
# A name is re-typed to the type that at least this share of the articles naming it give it, in at least
# RETYPE_MIN_ARTICLES articles («Голос Америки» as ORG in 40 articles, as LOC in 2).
RETYPE_MIN_SHARE = 0.9
RETYPE_MIN_ARTICLES = 3


def link_entities(
    con: duckdb.DuckDBPyConnection,
    min_share: float = LINK_MIN_SHARE,
    retype_min_share: float = RETYPE_MIN_SHARE,
    retype_min_articles: int = RETYPE_MIN_ARTICLES,
) -> None:
    """Recompute the corpus-level re-typing (with its evidence in `entity_retypes`) and links (bare surname →
    dominant full name), in one transaction."""
    links = statements("entities")
    with transaction(con):
        con.execute(links["reset_links"])
        con.execute(links["reset_retypes"])
        con.execute(links["find_retypes"], {"min_share": retype_min_share, "min_articles": retype_min_articles})
        con.execute(links["apply_retypes"])
        con.execute(links["find_links"], {"min_share": min_share})
        con.execute(links["apply_links"])


# ---------------------------------------------------------------- consolidated events


def group_events(con: duckdb.DuckDBPyConnection) -> None:
    """Give every event its consolidated group (story, type, linked actors and targets, date) and rewrite the
    groups whose events changed, in one transaction; call after `link_entities`."""
    grouping = statements("event_groups")
    with transaction(con):
        for name in ("event_keys", "affected_groups", "set_event_groups", "delete_affected_groups",
                     "insert_affected_groups"):  # fmt: skip
            con.execute(grouping[name])
        con.execute("DROP TABLE event_keys; DROP TABLE affected_groups")


# ---------------------------------------------------------------- tables

TABLES = "tables"


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """(row count, order-independent hash of all rows) of every table, to compare two warehouses."""
    checksums = {}
    for (name,) in con.execute(statements(TABLES)["list_tables"]).fetchall():
        if name == "schema_migrations":  # applied_at is when this file was created, not data
            continue
        n_rows, checksum = con.execute(statements(TABLES)["table_checksum"], {"table_name": name}).fetchone()
        checksums[name] = (int(n_rows), int(checksum))
    return checksums


def whole_table(con: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    return con.sql(statements(TABLES)["whole_table"], params={"table_name": name}).to_arrow_table()


# ---------------------------------------------------------------- source state

SOURCE_STATE = "source_state"
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
    return rows(con.execute(statements(SOURCE_STATE)["select_source_state"]))


def save_source_state(con: duckdb.DuckDBPyConnection, run_id: str, entries: list[Mapping]) -> None:
    """Record what run `run_id` saw (dicts with SOURCE_STATE_SCHEMA's fields), in one transaction."""
    if not entries:
        return
    table = pa.Table.from_pylist([dict(e) for e in entries], schema=SOURCE_STATE_SCHEMA)
    table = table.append_column("position", pa.array(range(table.num_rows), type=pa.int64()))
    with registered(con, batch_source_state=table), transaction(con):
        con.execute(statements(SOURCE_STATE)["upsert_source_state"], {"run_id": run_id})


# ---------------------------------------------------------------- quarantine


def replayable_quarantine(con: duckdb.DuckDBPyConnection, stages: list[str], child_tables: list[str]) -> list[dict]:
    """The quarantined raw records of `stages` that a replay runs again (see quarantine.sql)."""
    params = {"stages": list(stages), "child_tables": child_tables}
    return rows(con.execute(statements("quarantine")["replayable_quarantine"], params))
