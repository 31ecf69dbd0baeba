"""`newsetl report`: the warehouse at a glance, as one self-contained HTML file of interactive charts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import fail, note, say, setting

app = typer.Typer()


@app.command()
def report(
    db: Path = setting("db_path"),
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            metavar="DATE",
            formats=["%Y-%m-%d"],
            help="Only articles published on or after DATE (and runs and quarantine since then).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Where to write it (default: report.html beside the warehouse)."),
    ] = None,
) -> None:
    """Write one HTML file of interactive charts of what the warehouse holds.

    Articles per day by source, authors by source, entities over time (rising
    and falling ones marked), event types and actor pairs, runs (records,
    articles/s, seconds per stage) and quarantine by stage and reason. The file
    carries its charting library: it opens from disk and asks no other host
    for anything. Hover for values; drag or scroll to zoom in time.

    Example: newsetl report --db data/news.duckdb --since 2026-01-01 --out report.html
    """
    from flows.html_report import write

    if not db.exists():
        raise fail(f"no warehouse at {db}: run `newsetl run --db {db}` first")
    target = out or db.parent / "report.html"
    try:
        written = write(db, target, since.date() if since else None)
    except Exception as exc:
        raise fail(f"the report failed: {type(exc).__name__}: {exc}") from None
    note(f"{written['articles']:,} articles, {written['bytes'] / 1e6:.1f} MB, built in {written['seconds']:.1f} s")
    say(written["path"])
