"""The `quarantine_replay` flow: run quarantined records through the pipeline again, after a fix.

Records that now pass load and leave quarantine in the same transaction; the
rest stay (a record failing the same way keeps its row). Rows that a child
table's suite quarantined (a mention, an entity) are not raw records and are
not replayed: they are made again when their article is loaded again, which
also takes their old rows out of quarantine.
"""

from __future__ import annotations

from collections.abc import Iterator

from prefect import flow

from flows.etl import run_pipeline
from flows.settings import Settings
from transforms.extract import RawItem, replay_item
from warehouse import db

FLOW_NAME = "quarantine_replay"


def replay_chunks(records: list[dict], batch_size: int) -> Iterator[list[RawItem]]:
    items = [replay_item(r["quarantine_id"], r["record_key"], r["payload"] or "", r["reason"]) for r in records]
    for start in range(0, len(items), batch_size):
        yield items[start : start + batch_size]


@flow(name=FLOW_NAME)
def quarantine_replay(
    stage: str | None = None,
    db_path: str = Settings.db_path,
    lake_dir: str = Settings.lake_dir,
    batch_size: int = Settings.batch_size,
    language: str = Settings.language,
) -> dict:
    """Replay the quarantined records of `stage` (every stage when None)."""
    from expectations.validate import SUITE_MODULES  # Great Expectations is slow to import

    settings = Settings(
        inputs=[f"quarantine:{stage or 'all'}"], db_path=db_path, lake_dir=lake_dir, batch_size=batch_size, language=language
    )
    child_tables = [module.TABLE for module in SUITE_MODULES if module.TABLE != "articles"]
    con = db.connect(settings.db_path)
    try:
        records = db.replayable_quarantine(con, stage, child_tables)
    finally:
        con.close()
    return run_pipeline(settings, FLOW_NAME, replay_chunks(records, settings.batch_size))
