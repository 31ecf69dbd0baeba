"""The run behind the `news_etl` flow (flows/etl.py): extract → normalize → dedupe → tag → validate → load, batch by batch.

Dedupe drops exact copies and marks near copies (`duplicate_of`), which are
still loaded; then the language is detected.

Tagging (entities, dates, events), the CPU-bound work, runs in worker
processes (or on a Dask cluster), a batch per task: while the workers tag the
next batches, the flow validates and loads the batches already tagged, in
order, as the single writer of the warehouse.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace

import pyarrow as pa
import pyarrow.compute as pc
from prefect import get_run_logger, runtime
from prefect.artifacts import create_table_artifact
from prefect.futures import PrefectFuture

from flows import reports, stages, tasks
from flows.etl import FLOW_NAME
from flows.runners import machine_cores, release_free_memory, tagging_runner, workers_report_to_this_server
from flows.settings import Settings, code_version
from flows.tagging import TaggedBatch, tag
from transforms.entities import entities_of
from transforms.events import events_of
from transforms.extract import as_sources, iter_chunks
from transforms.quarantine import quarantine_table
from transforms.sources.config import load_sources, select_sources
from transforms.sources.http import HttpClient, HttpSettings
from transforms.sources.read import ReadContext, StateEntry
from warehouse import db, recovery
from warehouse.lock import writer_lock

VALIDATION_ARTIFACT_KEY = "newsetl-validation"


@dataclass
class ValidationLog:
    """What validation said over a run: expectation results per batch and their Data Docs pages."""

    report: list[dict] = field(default_factory=list)
    docs_pages: list = field(default_factory=list)

    def summary(self) -> list[dict]:
        """One row per (suite, expectation): passed in every batch, failing rows summed."""
        rows: dict[tuple, dict] = {}
        for entry in self.report:
            row = rows.setdefault(
                (entry["suite"], entry["expectation"]),
                {**entry, "success": True, "unexpected_count": 0},
            )
            row["success"] = row["success"] and entry["success"]
            row["unexpected_count"] += entry["unexpected_count"]
        return list(rows.values())


@dataclass
class BatchInFlight:
    """A batch whose tagging was handed to a worker; validation and loading wait for the flow."""

    batch_no: int
    chunk: list
    unique: pa.Table
    duplicates: pa.Table
    signatures: pa.Table
    quarantine: list[pa.Table]
    content_hashes: frozenset[str]
    tagging: PrefectFuture


def start_batch(
    warehouse: db.Warehouse,
    settings: Settings,
    runner,
    batch_no: int,
    chunk: list,
    near_index,
    in_flight: frozenset[str] = frozenset(),
    context: ReadContext | None = None,
) -> BatchInFlight:
    """Extract, normalize, dedupe and detect the language of a chunk here, then submit its tagging."""
    raw, rejected_extract = tasks.extract(chunk, context.http if context else None)
    if context is not None:
        context.settle(chunk, set(rejected_extract.column("record_key").to_pylist()))
    articles, rejected_normalize = tasks.normalize(raw, settings.default_timezone, settings.source_timezones)
    unique, duplicates = tasks.dedupe(articles, warehouse, in_flight)
    unique, signatures = tasks.find_near_duplicates(unique, near_index, warehouse)
    unique = tasks.detect_language(unique)
    tagging = runner.submit(tag, {"articles": unique})
    hashes = frozenset(unique.column("content_hash").to_pylist())
    return BatchInFlight(batch_no, chunk, unique, duplicates, signatures, [rejected_extract, rejected_normalize], hashes, tagging)


def process_batch(
    warehouse: db.Warehouse,
    settings: Settings,
    run_id: str,
    batch: BatchInFlight,
    near_index,
    validation: ValidationLog | None = None,
) -> tuple[Counter, pa.Table]:
    """Wait for a batch's tagging (entities, dates, events), then validate and load it.

    Returns its counts and quarantine rows. `near_index` forgets the batch's
    articles: those loaded are in the warehouse now, the others must not be
    found. Counts named `language:<code>` are articles loaded per language. A
    batch that breaks an invariant raises BatchInvalid before anything of it is
    loaded.
    """
    validation = validation if validation is not None else ValidationLog()
    chunk, unique, duplicates, signatures = batch.chunk, batch.unique, batch.duplicates, batch.signatures
    rejected_extract, rejected_normalize = batch.quarantine
    counts: Counter = Counter(n_read=len(chunk))
    with stages.stage_timer("wait-for-tagging"):  # the flow's wait for the worker
        tagging: TaggedBatch = batch.tagging.result()
    stage_seconds = stages.STAGE_SECONDS.get()
    if stage_seconds is not None:
        stage_seconds.update(tagging.stage_seconds)  # seconds of work in the worker, per tagging stage
    tagged, mentions, entities, date_mentions = tagging.tagged, tagging.mentions, tagging.entities, tagging.date_mentions
    rejected_tag, rejected_events = tagging.rejected_entities, tagging.rejected_events
    checked = tasks.validate(
        {"articles": tagged, "date_mentions": date_mentions, "mentions": mentions, "entities": entities}
    )
    validation.report.extend(checked.report)
    validation.docs_pages.extend(tasks.record_validation(settings.gx_dir, run_id, batch.batch_no, checked))
    checked.raise_for_batch_failures()
    date_mentions = checked.tables["date_mentions"]
    rejected_dates = checked.rejected["date_mentions"]
    loaded_mentions = checked.tables["mentions"]
    loaded_entities = entities_of(loaded_mentions, checked.tables["entities"])
    loaded_events, loaded_participants = events_of(
        tagging.events, tagging.event_participants, checked.tables["articles"], loaded_mentions
    )
    quarantine = pa.concat_tables(
        [rejected_extract, rejected_normalize, rejected_tag, rejected_events, *checked.rejected.values()]
    )
    loaded = checked.tables["articles"]
    loaded_ids = loaded.column("article_id")
    counts.update(f"language:{code}" for code in loaded.column("language").to_pylist())
    counts.update(
        n_no_date=loaded.column("published_at").null_count,
        n_near_duplicates=loaded.num_rows - loaded.column("duplicate_of").null_count,
        n_date_mentions=pc.sum(pc.is_in(date_mentions.column("article_id"), value_set=loaded_ids)).as_py() or 0,
        n_date_failures=tagging.date_failures,
        n_date_mentions_quarantined=rejected_dates.num_rows,
    )
    counts.update(
        n_loaded=checked.tables["articles"].num_rows,
        n_duplicates=duplicates.num_rows,
        n_quarantined_extract=rejected_extract.num_rows,
        n_quarantined_normalize=rejected_normalize.num_rows,
        n_quarantined_tag=rejected_tag.num_rows,
        n_quarantined_validate=checked.rejected["articles"].num_rows,
        n_mentions=loaded_mentions.num_rows,
        n_mentions_quarantined=checked.rejected["mentions"].num_rows,
        n_mentions_tagged=tagging.n_mentions_tagged,
        n_quarantined_events=rejected_events.num_rows,
        n_events=loaded_events.num_rows,
        n_event_participants=loaded_participants.num_rows,
    )
    counts["n_quarantined"] = sum(
        counts[k] for k in ("n_quarantined_extract", "n_quarantined_normalize", "n_quarantined_tag", "n_quarantined_validate", "n_quarantined_events")
    )
    # The counts go in with the rows: a run killed later still accounts for every batch it loaded.
    tasks.load(
        warehouse,
        settings.lake_dir,
        run_id,
        batch.batch_no,
        counts,
        articles=checked.tables["articles"],
        mentions=loaded_mentions,
        entities=loaded_entities,
        quarantine=quarantine,
        events=loaded_events,
        event_participants=loaded_participants,
        replayed_quarantine_ids=[item.replay_of for item in chunk if item.replay_of],
        date_mentions=date_mentions,
        signatures=signatures,
        banding=near_index.banding,
    )
    # Loaded articles are now found in the warehouse; quarantined ones must not be found at all.
    for article_id in unique.column("article_id").to_pylist():
        near_index.remove(article_id)
    return counts, quarantine


def languages_of(counts: Counter) -> dict[str, int]:
    """Articles loaded per language, from the `language:<code>` counts."""
    return {key.split(":", 1)[1]: n for key, n in sorted(counts.items()) if key.startswith("language:")}


def run(settings: Settings) -> dict:
    """Read the run's sources into the lake and the warehouse, under the writer lock; return the run's summary."""
    if settings.sources_file:
        sources, http_settings = load_sources(settings.sources_file)
        sources = select_sources(sources, settings.only)
    else:
        sources, http_settings = as_sources(settings.inputs), HttpSettings()
    # a zone declared in sources.toml applies unless the flow's parameters name one for that source
    declared_zones = {source.name: source.timezone for source in sources if source.named and source.timezone}
    settings = replace(settings, source_timezones={**declared_zones, **settings.source_timezones})
    run_id = str(runtime.flow_run.id)
    logger = get_run_logger()
    with writer_lock(settings.db_path, f"run {run_id}", settings.lock_timeout, on_wait=logger.warning):
        return _run(settings, run_id, logger, sources, http_settings)


def _run(settings: Settings, run_id: str, logger, sources, http_settings: HttpSettings) -> dict:
    """The run proper, under the writer lock. The DuckDB file is open only while a step uses it."""
    # A reader's query can keep the file open for a while: the writer waits for it as long as for another writer.
    warehouse = db.Warehouse(settings.db_path, wait_seconds=settings.lock_timeout)
    with warehouse.connection() as con:
        repaired = recovery.reconcile(con, settings.lake_dir)
        if any(repaired.values()):
            logger.warning(
                "repaired after an interrupted run: %d run(s) marked interrupted, %d uncommitted lake file(s) removed, "
                "%d lake manifest(s) written",
                len(repaired["closed_runs"]),
                len(repaired["removed_files"]),
                len(repaired["manifests_written"]),
            )
        db.start_run(con, run_id, FLOW_NAME, settings.as_parameters(), code_version())
        known = {} if settings.full else {(r["source"], r["key"]): StateEntry(**r) for r in db.load_source_state(con)}
        near_index = tasks.prepare_near_duplicate_index(con, settings.near_duplicate_threshold)
    counts: Counter = Counter()
    validation = ValidationLog()
    stage_seconds: Counter = Counter()
    timing = stages.STAGE_SECONDS.set(stage_seconds)
    http = HttpClient(http_settings)
    quarantine_sample: list[pa.Table] = []
    started = time.perf_counter()
    try:
        context = ReadContext(known=known, http=http)
        chunks = iter_chunks(sources, settings.batch_size, context, settings.batch_chars)
        run_batches(warehouse, settings, run_id, chunks, counts, validation, near_index, context, quarantine_sample)
        with warehouse.connection() as con:
            tasks.link_entities(con)
            # only now: a run that failed above leaves the state as it was, so its input is read again
            db.save_source_state(con, run_id, [asdict(entry) for entry in context.to_save()])
            counts["n_entities"] = db.count_run_entities(con, run_id)
            db.finish_run(con, run_id, "completed", counts, stage_seconds=stage_seconds, languages=languages_of(counts))
            recovery.write_run(con, settings.lake_dir, run_id)
            top_entities = db.top_run_entities(con, run_id, reports.TOP_ENTITIES)
        rows = reports.stage_rows(counts, stage_seconds)
        reports.log_stages(logger, rows)
        sample = pa.concat_tables([quarantine_table([]), *quarantine_sample])
        elapsed = time.perf_counter() - started
        reports.publish_artifacts(run_id, rows, counts, elapsed, sample.slice(0, reports.QUARANTINE_SAMPLE_SIZE), top_entities)
    except BaseException as exc:
        with warehouse.connection() as con:
            error = f"{type(exc).__name__}: {exc}"
            db.finish_run(con, run_id, "failed", counts, error=error, stage_seconds=stage_seconds, languages=languages_of(counts))
            try:
                recovery.write_run(con, settings.lake_dir, run_id)
            except Exception as lake_error:  # the run's own failure is the one to report
                logger.warning("could not record the failed run in the lake: %s: %s", type(lake_error).__name__, lake_error)
        raise
    finally:
        http.close()
        stages.STAGE_SECONDS.reset(timing)
        docs_index = publish_validation(settings, run_id, validation)
    return run_summary(settings, run_id, counts, docs_index)


def run_batches(
    warehouse: db.Warehouse,
    settings: Settings,
    run_id: str,
    chunks: Iterable[list],
    counts: Counter,
    validation: ValidationLog,
    near_index,
    context: ReadContext | None = None,
    quarantine_sample: list[pa.Table] | None = None,
) -> None:
    """Process `chunks` batch by batch, adding to `counts`; log a line per batch.

    Up to workers + 1 batches are tagged ahead of the loader: enough to keep
    every worker busy, few enough to bound memory. Batches load in order.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    window = (settings.workers or machine_cores()) + 1

    def finish(batch: BatchInFlight) -> None:
        batch_counts, quarantine = process_batch(warehouse, settings, run_id, batch, near_index, validation)
        counts.update(batch_counts)
        if quarantine_sample is not None and sum(t.num_rows for t in quarantine_sample) < reports.QUARANTINE_SAMPLE_SIZE:
            quarantine_sample.append(quarantine.slice(0, reports.QUARANTINE_SAMPLE_SIZE))
        elapsed = time.perf_counter() - started
        logger.info(
            "batch %d: %d read, %d loaded, %d duplicates, %d quarantined, %d mentions "
            "(run so far: %d read, %.1f articles/s)",
            batch.batch_no,
            batch_counts["n_read"],
            batch_counts["n_loaded"],
            batch_counts["n_duplicates"],
            batch_counts["n_quarantined"],
            batch_counts["n_mentions"],
            counts["n_read"],
            counts["n_read"] / elapsed if elapsed else 0.0,
        )
        release_free_memory()  # the batch's tables are gone: a long run must not hold every batch's peak

    # The flow loads its own models while the workers start and load theirs.
    with (
        workers_report_to_this_server(),
        tagging_runner(settings.workers, settings.dask_address) as runner,
        tasks.flow_process_prepared(),
    ):
        in_flight: deque[BatchInFlight] = deque()
        for batch_no, chunk in enumerate(chunks, start=1):
            hashes = frozenset().union(*(b.content_hashes for b in in_flight))
            in_flight.append(start_batch(warehouse, settings, runner, batch_no, chunk, near_index, hashes, context))
            if len(in_flight) >= window:
                finish(in_flight.popleft())
        while in_flight:
            finish(in_flight.popleft())


