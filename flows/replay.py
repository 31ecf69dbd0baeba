"""The `quarantine_replay` flow: run quarantined records through the pipeline again, after a fix (flows/pipeline.py).

Records that now pass load and leave quarantine in the same transaction; the
rest stay (a record failing the same way keeps its row). Not replayed: extract
failures (the input itself could not be read: read the fixed input again) and
rows that a child table's suite quarantined (a mention, an entity), which are
made again when their article is loaded again (that also takes their old rows
out of quarantine). A record is replayed without its sources.toml settings.
Like `news_etl`, the flow refers to its settings only (see flows/etl.py).
"""

from __future__ import annotations

from prefect import flow

from flows.settings import ReplaySettings


@flow(name="quarantine_replay")
def quarantine_replay(settings: ReplaySettings = ReplaySettings()) -> dict:  # noqa: B008 (a frozen model)
    """Replay the quarantined records of `settings.stage` (every replayable stage when None)."""
    from flows import pipeline  # imported when the flow runs, not when a worker unpickles the flow

    return pipeline.replay(settings)
