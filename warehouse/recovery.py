"""After a crash, and from scratch: bring the lake in line with the warehouse, or the warehouse from the lake.

Write order of a batch: its rows to the lake, then its rows to DuckDB in one
transaction (with its `batches` row), then its manifest file to the lake. A
process killed anywhere in between leaves either lake files of a batch DuckDB
never committed (removed by `reconcile`, the articles are loaded again by the
next run) or a committed batch without its manifest (written by `reconcile`).
Both functions run under the writer lock, so no run is in progress.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from transforms.quarantine import with_current_stage_names, with_cut_reasons
from transforms.stories import StoryParameters
from warehouse import db, lake
from warehouse.batches import BATCH_TABLES, EMPTY, Batch, BatchTables
from warehouse.lock import writer_lock
from warehouse.statements import registered, statements

# Tables the lake does not hold (what the sources looked like when last read, not data), with the
# statement of sql/source_state.sql that puts their rows back: a rebuild keeps them from the old file when there is one.
KEPT_FROM_OLD_FILE = {"source_state": "insert_source_state_rows"}


def reconcile(con: duckdb.DuckDBPyConnection, lake_root: str) -> dict[str, list[str]]:
    """Close runs a killed process left `running`, and make the lake hold exactly the committed batches."""
    lake.upgrade_layout(lake_root)
    closed = db.close_unfinished_runs(con)
    if closed:  # a killed run never linked its entities across the corpus, nor grouped its events
        db.link_entities(con)
        db.group_events(con)
    committed = db.batch_keys(con)
    removed = lake.remove_uncommitted(lake_root, committed)
    missing = committed - lake.manifest_keys(lake_root)
    if missing:
        batches = con.sql(statements(db.RUNS)["all_batches"]).to_arrow_table()
        for row in batches.filter(pc.is_in(batches.column("batch_key"), pa.array(sorted(missing)))).to_pylist():
            lake.write_manifest(lake_root, Batch.from_row(row))
    synced = sync_runs(con, lake_root)
    return {
        "closed_runs": closed,
        "removed_files": removed,
        "manifests_written": sorted(missing),
        "runs_synced": synced,
    }


def sync_runs(con: duckdb.DuckDBPyConnection, lake_root: str) -> list[str]:
    """Rewrite the lake's copy of every run whose `runs` row differs from the warehouse's."""
    runs = con.sql(statements(db.RUNS)["all_runs"]).to_arrow_table()
    stored = lake.read_table(lake_root, "runs")
    stored_rows = {} if stored is None else {row["run_id"]: row for row in _latest_runs(stored).to_pylist()}
    synced = []
    for index, row in enumerate(runs.to_pylist()):
        if stored_rows.get(row["run_id"]) != row:
            lake.write_run(lake_root, runs.slice(index, 1))
            synced.append(row["run_id"])
    return synced


def write_run(con: duckdb.DuckDBPyConnection, lake_root: str, run_id: str) -> None:
    """Copy one run's current `runs` row to the lake."""
    lake.write_run(lake_root, con.sql(statements(db.RUNS)["run_row"], params={"run_id": run_id}).to_arrow_table())


def _latest_runs(runs: pa.Table) -> pa.Table:
    """One row per run: a finished version wins over a `running` one left by an interrupted compaction."""
    best: dict[str, int] = {}
    rows = runs.to_pylist()
    for index, row in enumerate(rows):
        current = best.get(row["run_id"])
        if current is None or (rows[current]["finished_at"] is None and row["finished_at"] is not None):
            best[row["run_id"]] = index
    return runs.take(sorted(best.values()))


def _slices(table: pa.Table) -> dict[str, pa.Table]:
    """The rows of `table` per batch_key (one pass over the sorted table)."""
    table = table.sort_by("batch_key")
    slices, offset = {}, 0
    for entry in pc.value_counts(table.column("batch_key")).to_pylist():
        slices[entry["values"]] = table.slice(offset, entry["counts"])
        offset += entry["counts"]
    return slices


def replay(con: duckdb.DuckDBPyConnection, lake_root: str) -> int:
    """Load every batch of the lake's manifest, in key order, as the runs loaded them (assigning its articles
    to stories again, with its run's story parameters); then the runs rows."""
    manifest = lake.read_table(lake_root, "batches")
    if manifest is None:
        return 0
    per_table = {}
    for name in BATCH_TABLES:
        table = lake.read_table(lake_root, name)
        if name == "quarantine" and table is not None:
            table = with_cut_reasons(with_current_stage_names(table))  # a lake written by an older version
        per_table[name] = _slices(table) if table is not None and table.num_rows else {}
    runs = lake.read_table(lake_root, "runs")
    # Stories are not in the lake: each batch is assigned again, as its run did, with that run's parameters.
    parameters = {} if runs is None else {
        row["run_id"]: StoryParameters.of(json.loads(row["parameters"] or "{}"))
        for row in _latest_runs(runs).select(["run_id", "parameters"]).to_pylist()
    }  # fmt: skip
    rows = manifest.sort_by("batch_key").to_pylist()
    for row in rows:
        batch = Batch.from_row(row)
        tables = {name: slices.get(batch.key, EMPTY[name].empty_table()) for name, slices in per_table.items()}
        story_parameters = parameters.get(batch.run_id, StoryParameters())
        db.load_batch(con, batch, BatchTables(**tables), story_parameters=story_parameters)
    db.link_entities(con)  # as each run does once it has loaded its batches
    db.group_events(con)
    if runs is not None:
        with registered(con, lake_runs=_latest_runs(runs)):
            con.execute(statements(db.RUNS)["insert_runs"])
    return len(rows)


def rebuild(
    db_path: str | Path,
    lake_root: str,
    lock_timeout: float,
    on_wait: Callable[[str], None] = lambda message: None,
) -> dict:
    """Recreate the DuckDB file from the lake; the old file is replaced only once the new one is complete.

    `source_state` is not in the lake: it is copied from the old file when there is one (without it,
    the next run reads every source again, and what is already loaded counts as duplicates).
    The signatures' LSH band hashes are derived rows: made again for the old file's banding, or by the next run.
    """
    path = Path(db_path)
    with writer_lock(path, "rebuild", lock_timeout, on_wait):
        kept = {}
        banding = []  # the old file's near-duplicate banding: its band hashes are made again from the signatures
        if path.exists():  # a crash may have left the lake one step behind the warehouse
            con = db.connect(path)
            try:
                db.upgrade(con)
                reconcile(con, lake_root)
                for name, insert in KEPT_FROM_OLD_FILE.items():
                    kept[insert] = db.whole_table(con, name)
                banding = db.signature_banding(con)
            finally:
                con.close()
        fresh = path.with_name(path.name + ".rebuild")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        lake.upgrade_layout(lake_root)  # a lake with no warehouse yet was not upgraded by reconcile
        con = db.connect(fresh)
        try:
            db.upgrade(con)
            n_batches = replay(con, lake_root)
            for insert, rows in kept.items():
                with registered(con, kept_rows=rows):
                    con.execute(statements(db.SOURCE_STATE)[insert])
            for bands, band_rows in banding:
                db.add_signature_bands(con, bands, band_rows)
            checksums = db.table_checksums(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # The old file's write-ahead log (if a crash left one) must not be replayed onto the new file.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        os.replace(fresh, path)
    return {"batches": n_batches, "checksums": checksums}