def run_summary(settings: Settings, run_id: str, counts: Counter, docs_index: str | None) -> dict:
    """Log that the run completed and return its summary (what the CLI prints)."""
    summary = {name: int(counts.get(name, 0)) for name in db.RUN_COUNTS}
    get_run_logger().info(
        "run %s completed: %d read = %d loaded + %d duplicates + %d quarantined",
        run_id,
        summary["n_read"],
        summary["n_loaded"],
        summary["n_duplicates"],
        summary["n_quarantined"],
    )
    return {
        "run_id": run_id,
        "status": "completed",
        "db_path": settings.db_path,
        "data_docs": docs_index,
        **summary,
        "languages": languages_of(counts),
    }


def publish_validation(settings: Settings, run_id: str, validation: ValidationLog) -> str | None:
    """Build the run's Data Docs pages and the validation artifact; return the Data Docs index.

    Reporting must not hide the run's own outcome: a failure here is logged, not raised.
    """
    if not validation.report:
        return None
    logger = get_run_logger()
    try:
        index = tasks.build_data_docs(settings.gx_dir, validation.docs_pages)
        create_table_artifact(
            key=VALIDATION_ARTIFACT_KEY,
            table=[
                {k: row[k] for k in ("suite", "expectation", "severity", "success", "unexpected_count")}
                for row in validation.summary()
            ],
            description=f"Great Expectations results of run {run_id}, summed over its batches. Data Docs: {index}",
        )
    except Exception as exc:
        logger.warning("could not publish the validation results: %s: %s", type(exc).__name__, exc)
        return None
    logger.info("validation results: Data Docs at %s", index)
    return index
