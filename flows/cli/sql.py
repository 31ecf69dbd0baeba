"""`newsetl sql`: one read-only query against the warehouse, printed or written to a file."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console

from flows.cli.common import cell, choice, console, fail, note, print_rows, setting

app = typer.Typer()

FORMATS = ("table", "csv", "json", "parquet")
FormatOption = choice("--format", FORMATS, "table, csv, json (one JSON object per row) or parquet (needs --output).")


@app.command()
def sql(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY|FILE.sql", help="One read-only SQL statement, or the path of a .sql file holding one."
        ),
    ],
    db: Path = setting("db_path"),
    lake: str = setting("lake_dir"),
    output_format: FormatOption = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", metavar="FILE", help="Write the result to this file instead of the screen."),
    ] = None,
) -> None:
    """Run one read-only query against the warehouse and print the result.

    Statements that would change the warehouse are refused. The warehouse is
    opened read-only; while a run is loading a batch the query waits for it
    (a run opens the file only to load each batch).

    Example: newsetl sql "select type, normal, count(*) n from mentions group by all order by n desc limit 10"

    Example: newsetl sql warehouse/queries/top_entities_per_day.sql --format parquet --output top.parquet

    A lake on object storage (--lake s3://BUCKET/PATH) can be read in the same statement:

    Example: newsetl sql --lake s3://news/lake "select count(*) from read_parquet('s3://news/lake/articles/**/[!.]*.parquet')"
    """
    from warehouse.query import WriteRefused, run_query

    if output_format == "parquet" and output is None:
        raise fail("--format parquet writes a file: add --output FILE", code=2)
    if query.strip().lower().endswith(".sql"):
        if not Path(query).is_file():
            raise fail(f"no such .sql file: {query}", code=2)
        query = Path(query).read_text(encoding="utf-8")
    try:
        result = run_query(db, query, lake)
    except WriteRefused as exc:
        raise fail(str(exc), code=2) from None
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # DuckDB's own errors (syntax, unknown column) are the user's to read
        raise fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if output_format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(result, output, compression="zstd")
    else:
        with open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout) as out:
            print_result(result, output_format, out)
    if output:
        note(f"{result.num_rows} rows written to {output}")


def print_result(result, output_format: str, out: TextIO) -> None:
    """A query result (an Arrow table) as a table, CSV or JSON lines on `out`."""
    rows = result.to_pylist()
    if output_format == "json":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif output_format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.column_names)
        for row in rows:
            writer.writerow([cell(v) for v in row.values()])
    else:
        screen = console if out is sys.stdout else Console(file=out, width=200)
        print_rows(result.column_names, (row.values() for row in rows), screen)
