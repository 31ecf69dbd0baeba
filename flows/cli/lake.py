"""`newsetl lake compact`: maintain the Parquet lake."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import fail, note, say, setting

app = typer.Typer(
    name="lake",
    help="Maintain the Parquet lake.\n\nExample: newsetl lake compact --lake data/lake --db data/news.duckdb",
    no_args_is_help=True,
)


@app.command("compact")
def compact(
    lake: str = setting("lake_dir"),
    db: Path = setting("db_path"),
    target_mb: Annotated[
        int, typer.Option("--target-mb", metavar="N", min=1, help="Largest merged file, in MiB.")
    ] = 128,
    wait: float = setting("lock_timeout"),
) -> None:
    """Merge the lake's small per-batch files into files of up to --target-mb.

    Holds the warehouse's writer lock (--db), so it never runs beside a load.

    Example: newsetl lake compact --lake data/lake --db data/news.duckdb
    """
    from warehouse.lake import compact as compact_lake
    from warehouse.lock import writer_lock

    try:
        with writer_lock(db, "lake compact", wait, on_wait=note):
            result = compact_lake(lake, target_mb * 1024 * 1024)
    except Exception as exc:
        raise fail(f"compaction failed: {type(exc).__name__}: {exc}") from None
    say(f"{lake}: {result['files_before']} files → {result['files_after']}")
