"""The `newsetl` command line: one module per command or command group, each added here the same way.

Each module defines `app = typer.Typer(...)`: without a name its commands become top-level commands
(`run`, `sql`, ...), with one (`name="lake"`) it is a group of subcommands. What the modules share
(consoles, failing, the options settings fields declare, printing) is in `common`. Heavy imports
(Prefect, natasha, Great Expectations, DuckDB) happen inside the commands that need them, so
`newsetl --help` and `newsetl sql` start fast.
"""

from __future__ import annotations

import typer

from flows.cli import (
    check,
    docs,
    entities,
    eval,
    lake,
    quarantine,
    report,
    run,
    serve,
    sources,
    sql,
    stories,
    warehouse,
)

app = typer.Typer(
    help="newsetl: news articles in, a validated warehouse of articles, entities, dates and events out.\n\n"
    "Example: newsetl run examples/articles",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
for module in (run, sql, warehouse, report, stories, check, quarantine, docs, lake, sources, eval, entities, serve):
    app.add_typer(module.app)


def main() -> None:
    app()
