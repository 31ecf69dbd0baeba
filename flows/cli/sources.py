"""`newsetl sources list|check`: the named sources of a sources.toml, and whether each can be read."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.common import console, fail, say

app = typer.Typer(
    name="sources",
    help="Named sources (sources.toml): list them, check them.\n\nExample: newsetl sources list --sources examples/sources.toml",
    no_args_is_help=True,
)

DEFAULT_SOURCES = Path("sources.toml")
CHECK_SAMPLE = 5  # records read from each source by `sources check`
SourcesOption = Annotated[Path, typer.Option("--sources", metavar="FILE", help="The sources.toml to read.")]


def _load(sources_file: Path, only: list[str] | None = None):
    from transforms.sources.config import SourceConfigError, load_sources, select_sources

    try:
        sources, http_settings = load_sources(sources_file)
        return select_sources(sources, only), http_settings
    except SourceConfigError as exc:
        raise fail(str(exc), code=2) from None


@app.command("list")
def list_sources(sources_file: SourcesOption = DEFAULT_SOURCES) -> None:
    """List the sources of a sources.toml: name, kind, location and settings.

    Example: newsetl sources list --sources examples/sources.toml
    """
    sources, _ = _load(sources_file)
    table = Table()
    for column in ("name", "kind", "location", "timezone", "language", "columns", "follow links"):
        table.add_column(column, overflow="fold")
    for source in sources:
        columns = ", ".join(f"{ours}←{theirs}" for ours, theirs in source.columns.items())
        table.add_row(
            source.name,
            source.kind or "(detected)",
            source.location,
            source.timezone or "",
            source.language or "",
            columns,
            "yes" if source.follow_links else "",
        )
    console.print(table)


@app.command("check")
def check_sources(
    sources_file: SourcesOption = DEFAULT_SOURCES,
    only: Annotated[
        list[str] | None, typer.Option("--only", metavar="NAME", help="Check only this source (repeatable).")
    ] = None,
) -> None:
    """Read a few records from each source and report what was found; touches no table.

    Exit code 1 when a source cannot be read at all.

    Example: newsetl sources check --sources examples/sources.toml --only seed
    """
    from transforms.extract import parse_items
    from transforms.sources.http import HttpClient
    from transforms.sources.read import ReadContext, read_source

    sources, http_settings = _load(sources_file, only)
    broken = 0
    with HttpClient(http_settings) as http:
        for source in sources:
            items = list(itertools.islice(read_source(source, ReadContext(http=http)), CHECK_SAMPLE))
            raw, rejected = parse_items(items, http)
            kinds = ", ".join(f"{n} {kind}" for kind, n in Counter(item.kind for item in items).items())
            say(
                f"{source.name}: read {len(items)} ({kinds or 'nothing'}): {raw.num_rows} ok, {rejected.num_rows} quarantined"
            )
            if raw.num_rows:
                first = raw.slice(0, 1).to_pylist()[0]
                say(
                    f"  first: {first['title'] or '(no title)'} | {first['published_raw'] or '(no date)'} | {len(first['raw_text']):,} characters"
                )
            for reason in rejected.column("reason").to_pylist()[:2]:
                say(f"  problem: {reason}")
            if items and not raw.num_rows:
                broken += 1
    if broken:
        raise typer.Exit(1)
