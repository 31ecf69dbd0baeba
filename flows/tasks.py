"""Thin Prefect tasks of the flow's own process: each wraps one transform or warehouse call over a whole batch.

The tagging tasks, which run in the workers, are in flows/tagging.py.
"""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
from prefect import get_run_logger
from prefect.exceptions import MissingContextError
from prefect.tasks import exponential_backoff

from flows.memory import collecting_between_batches, freeze_long_lived_objects
from flows.stages import batch_task, retry_on_transient
from transforms import dedupe as dedupe_transform
from transforms import extract as extract_transform
from transforms import language as language_transform
from transforms import neardup as neardup_transform
from transforms import normalize as normalize_transform
from transforms import stories as story_transform
from transforms.stages import Stage
from transforms.stories import StoryAssignment, StoryParameters
from warehouse import db, integrity, lake, stories
from warehouse.batches import Batch, BatchTables

# Network extraction may hit a passing outage: retry with backoff (2, 4, 8 s plus jitter).
EXTRACT_RETRIES = {
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": retry_on_transient,
}


@batch_task(Stage.EXTRACT, **EXTRACT_RETRIES)
def extract(chunk: list[extract_transform.RawItem], http=None, limits=None) -> tuple[pa.Table, pa.Table]:
    """Parse a chunk of raw records (fetching the pages feed items link to) into raw articles and quarantine rows."""
    return extract_transform.parse_items(chunk, http, limits)


@batch_task(Stage.NORMALIZE)
def normalize(
    raw: pa.Table, default_timezone: str, source_timezones: dict[str, str], max_article_chars: int
) -> tuple[pa.Table, pa.Table]:
    """Clean text, parse publication dates (relative ones against now, the fetch time), assign ids; quarantine the
    records over `max_article_chars` first."""
    return normalize_transform.normalize(
        raw,
        fetched_at=datetime.now(UTC),
        default_timezone=default_timezone,
        source_timezones=source_timezones,
        max_article_chars=max_article_chars,
    )


