"""`newsetl check`: the warehouse's integrity, every check over every row."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.cli.common import console, fail, print_rows, setting

app = typer.Typer()


@app.command()
def check(db: Path = setting("db_path"), lake: str = setting("lake_dir")) -> None:
    """Check that every reference in the warehouse resolves, every run's counts add up, and the lake's
    manifest lists exactly the batches the warehouse holds. Exit code 1 when a check fails.

    Each check prints how many rows break it and up to five of their keys. A run checks each batch's
    rows before it commits them, and the runs and links at its end; this looks at everything.

    Example: newsetl check --db data/news.duckdb --lake data/lake
    """
    from warehouse import db as warehouse_db
    from warehouse.integrity import check_warehouse

    try:
        con = warehouse_db.connect(db, read_only=True)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    try:
        checks = check_warehouse(con, lake)
    finally:
        con.close()
    print_rows(
        ("check", "violations", "examples"),
        ((c.name, c.violations, ", ".join(c.examples)) for c in checks),
    )
    failed = [c for c in checks if not c.passed]
    if failed:
        raise fail(f"{len(failed)} of {len(checks)} checks failed: {', '.join(c.name for c in failed)}")
    console.print(f"all {len(checks)} checks passed", style="green", highlight=False)
