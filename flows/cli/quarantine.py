"""`newsetl quarantine list|show|replay`: read what failed, and run it through the pipeline again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flows.cli.common import build, console, fail, print_rows, run_flow, setting
from flows.counts import QUARANTINED_BY_STAGE
from flows.settings import ReplaySettings, configure_environment
from transforms.stages import Stage

app = typer.Typer(
    name="quarantine",
    help="Read quarantined records and replay them.\n\nExample: newsetl quarantine list --stage validate",
    no_args_is_help=True,
)


def _rows(db_path: Path, query: str, params: dict) -> list[dict]:
    from warehouse import db  # DuckDB and Arrow load only for commands that read the warehouse

    try:
        con = db.connect(db_path, read_only=True)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    try:
        return db.rows(con.execute(db.statements("quarantine")[query], params))
    finally:
        con.close()


@app.command("list")
def list_quarantine(
    db: Path = setting("db_path"),
    stage: Annotated[
        Stage | None,
        typer.Option(
            "--stage", metavar="STAGE", help=f"Only what this stage quarantined: {', '.join(QUARANTINED_BY_STAGE)}."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Show at most this many rows.")] = 100,
) -> None:
    """List quarantined records, newest first, with the reason each failed.

    Example: newsetl quarantine list --stage validate --db data/news.duckdb
    """
    rows = _rows(db, "list_quarantine", {"stage": stage and str(stage), "limit": limit})
    columns = ("quarantine_id", "stage", "record_key", "reason")
    print_rows(columns, ([row[name] for name in columns] for row in rows))


@app.command("show")
def show_quarantine(
    quarantine_id: Annotated[
        str, typer.Argument(metavar="ID", help="The quarantine_id, as `quarantine list` shows it.")
    ],
    db: Path = setting("db_path"),
) -> None:
    """Show one quarantined record: where it came from, why it failed, and its raw payload.

    Example: newsetl quarantine show 3f2a9c0d1e4b5a67
    """
    rows = _rows(db, "show_quarantine", {"quarantine_id": quarantine_id})
    if not rows:
        raise fail(f"no quarantined record with id {quarantine_id}")
    row = rows[0]
    for name in ("quarantine_id", "run_id", "stage", "source", "record_key", "reason", "quarantined_at"):
        console.print(f"[bold]{name}:[/] {escape(str(row[name]))}", highlight=False)
    console.print("[bold]payload:[/]", highlight=False)
    console.print(row["payload"], markup=False, highlight=False)


@app.command("replay")
def replay_quarantine(  # each parameter named after its settings field (see `build`)
    stage: str | None = setting("stage"),
    db_path: Path = setting("db_path"),
    lake_dir: str = setting("lake_dir"),
    batch_size: int = setting("batch_size"),
    batch_chars: int = setting("batch_chars"),
) -> None:
    """Run quarantined records through the pipeline again (after a fix).

    Records that now pass load and leave quarantine; the rest stay.

    Example: newsetl quarantine replay --stage normalize --db data/news.duckdb
    """
    settings = build(ReplaySettings, locals())
    if not db_path.exists():
        raise fail(f"no warehouse at {db_path}: run `newsetl run` first")
    configure_environment()
    from flows.replay import quarantine_replay  # imports Prefect

    run_flow("the replay", quarantine_replay, settings)
