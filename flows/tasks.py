"""Thin Prefect tasks: each wraps one transform or warehouse call over a whole batch.

Tasks never cache: their inputs are Arrow tables and connections, which are
costly or impossible to hash, and a batch is never worth recomputing from cache.
"""

from __future__ import annotations

import functools
import socket
import time
import urllib.error
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import httpx
import pyarrow as pa
import pyarrow.compute as pc
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.tasks import exponential_backoff

from flows.runners import long_lived_objects_exempt, release_free_memory
from transforms import analysis as analysis_transform
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


@contextmanager
def stage_timer(stage: str):
    """Add the wall time of the block to the run's STAGE_SECONDS under `stage` (no-op outside a run)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = STAGE_SECONDS.get()
        if seconds is not None:
            seconds[stage] += time.perf_counter() - started


@contextmanager
def stage_seconds_here():
    """Collect the seconds of the stages run inside the block in a Counter of their own (yielded)."""
    seconds: Counter = Counter()
    token = STAGE_SECONDS.set(seconds)
    try:
        yield seconds
    finally:
        STAGE_SECONDS.reset(token)


class StageFailed(RuntimeError):
    """A stage raised: the run fails with a message naming the stage and the cause."""

    def __init__(self, stage: str, cause: str, transient: bool = False):
        super().__init__(f"stage {stage} failed: {cause}")
        self.stage = stage
        self.cause = cause
        self.transient = transient

    def __reduce__(self):  # crosses process boundaries (worker processes, Dask)
        return (StageFailed, (self.stage, self.cause, self.transient))


def is_transient(exc: BaseException) -> bool:
    """Whether an error may go away on a second try (the network), unlike a parse failure."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(exc, (ConnectionError, TimeoutError, socket.gaierror, urllib.error.URLError, httpx.TransportError))


def retry_on_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry network errors, never deterministic failures."""
    try:
        state.result()
    except StageFailed as exc:
        return exc.transient
    except Exception as exc:
        return is_transient(exc)
    return False


def batch_task(stage: str, **options):
    """A Prefect task over one batch, named after its stage.

    Any error leaves as StageFailed naming the stage and the cause (so a failed
    stage fails the run with that message, and BatchInvalid from validation
    keeps its own message inside it); one log line says how long the stage took
    on the batch, and the time is added to the run's `stage_seconds`.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def run_stage(*args, **kwargs):
            started = time.perf_counter()
            with stage_timer(stage):
                try:
                    result = fn(*args, **kwargs)
                except StageFailed:
                    raise
                except Exception as exc:
                    raise StageFailed(stage, f"{type(exc).__name__}: {exc}", is_transient(exc)) from exc
            try:
                get_run_logger().info("%s: done in %.2f s", stage, time.perf_counter() - started)
            except MissingContextError:  # called as a plain function (`task.fn`, tests): nothing to log to
                pass
            return result

        return task(name=stage, **BATCH_TASK, **options)(run_stage)

    return decorate


# Network extraction may hit a passing outage: retry with backoff (2, 4, 8 s plus jitter).
EXTRACT_RETRIES = {
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": retry_on_transient,
}


@batch_task("extract", **EXTRACT_RETRIES)
def extract(chunk: list[extract_transform.RawItem], http=None) -> tuple[pa.Table, pa.Table]:
    """Parse a chunk of raw records (fetching the pages feed items link to) into raw articles and quarantine rows."""
    return extract_transform.parse_items(chunk, http)


@batch_task("normalize")
def normalize(raw: pa.Table, default_timezone: str, source_timezones: dict[str, str]) -> tuple[pa.Table, pa.Table]:
    """Clean text, parse publication dates (relative ones against now, the fetch time), assign ids."""
    return normalize_transform.normalize(
        raw, fetched_at=datetime.now(UTC), default_timezone=default_timezone, source_timezones=source_timezones
    )


@batch_task("dedupe")
def dedupe(
    articles: pa.Table, warehouse: db.Warehouse, in_flight: frozenset[str] = frozenset()
) -> tuple[pa.Table, pa.Table]:
    """Split off articles whose exact text is already in the batch, the warehouse, or a batch still in flight."""
    with warehouse.connection() as con:
        known = db.known_content_hashes(con, articles.column("content_hash").to_pylist()) | in_flight
    return dedupe_transform.exact_dedupe(articles, known)


@contextmanager
def flow_process_prepared():
    """Load what the flow's own stages keep for the whole run; exempt it from the collector's scans while the block lasts."""
    import expectations.validate  # noqa: F401 (Great Expectations: slow to import, so only when a run starts)

    language_transform.load_detector()
    with long_lived_objects_exempt():
        yield


@batch_task("index-signatures")
def prepare_near_duplicate_index(con: duckdb.DuckDBPyConnection, threshold: float) -> neardup_transform.NearDuplicateIndex:
    """Give stored signatures their LSH band hashes for `threshold` (only those still without: new
    after a rebuild, all after a change of threshold); return the run's in-memory index, empty."""
    index = neardup_transform.NearDuplicateIndex(threshold)
    db.add_signature_bands(con, *index.banding)
    return index


@batch_task("find-near-duplicates")
def find_near_duplicates(
    articles: pa.Table, index: neardup_transform.NearDuplicateIndex, warehouse: db.Warehouse
) -> tuple[pa.Table, pa.Table]:
    """Set `duplicate_of` on near copies of stored or earlier articles; return their signatures too."""

    def stored_candidates(signatures: pa.Table) -> pa.Table:
        with warehouse.connection() as con:  # open for the lookup only, not while signatures are computed
            return db.near_duplicate_candidates(con, signatures, *index.banding)

    return neardup_transform.find_near_duplicates(articles, index, stored_candidates)


