"""`newsetl stories`: the day's top stories, with their outlets and main entities."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import console, fail, note, print_rows, setting

app = typer.Typer()

SHOWN_SOURCES = 5


@app.command()
def stories(
    db: Path = setting("db_path"),
    day: Annotated[
        str | None,
        typer.Option(
            "--day", metavar="YYYY-MM-DD", help="Publication day (UTC); default: the latest day with articles."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="How many stories to show.")] = 10,
) -> None:
    """Print a day's top stories: the same news across outlets, most articles first.

    Each row is a story (view top_stories): its title (that of its most central article), that day's
    articles, outlets and growth over the day before, the outlets, and its main entities (linked
    across the corpus). `newsetl sql "select * from story_timeline where story_id = '...'"` shows one
    story's articles in order.

    Example: newsetl stories --day 2019-11-18 --limit 5
    """
    from warehouse.query import read_named

    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise fail(f"--day wants a date as YYYY-MM-DD, not {day!r}", code=2) from None
    try:
        result = read_named(db, "stories", {"top_of_day": {"day": day, "limit": limit}})["top_of_day"]
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    rows = result.to_pylist()
    if not rows:
        note(f"no stories on {day}" if day else "no stories yet: run `newsetl run` first")
        return
    console.print(f"top stories of {rows[0]['day']}", style="bold", highlight=False)

    def outlets(sources: list[str]) -> str:
        shown = ", ".join(sources[:SHOWN_SOURCES])
        return shown + (f" +{len(sources) - SHOWN_SOURCES}" if len(sources) > SHOWN_SOURCES else "")

    print_rows(
        ("#", "story", "articles", "outlets", "growth", "sources", "entities", "story_id"),
        (
            (rank, row["title"], row["n_articles"], row["n_sources"], f"{row['growth']:+d}", outlets(row["sources"]),
             ", ".join(row["entities"]), row["story_id"])
            for rank, row in enumerate(rows, start=1)
        ),
    )  # fmt: skip
