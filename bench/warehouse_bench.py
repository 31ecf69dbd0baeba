"""Warehouse benchmark: what opening the file per batch costs, rebuild, compaction, example queries.

Takes the warehouse and lake of an earlier run (of real articles) and measures,
on copies, each against a baseline measured in the same run:
- per-batch connection (a run opens the file twice per batch so readers get in)
  against the batch load itself with one connection kept open;
- `rebuild` from the lake, and that its checksums equal the original's;
- reading the whole lake before and after `lake compact`;
- each query in warehouse/queries/.

Timings on a shared machine are noisy: run it twice and compare.

Usage: python bench/warehouse_bench.py --db data/news.duckdb --lake data/lake
Example: make bench BENCH_DB=/tmp/bulk.duckdb BENCH_LAKE=/tmp/bulk-lake
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from warehouse import db, lake, recovery
from warehouse.query import run_query

QUERIES = Path(__file__).resolve().parent.parent / "warehouse" / "queries"


def seconds(action, repeat: int = 1) -> float:
    """Median wall time of `action()` over `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def read_lake(root: str) -> int:
    return sum(
        t.num_rows
        for t in (lake.read_table(root, name) for name in (*lake.BATCH_TABLES, "batches", "runs"))
        if t is not None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--lake", required=True)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsetl-bench-"))
    try:
        source_db = work / "source.duckdb"
        shutil.copy(args.db, source_db)
        lake_copy = str(work / "lake")
        shutil.copytree(args.lake, lake_copy)
        con = db.connect(source_db, read_only=True)
        original = db.table_checksums(con)
        con.close()
        n_batches = original["batches"][0]
        print(
            f"warehouse {args.db}: {original['articles'][0]:,} articles, {original['mentions'][0]:,} mentions, {n_batches} batches"
        )

        # Baseline: replay every batch through one open connection. Then: what a run adds per batch.
        replay_db = work / "replay.duckdb"
        con = db.connect(replay_db)
        db.upgrade(con)
        replay_s = seconds(lambda: recovery.replay(con, lake_copy))
        con.close()
        open_close_s = seconds(lambda: db.Warehouse(str(source_db)).connection().__enter__().close(), repeat=20)
        print(f"load, one connection kept open:   {replay_s / max(n_batches, 1) * 1000:8.1f} ms per batch (baseline)")
        print(
            f"open + close:                     {open_close_s * 1000:8.1f} ms, three times per batch in a run "
            f"(+{3 * open_close_s / (replay_s / max(n_batches, 1)) * 100:.0f}% of the load)"
        )

        rebuilt = work / "rebuilt.duckdb"
        shutil.copy(source_db, rebuilt)
        rebuild_s = seconds(lambda: recovery.rebuild(rebuilt, lake_copy, lock_timeout=60))
        con = db.connect(rebuilt, read_only=True)
        same = db.table_checksums(con) == original
        con.close()
        print(f"rebuild from the lake:            {rebuild_s:8.2f} s   identical checksums: {same}")

        n_files = len([p for p in Path(lake_copy).rglob("*.parquet")])
        before_s = seconds(lambda: read_lake(lake_copy), repeat=3)
        compact_s = seconds(lambda: lake.compact(lake_copy))
        after_files = len([p for p in Path(lake_copy).rglob("*.parquet")])
        after_s = seconds(lambda: read_lake(lake_copy), repeat=3)
        print(f"read the whole lake, {n_files:4d} files:  {before_s:8.2f} s (baseline)")
        print(f"lake compact:                     {compact_s:8.2f} s")
        print(f"read the whole lake, {after_files:4d} files:  {after_s:8.2f} s ({before_s / after_s:.1f}x)")

        count_s = seconds(lambda: run_query(source_db, "SELECT count(*) FROM articles"), repeat=5)
        print(f"query: count(*) articles          {count_s * 1000:8.1f} ms (baseline: open + trivial query)")
        for path in sorted(QUERIES.glob("*.sql")):
            query = path.read_text(encoding="utf-8")
            print(f"query: {path.name:<27} {seconds(lambda q=query: run_query(source_db, q), repeat=5) * 1000:8.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
