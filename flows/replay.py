"""The `quarantine_replay` flow: run quarantined records through the pipeline again, after a fix.

Records that now pass load and leave quarantine in the same transaction; the
rest stay (a record failing the same way keeps its row). Not replayed: extract
failures (the input itself could not be read: read the fixed input again) and
rows that a child table's suite quarantined (a mention, an entity), which are
made again when their article is loaded again (that also takes their old rows
out of quarantine). A record is replayed without its sources.toml settings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from prefect import flow, get_run_logger, runtime

from flows import tasks
from flows.pipeline import ValidationLog, languages_of, publish_validation, run_batches, run_summary
from flows.settings import Settings, code_version
from transforms.extract import RawItem, chunked, replay_item
from warehouse import db, recovery
from warehouse.lock import writer_lock

FLOW_NAME = "quarantine_replay"


def replay_chunks(records: list[dict], batch_size: int, batch_chars: int | None = None) -> Iterator[list[RawItem]]:
    items = (replay_item(r["quarantine_id"], r["record_key"], r["payload"] or "") for r in records)
    return chunked(items, batch_size, batch_chars)


@flow(name=FLOW_NAME)
def quarantine_replay(
    stage: str | None = None,
    db_path: str = Settings.db_path,
    lake_dir: str = Settings.lake_dir,
    batch_size: int = Settings.batch_size,
    batch_chars: int = Settings.batch_chars,
) -> dict:
    """Replay the quarantined records of `stage` (every replayable stage when None)."""
    from expectations.validate import SUITE_MODULES  # Great Expectations is slow to import

    settings = Settings(
        inputs=[f"quarantine:{stage or 'all'}"],
        db_path=db_path,
        lake_dir=lake_dir,
        batch_size=batch_size,
        batch_chars=batch_chars,
    )
    child_tables = [module.TABLE for module in SUITE_MODULES if module.TABLE != "articles"]
    run_id = str(runtime.flow_run.id)
    logger = get_run_logger()
    with writer_lock(settings.db_path, f"replay {run_id}", settings.lock_timeout, on_wait=logger.warning):
        warehouse = db.Warehouse(settings.db_path, wait_seconds=settings.lock_timeout)
        with warehouse.connection() as con:
            db.start_run(con, run_id, FLOW_NAME, settings.as_parameters(), code_version())
            records = db.replayable_quarantine(con, stage, child_tables)
            near_index = tasks.prepare_near_duplicate_index(con, settings.near_duplicate_threshold)
        counts: Counter = Counter()
        validation = ValidationLog()
        try:
            chunks = replay_chunks(records, settings.batch_size, settings.batch_chars)
            run_batches(warehouse, settings, run_id, chunks, counts, validation, near_index)
            with warehouse.connection() as con:
                tasks.link_entities(con)
                counts["n_entities"] = db.count_run_entities(con, run_id)
                db.finish_run(con, run_id, "completed", counts, languages=languages_of(counts))
                recovery.write_run(con, settings.lake_dir, run_id)
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            with warehouse.connection() as con:
                db.finish_run(con, run_id, "failed", counts, error=error, languages=languages_of(counts))
                recovery.write_run(con, settings.lake_dir, run_id)
            raise
        finally:
            docs_index = publish_validation(settings, run_id, validation)
    return run_summary(settings, run_id, counts, docs_index)
