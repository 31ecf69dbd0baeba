"""Thin Prefect tasks: each wraps one transform or warehouse call over a whole batch.

Tasks never cache: their inputs are Arrow tables and connections, which are
costly or impossible to hash, and a batch is never worth recomputing from cache.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from contextvars import ContextVar
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from transforms import dates as dates_transform
from transforms import dedupe as dedupe_transform
from transforms import entities as entities_transform
from transforms import events as events_transform
from transforms import extract as extract_transform
from transforms import language as language_transform
from transforms import neardup as neardup_transform
from transforms import normalize as normalize_transform
from warehouse import db, lake

BATCH_TASK = {"cache_policy": NO_CACHE, "persist_result": False}

# Seconds spent per stage in the current run; the flow sets a Counter here and stores it in `runs.stage_seconds`.
STAGE_SECONDS: ContextVar[Counter | None] = ContextVar("stage_seconds", default=None)


def timed(stage):
    """Add the wall time of each call of `stage` to the run's STAGE_SECONDS under the function's name."""

    @functools.wraps(stage)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return stage(*args, **kwargs)
        finally:
            seconds = STAGE_SECONDS.get()
            if seconds is not None:
                seconds[stage.__name__] += time.perf_counter() - started

    return wrapper


@task(name="extract", **BATCH_TASK)
@timed
def extract(chunk: list[extract_transform.RawItem], http=None) -> tuple[pa.Table, pa.Table]:
    """Parse a chunk of raw records (fetching the pages feed items link to) into raw articles and quarantine rows."""
    return extract_transform.parse_items(chunk, http)


@task(name="normalize", **BATCH_TASK)
@timed
def normalize(raw: pa.Table, default_timezone: str, source_timezones: dict[str, str]) -> tuple[pa.Table, pa.Table]:
    """Clean text, parse publication dates (relative ones against now, the fetch time), assign ids."""
    return normalize_transform.normalize(
        raw, fetched_at=datetime.now(UTC), default_timezone=default_timezone, source_timezones=source_timezones
    )


@task(name="dedupe", **BATCH_TASK)
@timed
def dedupe(articles: pa.Table, warehouse: db.Warehouse) -> tuple[pa.Table, pa.Table]:
    """Split off articles whose exact text is already in the batch or the warehouse."""
    with warehouse.connection() as con:
        known = db.known_content_hashes(con, articles.column("content_hash").to_pylist())
    return dedupe_transform.exact_dedupe(articles, known)


@task(name="load-near-duplicate-index", **BATCH_TASK)
def load_near_duplicate_index(con: duckdb.DuckDBPyConnection, threshold: float) -> neardup_transform.NearDuplicateIndex:
    """Rebuild the LSH index of every stored article's signature."""
    return neardup_transform.NearDuplicateIndex.from_signatures(db.stored_signatures(con), threshold)


@task(name="find-near-duplicates", **BATCH_TASK)
@timed
def find_near_duplicates(
    articles: pa.Table, index: neardup_transform.NearDuplicateIndex
) -> tuple[pa.Table, pa.Table]:
    """Set `duplicate_of` on near copies of stored or earlier articles; return their signatures too."""
    return neardup_transform.find_near_duplicates(articles, index)


@task(name="detect-language", **BATCH_TASK)
@timed
def detect_language(articles: pa.Table) -> pa.Table:
    """Set each article's language with lingua (models loaded once per process)."""
    return language_transform.detect_language(articles, language_transform.load_detector())


@task(name="tag-dates", **BATCH_TASK)
@timed
def tag_dates(articles: pa.Table) -> tuple[pa.Table, int]:
    """Find and resolve date expressions; log each window the parser failed on and count them."""
    parser = dates_transform.load_parser(entities_transform.load_models().morph_vocab)
    date_mentions, errors = dates_transform.tag_dates(articles, parser)
    for line in errors:
        get_run_logger().warning(line)
    return date_mentions, len(errors)


@task(name="tag-entities", **BATCH_TASK)
@timed
def tag_entities(articles: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Tag PER/LOC/ORG mentions with natasha (models loaded once per process)."""
    return entities_transform.tag_entities(articles, entities_transform.load_models())


@task(name="tag-events", **BATCH_TASK)
@timed
def tag_events(articles: pa.Table, mentions: pa.Table, date_mentions: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Code CAMEO events with their participants, place, date and modality (parser loaded once per process)."""
    return events_transform.tag_events(articles, mentions, date_mentions, events_transform.load_event_tagger())


@task(name="validate", **BATCH_TASK)
@timed
def validate(tables: dict[str, pa.Table]):
    """Run every table's suite; failing rows leave the batch for quarantine (see expectations/validate.py)."""
    from expectations.validate import validate_batch  # Great Expectations is slow to import

    return validate_batch(tables, datetime.now(UTC))


@task(name="record-validation", **BATCH_TASK)
@timed
def record_validation(gx_dir: str, run_id: str, batch_no: int, checked) -> list:
    """Store the batch's suites and results in the Data Docs context."""
    from expectations import docs

    return docs.record(gx_dir, run_id, batch_no, checked.suites, checked.results)


@task(name="build-data-docs", **BATCH_TASK)
def build_data_docs(gx_dir: str, identifiers: list) -> str:
    """Render the run's validation results as HTML; return the index page's file URL."""
    from expectations import docs

    return docs.build(gx_dir, identifiers)


@task(name="link-entities", **BATCH_TASK)
@timed
def link_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Link bare surnames and abbreviations to the corpus's dominant fuller entity; rebuild entity_aliases."""
    db.link_entities(con)


@task(name="load", **BATCH_TASK)
@timed
def load(
    warehouse: db.Warehouse,
    lake_dir: str,
    run_id: str,
    batch_no: int,
    counts: Counter,
    *,
    articles: pa.Table,
    mentions: pa.Table,
    entities: pa.Table,
    quarantine: pa.Table,
    events: pa.Table | None = None,
    event_participants: pa.Table | None = None,
    date_mentions: pa.Table | None = None,
    signatures: pa.Table | None = None,
    replayed_quarantine_ids: list[str] = (),
) -> None:
    """Write the batch to the Parquet lake, then to DuckDB in one transaction, then its lake manifest.

    A crash between two of these steps is repaired by `warehouse.recovery.reconcile` at the next run.
    """
    batch = db.Batch.now(run_id, batch_no, counts)
    tables = {"articles": articles, "mentions": mentions, "entities": entities, "quarantine": quarantine}
    tables.update(events=events, event_participants=event_participants, date_mentions=date_mentions, signatures=signatures)
    lake.write_batch(lake_dir, batch, **tables)
    with warehouse.connection() as con:
        db.load_batch(con, batch, **tables, replayed_quarantine_ids=replayed_quarantine_ids)
    lake.write_manifest(lake_dir, batch)
