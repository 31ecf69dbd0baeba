"""`newsetl quarantine list|show|replay` and `newsetl docs`: read what failed, replay it, see the checks.

Like flows/cli.py, heavy imports (Prefect, Great Expectations, DuckDB) happen
only in the commands that need them.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli_common import BatchCharsOption, BatchSizeOption, DbOption, LakeOption, console, fail
from flows.cli_common import DEFAULTS
from flows.settings import LoadSettings, ReplaySettings, configure_environment

quarantine_app = typer.Typer(
    help="Read quarantined records and replay them.\n\nExample: newsetl quarantine list --stage validate",
    no_args_is_help=True,
    rich_markup_mode=None,
)
StageOption = Annotated[
    str | None, typer.Option("--stage", help="Only this stage: extract, normalize, tag or validate.")
]


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


@quarantine_app.command("list")
def list_quarantine(
    db_path: DbOption = Path(DEFAULTS.db_path),
    stage: StageOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many rows.")] = 100,
) -> None:
    """List quarantined records, newest first, with the reason each failed.

    Example: newsetl quarantine list --stage validate --db data/news.duckdb
    """
    rows = _rows(db_path, "list_quarantine", {"stage": stage, "limit": limit})
    table = Table()
    for name in ("quarantine_id", "stage", "record_key", "reason"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(row["quarantine_id"], row["stage"], row["record_key"], row["reason"])
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")


@quarantine_app.command("show")
def show_quarantine(
    quarantine_id: Annotated[str, typer.Argument(help="The quarantine_id, as `quarantine list` shows it.")],
    db_path: DbOption = Path(DEFAULTS.db_path),
) -> None:
    """Show one quarantined record: where it came from, why it failed, and its raw payload.

    Example: newsetl quarantine show 3f2a9c0d1e4b5a67
    """
    rows = _rows(db_path, "show_quarantine", {"quarantine_id": quarantine_id})
    if not rows:
        raise fail(f"no quarantined record with id {quarantine_id}")
    row = rows[0]
    for name in ("quarantine_id", "run_id", "stage", "source", "record_key", "reason", "quarantined_at"):
        console.print(f"[bold]{name}:[/] {row[name]}", highlight=False)
    console.print("[bold]payload:[/]", highlight=False)
    console.print(row["payload"], markup=False, highlight=False)


@quarantine_app.command("replay")
def replay_quarantine(
    db_path: DbOption = Path(DEFAULTS.db_path),
    stage: StageOption = None,
    lake: LakeOption = DEFAULTS.lake_dir,
    batch_size: BatchSizeOption = DEFAULTS.batch_size,
    batch_chars: BatchCharsOption = DEFAULTS.batch_chars,
) -> None:
    """Run quarantined records through the pipeline again (after a fix).

    Records that now pass load and leave quarantine; the rest stay.

    Example: newsetl quarantine replay --stage normalize --db data/news.duckdb
    """
    if not db_path.exists():
        raise fail(f"no warehouse at {db_path}: run `newsetl run` first")
    configure_environment()
    from flows.cli import print_summary
    from flows.replay import quarantine_replay  # imports Prefect

    try:
        settings = ReplaySettings(stage=stage, db_path=str(db_path), lake_dir=lake, batch_size=batch_size, batch_chars=batch_chars)
        summary = quarantine_replay(settings)
    except Exception as exc:
        raise fail(f"the replay failed: {type(exc).__name__}: {exc}") from None
    print_summary(summary)


def docs(
    db_path: DbOption = Path(DEFAULTS.db_path),
    open_browser: Annotated[bool, typer.Option("--open", help="Open it in the web browser too.")] = False,
) -> None:
    """Print where the Great Expectations Data Docs of the warehouse's runs are (HTML).

    Example: newsetl docs --db data/news.duckdb --open
    """
    index = LoadSettings(db_path=str(db_path)).data_docs_index.resolve()
    if not index.exists():
        raise fail(f"no Data Docs at {index}: run `newsetl run --db {db_path}` first")
    console.print(str(index), highlight=False, soft_wrap=True)
    if open_browser:
        webbrowser.open(index.as_uri())
