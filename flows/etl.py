"""The `news_etl` flow: extract → normalize → dedupe → tag → validate → load, batch by batch (flows/pipeline.py).

Prefect hands each task the flow run's context, the flow included, so every
tagging worker unpickles the flow's function and imports what it refers to.
It refers to the settings only, and imports the run when it runs: a worker
then does not import the stages of the flow's own process (Great
Expectations, DuckDB, the near-duplicate index, the extractors), which added
about 90 MiB and 80,000 objects for the collector to each worker.
"""

from __future__ import annotations

from prefect import flow

from flows.settings import Settings

FLOW_NAME = "news_etl"


@flow(name=FLOW_NAME)
def news_etl(
    inputs: list[str] | None = None,
    db_path: str = Settings.db_path,
    lake_dir: str = Settings.lake_dir,
    batch_size: int = Settings.batch_size,
    batch_chars: int = Settings.batch_chars,
    default_timezone: str = Settings.default_timezone,
    source_timezones: dict[str, str] | None = None,
    near_duplicate_threshold: float = Settings.near_duplicate_threshold,
    sources_file: str | None = None,
    only: list[str] | None = None,
    full: bool = False,
    lock_timeout: float = Settings.lock_timeout,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict:
    """Read articles from `inputs` (files, directories, URLs) or the sources of `sources_file`
    into the lake and the warehouse; only what is new since the last successful run unless `full`.

    Entity tagging runs on `workers` processes (default: one per core), or on
    the workers of the Dask cluster at `dask_address`.
    """
    settings = Settings(
        **({"inputs": list(inputs)} if inputs else {}),
        db_path=db_path,
        lake_dir=lake_dir,
        batch_size=batch_size,
        batch_chars=batch_chars,
        default_timezone=default_timezone,
        source_timezones=dict(source_timezones or {}),
        near_duplicate_threshold=near_duplicate_threshold,
        sources_file=sources_file,
        only=list(only or []),
        full=full,
        lock_timeout=lock_timeout,
        workers=workers,
        dask_address=dask_address,
    )
    from flows import pipeline  # imported when the flow runs, not when a worker unpickles the flow (see above)

    return pipeline.run(settings)
