"""`newsetl run`: the news_etl flow over files, URLs or named sources, and its summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from flows.cli.common import build, check_inputs, fail, inputs_argument, run_flow, say, setting
from flows.settings import RunSettings, configure_environment

if TYPE_CHECKING:
    from transforms.sources.config import Source

app = typer.Typer()


@app.command()
def run(  # each parameter named after its settings field (see `build`)
    inputs: list[str] | None = inputs_argument(),
    sources_file: Path | None = setting("sources_file"),
    only: list[str] = setting("only"),
    full: bool = setting("full"),
    db_path: Path = setting("db_path"),
    lake_dir: str = setting("lake_dir"),
    batch_size: int = setting("batch_size"),
    batch_chars: int = setting("batch_chars"),
    workers: int | None = setting("workers"),
    dask_address: str | None = setting("dask_address"),
    lock_timeout: float = setting("lock_timeout"),
    default_timezone: str = setting("default_timezone"),
    near_duplicate_threshold: float = setting("near_duplicate_threshold"),
    report_path: Path | None = setting("report_path"),
    story_window_days: float = setting("story_window_days"),
    story_threshold: float = setting("story_threshold"),
    max_article_chars: int = setting("max_article_chars"),
    max_file_bytes: int = setting("max_file_bytes"),
    max_lines_per_file: int = setting("max_lines_per_file"),
    max_json_depth: int = setting("max_json_depth"),
) -> None:
    """Run the news_etl flow over PATH|URL arguments (or --sources) and print a summary.

    Reads seed-format .txt files (a ' date YYYY-MM-DD ' header, then the text),
    dumps (.jsonl, .csv, .parquet; gzip allowed), RSS/Atom feeds and HTML
    pages, as files or URLs; directories recursively. Only what is new or
    changed since the last successful run is read, unless --full.

    Example: newsetl run --sources examples/sources.toml --only seed --db data/news.duckdb
    """
    if sources_file and inputs:
        raise fail("give PATHs or --sources, not both", code=2)
    if only and not sources_file:
        raise fail("--only names sources of a --sources file", code=2)
    settings = build(RunSettings, locals())
    sources = check_inputs(settings)
    if not settings.full and nothing_new(settings.db_path, sources):
        say("nothing new since the last run: no run started (--full reads everything again)")
        return
    configure_environment()
    run_flow("the run", load_news_etl, settings)


def load_news_etl():
    from flows.etl import news_etl  # imports Prefect

    return news_etl


def nothing_new(db_path: str | Path, sources: list[Source]) -> bool:
    """Whether the last runs read every source as it is now: local files and folders, unchanged.

    Checked before Prefect and the models start (the temporary server alone
    takes seconds), so a scheduled run over a folder with nothing new ends in
    about a second. Anything uncertain (a URL, a pending migration, a run
    writing the warehouse) answers no: the flow then decides as always.
    """
    from transforms.sources.read import anything_new, known_state
    from warehouse import db

    if not Path(db_path).exists() or any(source.is_url for source in sources):
        return False
    try:
        con = db.connect(db_path, read_only=True, wait_seconds=0)
    except db.WarehouseBusy:
        return False
    try:
        if db.pending_migrations(con):
            return False
        known = known_state(db.load_source_state(con))
    finally:
        con.close()
    return not anything_new(sources, known)
