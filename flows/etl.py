"""The `news_etl` flow: articles from files, dumps, feeds and pages into the lake and the warehouse (flows/pipeline.py).

Prefect hands each task the flow run's context, the flow included, so every
tagging worker unpickles the flow's function and imports what it refers to.
It refers to its settings only, and imports the run when it runs: a worker
then does not import the stages of the flow's own process (Great
Expectations, DuckDB, the near-duplicate index, the extractors), which added
about 90 MiB and 80,000 objects for the collector to each worker.
"""

from prefect import flow

from flows.settings import RunSettings


@flow(name="news_etl")
def news_etl(settings: RunSettings = RunSettings()) -> dict:  # noqa: B008 (a frozen model: one default for every call)
    """Read articles from `settings.inputs` (files, directories, URLs) or the named sources of
    `settings.sources_file` into the lake and the warehouse; only what is new since the last successful
    run unless `settings.full`. Tagging runs on `settings.workers` processes (default: one per core), or
    on the workers of the Dask cluster at `settings.dask_address`.
    """
    from flows import pipeline  # imported when the flow runs, not when a worker unpickles the flow (see above)

    return pipeline.run(settings)