@batch_task("detect-language")
def detect_language(articles: pa.Table) -> pa.Table:
    """Set each article's language with lingua (models loaded once per process)."""
    return language_transform.detect_language(articles, language_transform.load_detector())


@dataclass
class TaggedBatch:
    """What the tagging of a batch returns to the flow: tables, and the seconds each tagging stage took."""

    mentions: pa.Table
    entities: pa.Table
    date_mentions: pa.Table
    date_failures: int
    events: pa.Table
    event_participants: pa.Table
    rejected_entities: pa.Table  # quarantine rows of tag-entities
    rejected_events: pa.Table  # quarantine rows of tag-events
    tagged: pa.Table  # the articles that left tagging (failed ones removed)
    n_mentions_tagged: int
    stage_seconds: Counter


@batch_task("tag")
def tag(articles: pa.Table) -> TaggedBatch:
    """Tag a batch's entities, dates and events, in one process (a worker, or a Dask worker).

    The three stages are nested task runs, so each shows under its name in the UI;
    they share natasha's analysis of the batch, which never leaves the process.
    An article one of them quarantines leaves the batch with its mentions and date mentions.
    """
    release_free_memory()  # what the previous batch's analysis left behind
    with stage_seconds_here() as seconds:  # the run's counter lives in the flow's process: report back
        mentions, entities, rejected_entities, tagged, docs = tag_entities(articles)
        date_mentions, date_failures = tag_dates(tagged)
        date_input = date_mentions.select(events_transform.DATE_MENTIONS_INPUT_SCHEMA.names)
        events, participants, rejected_events, tagged = tag_events(tagged, mentions, date_input, docs)
    kept_ids = tagged.column("article_id")
    return TaggedBatch(
        mentions=mentions.filter(pc.is_in(mentions.column("article_id"), value_set=kept_ids)),
        entities=entities,
        date_mentions=date_mentions.filter(pc.is_in(date_mentions.column("article_id"), value_set=kept_ids)),
        date_failures=date_failures,
        events=events,
        event_participants=participants,
        rejected_entities=rejected_entities,
        rejected_events=rejected_events,
        tagged=tagged,
        n_mentions_tagged=mentions.num_rows,
        stage_seconds=seconds,
    )


@batch_task("tag-entities")
def tag_entities(articles: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, dict]:
    """Analyse the batch with natasha (models loaded once per process) and tag PER/LOC/ORG mentions.

    Returns the entity tables, and the analysis for tag-events.
    """
    models = entities_transform.load_models()
    docs = analysis_transform.analyze_articles(articles, models)
    return (*entities_transform.tag_entities(articles, models, docs), docs)


@batch_task("tag-dates")
def tag_dates(articles: pa.Table) -> tuple[pa.Table, int]:
    """Find and resolve date expressions; log each window the parser failed on and count them."""
    parser = dates_transform.load_parser(entities_transform.load_models().morph_vocab)
    date_mentions, errors = dates_transform.tag_dates(articles, parser)
    for line in errors:
        get_run_logger().warning(line)
    return date_mentions, len(errors)


@batch_task("tag-events")
def tag_events(
    articles: pa.Table, mentions: pa.Table, date_mentions: pa.Table, docs: dict
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Code CAMEO events with their participants, place, date and modality (parser loaded once per process)."""
    tagger = events_transform.load_event_tagger()
    return events_transform.tag_events(articles, mentions, date_mentions, tagger, docs)


@batch_task("validate")
def validate(tables: dict[str, pa.Table]):
    """Run every table's suite; failing rows leave the batch for quarantine (see expectations/validate.py)."""
    from expectations.validate import validate_batch  # Great Expectations is slow to import

    return validate_batch(tables, datetime.now(UTC))


@batch_task("record-validation")
def record_validation(gx_dir: str, run_id: str, batch_no: int, checked) -> list:
    """Store the batch's suites and results in the Data Docs context."""
    from expectations import docs

    return docs.record(gx_dir, run_id, batch_no, checked.suites, checked.results)


@batch_task("build-data-docs")
def build_data_docs(gx_dir: str, identifiers: list) -> str:
    """Render the run's validation results as HTML; return the index page's file URL."""
    from expectations import docs

    return docs.build(gx_dir, identifiers)


@batch_task("link-entities")
def link_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Link bare surnames and abbreviations to the corpus's dominant fuller entity."""
    db.link_entities(con)


@batch_task("load")
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
    banding: tuple[int, int] | None = None,
) -> None:
    """Write the batch to the Parquet lake, then to DuckDB in one transaction, then its lake manifest.

    A crash between two of these steps is repaired by `warehouse.recovery.reconcile` at the next run.
    """
    batch = db.Batch.now(run_id, batch_no, counts)
    tables = {"articles": articles, "mentions": mentions, "entities": entities, "quarantine": quarantine}
    tables.update(events=events, event_participants=event_participants, date_mentions=date_mentions, signatures=signatures)
    lake.write_batch(lake_dir, batch, **tables)
    with warehouse.connection() as con:
        db.load_batch(con, batch, **tables, replayed_quarantine_ids=replayed_quarantine_ids, banding=banding)
    lake.write_manifest(lake_dir, batch)
