"""Thin Prefect tasks: each wraps one transform or warehouse call over a whole batch.

Tasks never cache: their inputs are Arrow tables and connections, which are
costly or impossible to hash, and a batch is never worth recomputing from cache.
"""

from __future__ import annotations

import functools
import socket
import time
import urllib.error
from datetime import UTC, datetime

import duckdb
import httpx
import pyarrow as pa
import pyarrow.compute as pc
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from transforms import dedupe as dedupe_transform
from transforms import entities as entities_transform
from transforms import events as events_transform
from transforms import extract as extract_transform
from transforms import normalize as normalize_transform
from warehouse import db, lake

BATCH_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


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
    stage fails the run with that message), and one log line says how long the
    stage took on the batch.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def run_stage(*args, **kwargs):
            started = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except StageFailed:
                raise
            except Exception as exc:
                raise StageFailed(stage, f"{type(exc).__name__}: {exc}", is_transient(exc)) from exc
            get_run_logger().info("%s: done in %.2f s", stage, time.perf_counter() - started)
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
def normalize(raw: pa.Table, language: str) -> tuple[pa.Table, pa.Table]:
    """Clean text, parse publication dates, assign ids."""
    return normalize_transform.normalize(raw, language=language)


@batch_task("dedupe")
def dedupe(
    articles: pa.Table, con: duckdb.DuckDBPyConnection, in_flight: frozenset[str] = frozenset()
) -> tuple[pa.Table, pa.Table]:
    """Split off articles whose exact text is already in the batch, the warehouse, or a batch still in flight."""
    known = db.known_content_hashes(con, articles.column("content_hash").to_pylist()) | in_flight
    return dedupe_transform.exact_dedupe(articles, known)


@batch_task("tag-entities")
def tag_entities(articles: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Tag PER/LOC/ORG mentions with natasha (models loaded once per process)."""
    return entities_transform.tag_entities(articles, entities_transform.load_models())


@batch_task("tag-events")
def tag_events(articles: pa.Table, mentions: pa.Table, date_mentions: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Code CAMEO events with their participants, place, date and modality (parser loaded once per process)."""
    return events_transform.tag_events(articles, mentions, date_mentions, events_transform.load_event_tagger())


@batch_task("validate")
def validate(articles: pa.Table, mentions: pa.Table) -> dict:
    """Run the articles and mentions suites; failing rows leave the batch for quarantine."""
    from expectations.validate import validate as run_suite  # Great Expectations is slow to import

    now = datetime.now(UTC)
    passed_articles, rejected_articles, articles_report = run_suite("articles", articles, now)
    kept_ids = passed_articles.column("article_id")
    mentions = mentions.filter(pc.is_in(mentions.column("article_id"), value_set=kept_ids))
    passed_mentions, rejected_mentions, mentions_report = run_suite("mentions", mentions, now)
    return {
        "articles": passed_articles,
        "mentions": passed_mentions,
        "rejected_articles": rejected_articles,
        "rejected_mentions": rejected_mentions,
        "report": articles_report + mentions_report,
    }


@batch_task("link-entities")
def link_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Link bare surnames and abbreviations to the corpus's dominant fuller entity; rebuild entity_aliases."""
    db.link_entities(con)


@batch_task("load")
def load(
    con: duckdb.DuckDBPyConnection,
    lake_dir: str,
    run_id: str,
    batch_no: int,
    *,
    articles: pa.Table,
    mentions: pa.Table,
    entities: pa.Table,
    quarantine: pa.Table,
    events: pa.Table | None = None,
    event_participants: pa.Table | None = None,
) -> None:
    """Write the batch to the Parquet lake, then to DuckDB in one transaction."""
    tables = {"articles": articles, "mentions": mentions, "entities": entities, "quarantine": quarantine}
    tables.update(events=events, event_participants=event_participants)
    lake.write_batch(lake_dir, run_id, batch_no, **tables)
    db.load_batch(con, run_id, **tables)