@batch_task(Stage.DEDUPE)
def dedupe(
    articles: pa.Table, warehouse: db.Warehouse, in_flight: frozenset[str] = frozenset()
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Split off articles whose exact text is already in the batch, the warehouse, or a batch still in flight,
    and records that a later record of the same article supersedes: (unique, duplicates, superseded)."""
    with warehouse.connection() as con:
        known = db.known_content_hashes(con, articles.column("content_hash").to_pylist()) | in_flight
    return dedupe_transform.dedupe(articles, known)


def load_flow_process_models() -> None:
    """Load what the flow's own stages keep for the whole run, once per process (each is cached)."""
    import expectations.validate  # noqa: F401 (Great Expectations: slow to import, so only when a run starts)

    language_transform.load_detector()
    story_transform.word_vectors()  # navec, for the document vectors of assign-stories


@contextmanager
def flow_process_prepared():
    """Load what the flow's own stages keep for the whole run; tune the collector for batches while the block lasts."""
    with collecting_between_batches():
        load_flow_process_models()
        freeze_long_lived_objects()
        yield


@batch_task(Stage.INDEX_SIGNATURES)
def prepare_near_duplicate_index(
    con: duckdb.DuckDBPyConnection, threshold: float
) -> neardup_transform.NearDuplicateIndex:
    """Give stored signatures their LSH band hashes for `threshold` (only those still without: new
    after a rebuild, all after a change of threshold); return the run's in-memory index, empty."""
    index = neardup_transform.NearDuplicateIndex(threshold)
    db.add_signature_bands(con, *index.banding)
    return index


@batch_task(Stage.FIND_NEAR_DUPLICATES)
def find_near_duplicates(
    articles: pa.Table, index: neardup_transform.NearDuplicateIndex, warehouse: db.Warehouse
) -> tuple[pa.Table, pa.Table]:
    """Set `duplicate_of` on near copies of stored or earlier articles; return their signatures too."""

    def stored_candidates(signatures: pa.Table) -> pa.Table:
        with warehouse.connection() as con:  # open for the lookup only, not while signatures are computed
            return db.near_duplicate_candidates(con, signatures, *index.banding)

    return neardup_transform.find_near_duplicates(articles, index, stored_candidates)


@batch_task(Stage.DETECT_LANGUAGE)
def detect_language(articles: pa.Table) -> pa.Table:
    """Set each article's language with lingua (models loaded once per process)."""
    return language_transform.detect_language(articles, language_transform.load_detector())


@batch_task(Stage.VALIDATE)
def validate(tables: dict[str, pa.Table]):
    """Run every table's suite; failing rows leave the batch for quarantine (see expectations/validate.py)."""
    from expectations.validate import validate_batch  # Great Expectations is slow to import

    return validate_batch(tables, datetime.now(UTC))


@batch_task(Stage.RECORD_VALIDATION)
def record_validation(gx_dir: str, run_id: str, batch_no: int, checked) -> list:
    """Store the batch's suites and results in the Data Docs context."""
    from expectations import docs

    return docs.record(gx_dir, run_id, batch_no, checked.suites, checked.results)


@batch_task(Stage.BUILD_DATA_DOCS)
def build_data_docs(gx_dir: str, identifiers: list) -> str:
    """Render the run's validation results as HTML; return the index page's file URL."""
    from expectations import docs

    return docs.build(gx_dir, identifiers)


@batch_task(Stage.ASSIGN_STORIES)
def assign_stories(warehouse: db.Warehouse, tables: BatchTables, parameters: StoryParameters) -> StoryAssignment:
    """Put each article the batch loads into a story: with its original, or the most similar story of the
    time window, or a story of its own (the assignment is stored with the batch, in its load)."""
    with warehouse.connection() as con:
        return stories.assign(con, tables, parameters)


@batch_task(Stage.LINK_ENTITIES)
def link_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Re-type names to the type the corpus gives them; link bare surnames to the dominant fuller entity."""
    db.link_entities(con)


@batch_task(Stage.GROUP_EVENTS)
def group_events(con: duckdb.DuckDBPyConnection) -> None:
    """Consolidate the reports of one event in one story into an event group (rewriting only the groups that changed)."""
    db.group_events(con)


@batch_task(Stage.CHECK_INTEGRITY)
def check_integrity(con: duckdb.DuckDBPyConnection) -> list[integrity.Check]:
    """The checks of the whole warehouse a run ends with (each batch's rows were checked as it loaded)."""
    return integrity.check_runs(con)


@batch_task(Stage.LOAD)
def load(
    warehouse: db.Warehouse,
    lake_dir: str,
    run_id: str,
    batch_no: int,
    counts: Counter,
    tables: BatchTables,
    banding: tuple[int, int] | None = None,
    assignment: StoryAssignment | None = None,
) -> None:
    """Write the batch to the Parquet lake, then to DuckDB in one transaction (with its stories), then its
    lake manifest.

    Near copies whose original did not load point at none first, in both. A crash between two of
    these steps is repaired by `warehouse.recovery.reconcile` at the next run.
    """
    batch = Batch.now(run_id, batch_no, counts)
    with warehouse.connection() as con:
        tables = replace(tables, articles=db.anchor_near_copies(con, tables.articles))
        try:
            lake.write_batch(lake_dir, batch, tables)
            db.load_batch(con, batch, tables, banding, assignment)  # raises before its commit, or commits
        except Exception:
            _remove_uncommitted_batch(lake_dir, batch)
            raise
    lake.write_manifest(lake_dir, batch)


def _remove_uncommitted_batch(lake_dir: str, batch: Batch) -> None:
    """Take out of the lake what a batch the warehouse did not commit wrote there; if even that fails (the
    filesystem is gone), say so: the next run's `reconcile` removes it."""
    try:
        lake.remove_batch(lake_dir, batch.key)
    except Exception as exc:
        try:
            logger = get_run_logger()
        except MissingContextError:  # called as a plain function (`load.fn`)
            logger = logging.getLogger(__name__)
        logger.warning(
            "batch %s was not loaded; its lake files stay until the next run removes them (%s: %s)",
            batch.key,
            type(exc).__name__,
            exc,
        )
