"""`newsetl runs`, `explain` and `rebuild`: read the warehouse's runs and articles, rebuild it from the lake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.common import console, fail, note, say, setting

app = typer.Typer()

# Terminal colours of the highlighted spans in `newsetl explain`.
SPAN_STYLES = {
    "PER": "bold cyan",
    "LOC": "bold green",
    "ORG": "bold magenta",
    "DATE": "bold yellow",
    "EVENT": "bold red underline",
}


def _read(db: Path, concern: str, queries: dict[str, dict], optional: frozenset[str] = frozenset()) -> dict:
    from warehouse.query import read_named

    try:
        return read_named(db, concern, queries, optional)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None


@app.command()
def runs(
    db: Path = setting("db_path"),
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="How many runs to show.")] = 20,
) -> None:
    """List recent runs, newest first: status, duration, counts and code version.

    A run still loading shows the counts of the batches it has committed so far;
    a run whose process was killed shows as `interrupted` once the next run starts.
    Run ids are shortened to 8 characters; warehouse/queries/runs_lineage.sql shows everything.

    Example: newsetl runs --limit 5
    """
    result = _read(db, "runs", {"recent_runs": {"limit": limit}})["recent_runs"]
    status_style = {"completed": "green", "running": "yellow", "failed": "red", "interrupted": "red"}
    for row in result.to_pylist():
        line = Text(f"{row['run_id'][:8]}  ")
        line.append(f"{row['status']:<11}", style=status_style.get(row["status"], ""))
        line.append(
            f" {row['started_at']:%Y-%m-%d %H:%M}  {row['seconds']:>6.0f} s  "
            "{n_read} read = {n_loaded} loaded + {n_duplicates} dup + {n_quarantined} quar, {n_mentions} mentions".format(
                **row
            )
        )
        console.print(line, highlight=False, soft_wrap=True)
        detail = _slowest_stages(row["stage_seconds"]) or (row["error"] or "")
        if detail:
            console.print(Text(f"          {detail}", style="dim"), highlight=False, soft_wrap=True)
    console.print(Text("full ids, code versions, batches: newsetl sql warehouse/queries/runs_lineage.sql", style="dim"))


def _slowest_stages(stage_seconds: str | None, shown: int = 3) -> str:
    """'tag_entities 80.1, validate 9.3, load 2.0' from the runs.stage_seconds JSON."""
    if not stage_seconds:
        return ""
    seconds = sorted(json.loads(stage_seconds).items(), key=lambda item: -item[1])
    return "slowest stages: " + ", ".join(f"{name} {value:.1f} s" for name, value in seconds[:shown])


@app.command()
def explain(
    article_id: Annotated[str, typer.Argument(metavar="ARTICLE_ID", help="The article's article_id.")],
    db: Path = setting("db_path"),
) -> None:
    """Print an article with what the warehouse found in it highlighted.

    Mentions are coloured by type (PER, LOC, ORG); dates and events too when
    the warehouse has those tables. A table of the spans follows the text.

    Example: newsetl explain 5e46585f331ae8bb --db data/news.duckdb
    """
    params = {"article_id": article_id}
    queries = {"explain_article": params, "explain_author": params, "explain_mentions": params}
    queries |= {"explain_dates": params, "explain_events": params}
    optional = frozenset({"explain_author", "explain_dates", "explain_events"})
    found = _read(db, "explain", queries, optional)
    articles = found["explain_article"].to_pylist()
    if not articles:
        raise fail(f"no article {article_id!r} in {db}")
    article = articles[0]
    spans = []
    for name in ("explain_mentions", "explain_dates", "explain_events"):
        if found[name] is not None:
            spans.extend(found[name].to_pylist())
    spans.sort(key=lambda span: (span["start"], -span["stop"]))
    authors = found["explain_author"].column("author").to_pylist() if found["explain_author"] is not None else []
    byline = f"by {authors[0]} · " if authors and authors[0] else ""
    header = f"{article['title'] or '(no title)'}\n{byline}{article['source']} · {article['published_at'] or 'no date'} · {article['url'] or 'no url'} · run {article['run_id']}"
    console.print(Text(header, style="bold"))
    text = Text(article["text"])
    for span in spans:
        text.stylize(SPAN_STYLES.get(span["type"], "bold"), span["start"], span["stop"])
    console.print(text)
    legend = Text("  ").join(Text(kind, style=style) for kind, style in SPAN_STYLES.items())
    console.print(legend)
    table = Table(title=f"{len(spans)} spans")
    for name in ("start", "stop", "type", "text", "normalized / value"):
        table.add_column(name, overflow="fold")
    for span in spans:
        detail = span.get("entity") or span.get("normal") or span.get("detail") or ""
        table.add_row(
            str(span["start"]),
            str(span["stop"]),
            Text(span["type"], style=SPAN_STYLES.get(span["type"], "")),
            span["text"],
            detail,
        )
    console.print(table)


@app.command()
def rebuild(
    db: Path = setting("db_path"),
    lake: str = setting("lake_dir"),
    wait: float = setting("lock_timeout"),
) -> None:
    """Recreate the DuckDB warehouse from the Parquet lake.

    Replays every batch the lake's manifest lists, in load order, through the
    same loader a run uses, then restores the runs. The old file is replaced
    only when the new one is complete. Prints each table's row count and checksum.

    Example: newsetl rebuild --db data/news.duckdb --lake data/lake
    """
    from warehouse.recovery import rebuild as rebuild_warehouse

    try:
        result = rebuild_warehouse(db, lake, wait, on_wait=note)
    except Exception as exc:
        raise fail(f"rebuild failed: {type(exc).__name__}: {exc}") from None
    say(f"{db} rebuilt from {result['batches']} batches of {lake}")
    table = Table()
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("checksum", justify="right")
    for name, (n_rows, checksum) in result["checksums"].items():
        table.add_row(name, f"{n_rows:,}", str(checksum))
    console.print(table)
