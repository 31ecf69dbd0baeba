"""The `newsetl` command line.

Heavy imports (Prefect, natasha, Great Expectations) happen inside the
commands that need them, so `newsetl --help` and `newsetl sql` start fast.
"""

from __future__ import annotations

import csv
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows import cli_serve, cli_warehouse
from flows.cli_common import BatchCharsOption, BatchSizeOption, DbOption, LakeOption, WorkersOption, console, errors, fail
from flows.cli_sources import sources_app
from flows.cli_quarantine import docs, quarantine_app
from flows.cli_eval import eval_app
from flows.cli_common import DEFAULTS
from flows.settings import EXAMPLES_DIR, RunSettings, configure_environment

app = typer.Typer(
    help="newsetl: news articles in, a validated warehouse of articles and entities out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(eval_app, name="eval")


@app.command()
def run(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, directories or http(s) URLs to read (default: the bundled examples)."),
    ] = None,
    db: DbOption = Path(DEFAULTS.db_path),
    lake: LakeOption = DEFAULTS.lake_dir,
    batch_size: BatchSizeOption = DEFAULTS.batch_size,
    batch_chars: BatchCharsOption = DEFAULTS.batch_chars,
    workers: WorkersOption = None,
    dask_address: Annotated[
        str | None, typer.Option("--dask-address", help="Tag on an existing Dask cluster: tcp://HOST:PORT.")
    ] = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Read the named sources of this sources.toml instead of PATHS.")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="With --sources: read only this source (repeatable).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Re-read everything, not only what is new since the last run.")] = False,
    wait: Annotated[
        float, typer.Option("--wait", min=0, help="Seconds to wait while another run writes to the warehouse.")
    ] = DEFAULTS.lock_timeout,
) -> None:
    """Run the news_etl flow over PATHS (or --sources) and print a summary.

    Reads seed-format .txt files (a ' date YYYY-MM-DD ' header, then the text),
    dumps (.jsonl, .csv, .parquet; gzip allowed), RSS/Atom feeds and HTML
    pages, as files or URLs; directories recursively. Only what is new or
    changed since the last successful run is read, unless --full.

    Example: newsetl run --sources examples/sources.toml --only seed --db data/news.duckdb
    """
    if sources and paths:
        raise fail("give PATHs or --sources, not both", code=2)
    if only and not sources:
        raise fail("--only names sources of a --sources file", code=2)
    inputs = paths or [str(EXAMPLES_DIR)]
    missing = [p for p in inputs if not p.startswith(("http://", "https://")) and not Path(p).exists()]
    if missing and not sources:
        raise fail(f"input path does not exist: {', '.join(missing)}", code=2)
    if sources:
        from transforms.sources.config import SourceConfigError, load_sources, select_sources

        try:
            select_sources(load_sources(sources)[0], only)
        except SourceConfigError as exc:
            raise fail(str(exc), code=2) from None
    configure_environment()
    from flows.etl import news_etl  # imports Prefect

    try:
        settings = RunSettings(
            inputs=inputs,
            db_path=str(db),
            lake_dir=str(lake),
            batch_size=batch_size,
            batch_chars=batch_chars,
            workers=workers,
            dask_address=dask_address,
            sources_file=str(sources) if sources else None,
            only=only or [],
            full=full,
            lock_timeout=wait,
        )
        summary = news_etl(settings)
    except Exception as exc:
        raise fail(f"the run failed: {type(exc).__name__}: {exc}") from None
    print_summary(summary)


def print_summary(summary: dict) -> None:
    console.print(f"run {summary['run_id']} completed", highlight=False)
    table = Table(show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("articles read", "n_read"),
        ("loaded", "n_loaded"),
        ("duplicates", "n_duplicates"),
        ("quarantined", "n_quarantined"),
        ("near duplicates (loaded)", "n_near_duplicates"),
        ("no publication date", "n_no_date"),
        ("mentions", "n_mentions"),
        ("entities", "n_entities"),
        ("date mentions", "n_date_mentions"),
        ("events", "n_events"),
    ]
    for label, key in rows:
        table.add_row(label, f"{summary[key]:,}")
    for code, count in summary.get("languages", {}).items():
        table.add_row(f"language {code}", f"{count:,}")
    console.print(table)
    console.print(f"warehouse: {summary['db_path']}  (try: newsetl sql \"select * from runs\")", highlight=False)
    if summary.get("data_docs"):
        console.print(f"data docs: {summary['data_docs']}", highlight=False, soft_wrap=True)


def _cell(value) -> str:
    return "" if value is None else str(value)


SQL_FORMATS = ("table", "csv", "json", "parquet")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One read-only SQL statement, or the path of a .sql file holding one.")],
    db: DbOption = Path(DEFAULTS.db_path),
    output_format: Annotated[
        str, typer.Option("--format", help="table, csv, json (one JSON object per row) or parquet (needs --output).")
    ] = "table",
    output: Annotated[Path | None, typer.Option("--output", help="Write the result to this file instead of the screen.")] = None,
) -> None:
    """Run one read-only query against the warehouse and print the result.

    Statements that would change the warehouse are refused. The warehouse is
    opened read-only; while a run is loading a batch the query waits for it
    (a run opens the file only to load each batch).

    Example: newsetl sql "select type, normal, count(*) n from mentions group by all order by n desc limit 10"

    Example: newsetl sql warehouse/queries/top_entities_per_day.sql --format parquet --output top.parquet
    """
    from warehouse.query import WriteRefused, run_query

    if output_format not in SQL_FORMATS:
        raise fail(f"unknown format {output_format!r}: use {', '.join(SQL_FORMATS)}", code=2)
    if output_format == "parquet" and output is None:
        raise fail("--format parquet writes a file: add --output FILE", code=2)
    if query.strip().lower().endswith(".sql"):
        if not Path(query).is_file():
            raise fail(f"no such .sql file: {query}", code=2)
        query = Path(query).read_text(encoding="utf-8")
    try:
        result = run_query(db, query)
    except WriteRefused as exc:
        raise fail(str(exc), code=2) from None
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # DuckDB's own errors (syntax, unknown column) are the user's to read
        raise fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if output_format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(result, output, compression="zstd")
        errors.print(f"{result.num_rows} rows written to {output}", highlight=False)
        return
    with open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout) as out:
        print_result(result, output_format, out)
    if output:
        errors.print(f"{result.num_rows} rows written to {output}", highlight=False)


def print_result(result, output_format: str, out) -> None:
    """A query result as a rich table, CSV or JSON lines on `out`."""
    rows = result.to_pylist()
    if output_format == "json":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif output_format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.column_names)
        for row in rows:
            writer.writerow([_cell(v) for v in row.values()])
    else:
        table = Table()
        for name in result.column_names:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(v) for v in row.values()))
        screen = console if out is sys.stdout else Console(file=out, width=200)
        screen.print(table)
        screen.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")


cli_warehouse.register(app)
cli_serve.register(app)
app.add_typer(sources_app, name="sources")
app.add_typer(quarantine_app, name="quarantine")
app.command()(docs)


def main() -> None:
    app()
