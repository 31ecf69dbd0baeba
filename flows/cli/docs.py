"""`newsetl docs`: where the Great Expectations Data Docs of the warehouse's runs are."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import fail, say, setting
from flows.settings import LoadSettings

app = typer.Typer()


@app.command()
def docs(
    db: Path = setting("db_path"),
    open_browser: Annotated[bool, typer.Option("--open", help="Open it in the web browser too.")] = False,
) -> None:
    """Print where the Great Expectations Data Docs of the warehouse's runs are (HTML).

    Example: newsetl docs --db data/news.duckdb --open
    """
    index = LoadSettings(db_path=str(db)).data_docs_index.resolve()
    if not index.exists():
        raise fail(f"no Data Docs at {index}: run `newsetl run --db {db}` first")
    say(str(index))
    if open_browser:
        webbrowser.open(index.as_uri())
