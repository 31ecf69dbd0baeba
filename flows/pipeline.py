"""The runs behind the flows (flows/etl.py, flows/replay.py): one lifecycle, and batches through the stages.

A run (`run_flow`) holds the warehouse's writer lock from start to end. It
brings the schema up to date, repairs what an interrupted run left, records its
start, has its flow's `work` read records into batches, links entities across
the corpus, and records its end with its counts, whatever happened; then it
publishes what it did (artifacts, Data Docs).

A batch goes extract → normalize → dedupe → find-near-duplicates →
detect-language in the flow's process, then tag-batch (entities, dates, events:
the CPU-bound work) in worker processes or on a Dask cluster, then validate and
load in the flow's process again. While the workers tag the next batches, the
flow validates and loads the batches already tagged, in order, as the single
writer of the warehouse.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from itertools import pairwise

import pyarrow as pa
import pyarrow.compute as pc
from prefect import get_run_logger, runtime
from prefect.artifacts import create_table_artifact
from prefect.futures import PrefectFuture

from flows import progress, reports, stages, tasks
from flows.counts import QUARANTINED_BY_STAGE, RUN_COUNTS, languages_of
from flows.memory import release_free_memory
from flows.runners import (
    PrefectServerGone,
    check_server_answers,
    machine_cores,
    tagging_runner,
    workers_report_to_this_server,
)
from flows.settings import REPLAYABLE_STAGES, LoadSettings, ReplaySettings, RunSettings, code_version
from flows.startup import start_loading_tagging_models
from flows.tagging import TaggedBatch, merge_tagged, tag_batch
from transforms.entities import entities_of
from transforms.events import events_of
from transforms.extract import chunked, iter_chunks, replay_item
from transforms.neardup import NearDuplicateIndex
from transforms.quarantine import is_truncated, quarantine_table
from transforms.sources.config import sources_to_read
from transforms.sources.http import HttpClient
from transforms.sources.read import ReadContext, known_state
from transforms.stages import Stage
from transforms.stories import StoryParameters
from warehouse import db, integrity, recovery
from warehouse.batches import BatchTables
from warehouse.lock import writer_lock

VALIDATION_ARTIFACT_KEY = "newsetl-validation"


@dataclass
class ValidationLog:
    """What validation said over a run: expectation results per batch and their Data Docs pages."""

    report: list[dict] = field(default_factory=list)
    docs_pages: list = field(default_factory=list)

    def add_integrity(self, checks: list[integrity.Check]) -> None:
        """The warehouse's integrity checks, as rows of the report; raise IntegrityViolated if one failed."""
        self.report.extend(
            {"suite": integrity.INTEGRITY, "expectation": check.name, "severity": "critical", "success": check.passed,
             "unexpected_count": check.violations}
            for check in checks
        )  # fmt: skip
        failed = [check for check in checks if not check.passed]
        if failed:
            raise integrity.IntegrityViolated(failed, "the warehouse failed its integrity checks after the run")

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
class Run:
    """One run in progress: where it writes, and what it has counted so far."""

    run_id: str
    settings: LoadSettings
    warehouse: db.Warehouse
    near_index: NearDuplicateIndex
    counts: Counter = field(default_factory=Counter)
    stage_seconds: Counter = field(default_factory=Counter)
    validation: ValidationLog = field(default_factory=ValidationLog)
    quarantine_sample: list[pa.Table] = field(default_factory=list)

    def record_end(self, con, status: str, error: str | None = None) -> None:
        """The run's `runs` row with its status and counts, in the warehouse and in the lake."""
        counts = {name: self.counts[name] for name in RUN_COUNTS}
        db.finish_run(
            con,
            self.run_id,
            status,
            counts,
            error=error,
            stage_seconds=self.stage_seconds,
            languages=languages_of(self.counts),
        )
        recovery.write_run(con, self.settings.lake_dir, self.run_id)


# ---------------------------------------------------------------- the lifecycle


def run_flow(settings: LoadSettings, work: Callable[[Run], None]) -> dict:
    """Run `work` (which reads records and runs them through `run_batches`) as one recorded run; return its summary.

    Every flow's run goes through here. Its `runs` row ends `completed` or
    `failed` (with the error), with the counts of the batches it loaded either
    way; a run killed before is closed as `interrupted` by the next one.
    """
    start_loading_tagging_models(settings.dask_address)  # first: the workers' models load while the run prepares
    run_id = str(runtime.flow_run.id)
    flow_name = runtime.flow_run.flow_name
    logger = get_run_logger()
    with writer_lock(settings.db_path, f"{flow_name} {run_id}", settings.lock_timeout, on_wait=logger.warning):
        # A reader's query can keep the file open for a while: the writer waits for it as long as for another writer.
        warehouse = db.Warehouse(settings.db_path, wait_seconds=settings.lock_timeout)
        with warehouse.connection() as con:
            applied = db.upgrade(con)
            if applied:
                logger.info("warehouse %s upgraded: %s", settings.db_path, ", ".join(applied))
            log_repairs(logger, recovery.reconcile(con, settings.lake_dir))
            db.start_run(con, run_id, flow_name, settings.as_parameters(), code_version())
            near_index = tasks.prepare_near_duplicate_index(con, settings.near_duplicate_threshold)
        run = Run(run_id, settings, warehouse, near_index)
        started = time.perf_counter()
        server_gone = False
        with stages.stage_seconds_here() as run.stage_seconds:
            try:
                work(run)
                with warehouse.connection() as con:
                    tasks.link_entities(con)
                    tasks.group_events(con)
                    run.counts["n_entities"] = db.count_run_entities(con, run_id)
                    run.record_end(con, "completed")
                    run.validation.add_integrity(tasks.check_integrity(con))
                    top_entities = db.top_run_entities(con, run_id, reports.TOP_ENTITIES)
            except BaseException as exc:
                record_failure(run, exc, logger)
                server_gone = isinstance(exc, PrefectServerGone)
                raise
            finally:
                docs_index = publish_validation(settings, run_id, run.validation, artifact=not server_gone)
    publish_reports(run, time.perf_counter() - started, top_entities, logger)
    report = publish_html_report(settings, logger) if settings.report_path else None
    return {**run_summary(run, docs_index), "report": report}


def log_repairs(logger, repaired: dict[str, list[str]]) -> None:
    if any(repaired.values()):
        logger.warning(
            "repaired after an interrupted run: %d run(s) marked interrupted, %d uncommitted lake file(s) removed, "
            "%d lake manifest(s) written",
            len(repaired["closed_runs"]),
            len(repaired["removed_files"]),
            len(repaired["manifests_written"]),
        )


def record_failure(run: Run, exc: BaseException, logger) -> None:
    """Record the run as failed with `exc`; a failure to record it is logged, so that `exc` is what the run reports."""
    try:
        with run.warehouse.connection() as con:
            run.record_end(con, "failed", error=f"{type(exc).__name__}: {exc}")
    except Exception as record_error:
        logger.warning("could not record the failed run: %s: %s", type(record_error).__name__, record_error)


def publish_reports(run: Run, elapsed: float, top_entities: list[dict], logger) -> None:
    """Log the stages and publish the run's artifacts; a failure here is logged, not raised (the run is recorded)."""
    try:
        rows = reports.stage_rows(run.counts, run.stage_seconds)
        reports.log_stages(logger, rows)
        sample = pa.concat_tables([quarantine_table([]), *run.quarantine_sample])
        reports.publish_artifacts(
            run.run_id, rows, run.counts, elapsed, sample.slice(0, reports.QUARANTINE_SAMPLE_SIZE), top_entities
        )
    except Exception as exc:
        logger.warning("could not publish the run's reports: %s: %s", type(exc).__name__, exc)


def publish_html_report(settings: LoadSettings, logger) -> str | None:
    """Write the warehouse's HTML report to `settings.report_path` and publish an artifact pointing at it.

    Returns the report's path; a failure is logged, not raised (the run is recorded).
    """
    from flows import html_report  # Altair: imported only by runs that write the report

    try:
        written = html_report.write(settings.db_path, settings.report_path)
        reports.publish_report_artifact(written)
    except Exception as exc:
        logger.warning("could not write the report %s: %s: %s", settings.report_path, type(exc).__name__, exc)
        return None
    logger.info("report: %s (%.1f MB, built in %.1f s)", written["path"], written["bytes"] / 1e6, written["seconds"])
    return written["path"]


def run_summary(run: Run, docs_index: str | None) -> dict:
    """Log that the run completed and return its summary (what the CLI prints)."""
    summary = {name: int(run.counts[name]) for name in RUN_COUNTS}
    get_run_logger().info(
        "run %s completed: %d read = %d loaded + %d duplicates + %d quarantined",
        run.run_id,
        summary["n_read"],
        summary["n_loaded"],
        summary["n_duplicates"],
        summary["n_quarantined"],
    )
    return {
        "run_id": run.run_id,
        "status": "completed",
        "db_path": run.settings.db_path,
        "data_docs": docs_index,
        **summary,
        "languages": languages_of(run.counts),
    }


def publish_validation(
    settings: LoadSettings, run_id: str, validation: ValidationLog, artifact: bool = True
) -> str | None:
    """Build the run's Data Docs pages and (unless not `artifact`: no server to send it to) the validation
    artifact; return the Data Docs index.

    Reporting must not hide the run's own outcome: a failure here is logged, not raised.
    """
    if not validation.report:
        return None
    logger = get_run_logger()
    try:
        index = tasks.build_data_docs(settings.gx_dir, validation.docs_pages)
        if artifact:
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


# ---------------------------------------------------------------- what each flow's run does


def run(settings: RunSettings) -> dict:
    """`news_etl`: read the run's sources into the lake and the warehouse; only what is new unless `settings.full`."""
    sources, http_settings = sources_to_read(settings.inputs, settings.sources_file, settings.only)
    # a zone declared in sources.toml applies unless the flow's parameters name one for that source
    declared_zones = {source.name: source.timezone for source in sources if source.named and source.timezone}
    settings = settings.model_copy(update={"source_timezones": {**declared_zones, **settings.source_timezones}})

    def read_sources(run: Run) -> None:
        with run.warehouse.connection() as con:
            known = {} if settings.full else known_state(db.load_source_state(con))
        if progress.watched():  # what an incremental run will read is known only once it has read it
            progress.expecting(None if known else progress.expected_records(sources))
        with HttpClient(http_settings, max_bytes=settings.max_file_bytes) as http:
            context = ReadContext(known=known, http=http, limits=settings.limits)
            run_batches(run, iter_chunks(sources, settings.batch_size, context, settings.batch_chars), context)
        with run.warehouse.connection() as con:
            # only now: a run that failed above leaves the state as it was, so its input is read again
            db.save_source_state(con, run.run_id, [asdict(entry) for entry in context.to_save()])

    return run_flow(settings, read_sources)


def replay(settings: ReplaySettings) -> dict:
    """`quarantine_replay`: run the quarantined raw records of `settings.stage` (every replayable stage when None) again."""
    from expectations.validate import SUITE_MODULES  # Great Expectations is slow to import

    child_tables = [module.TABLE for module in SUITE_MODULES if module.TABLE != "articles"]
    stages_replayed = [settings.stage] if settings.stage else list(REPLAYABLE_STAGES)

    def read_quarantine(run: Run) -> None:
        with run.warehouse.connection() as con:
            records = db.replayable_quarantine(con, stages_replayed, child_tables)
        # a record over a limit kept only the start of its payload: its input is read again (--full), not replayed
        records = [r for r in records if not is_truncated(r["payload"])]
        progress.expecting(len(records))
        items = (replay_item(r["quarantine_id"], r["record_key"], r["payload"] or "") for r in records)
        run_batches(run, chunked(items, settings.batch_size, settings.batch_chars))

    return run_flow(settings, read_quarantine)


# ---------------------------------------------------------------- batches


@dataclass
class BatchInFlight:
    """A batch whose tagging was handed to a worker; validation and loading wait for the flow."""

    batch_no: int
    chunk: list
    unique: pa.Table
    duplicates: pa.Table
    superseded: pa.Table  # records a later record of the same article replaced in the batch
    signatures: pa.Table
    rejected: dict[Stage, pa.Table]  # quarantine rows of the stages before tagging
    content_hashes: frozenset[str]
    tagging: list[PrefectFuture]  # one per part of the batch (`tagging_parts`)


def run_batches(run: Run, chunks: Iterable[list], context: ReadContext | None = None) -> None:
    """Process `chunks` batch by batch, adding to the run's counts; log a line per batch.

    Up to workers + 1 batches are tagged ahead of the loader: enough to keep
    every worker busy, few enough to bound memory. Batches load in order.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    window = (run.settings.workers or machine_cores()) + 1

    def finish(batch: BatchInFlight) -> None:
        check_server_answers()  # before anything of the batch is loaded
        batch_counts, quarantine = process_batch(run, batch)
        run.counts.update(batch_counts)
        if sum(t.num_rows for t in run.quarantine_sample) < reports.QUARANTINE_SAMPLE_SIZE:
            run.quarantine_sample.append(quarantine.slice(0, reports.QUARANTINE_SAMPLE_SIZE))
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
            run.counts["n_read"],
            run.counts["n_read"] / elapsed if elapsed else 0.0,
            extra={progress.BATCH_LINE: True},
        )
        progress.batch_done(
            progress.Progress(
                batch.batch_no,
                *(run.counts[name] for name in ("n_read", "n_loaded", "n_duplicates", "n_quarantined")),
                seconds=elapsed,
            )
        )
        release_free_memory()  # the batch's tables are gone: a long run must not hold every batch's peak

    # The flow loads its own models while the workers' fork server loads theirs (started in `run_flow`); the pool
    # then forks its workers from it at once.
    with (
        workers_report_to_this_server(),
        tasks.flow_process_prepared(),
        tagging_runner(run.settings.workers, run.settings.dask_address) as runner,
    ):
        in_flight: deque[BatchInFlight] = deque()
        for batch_no, chunk in enumerate(chunks, start=1):
            hashes = frozenset().union(*(b.content_hashes for b in in_flight))
            parts = 1 if in_flight else window - 1  # alone in flight (a run's first batch, a small run's only one)
            in_flight.append(start_batch(run, runner, batch_no, chunk, hashes, context, parts))
            if len(in_flight) >= window:
                finish(in_flight.popleft())
        while in_flight:
            finish(in_flight.popleft())


def start_batch(
    run: Run,
    runner,
    batch_no: int,
    chunk: list,
    in_flight: frozenset[str] = frozenset(),
    context: ReadContext | None = None,
    parts: int = 1,
) -> BatchInFlight:
    """Extract, normalize, dedupe and detect the language of a chunk here, then submit its tagging (cut into up to
    `parts` parts, each a task run of its own: see `tagging_parts`)."""
    settings = run.settings
    raw, rejected_extract = tasks.extract(chunk, context.http if context else None, settings.limits)
    if context is not None:
        context.settle(chunk, set(rejected_extract.column("record_key").to_pylist()))
    articles, rejected_normalize = tasks.normalize(
        raw, settings.default_timezone, settings.source_timezones, settings.max_article_chars
    )
    unique, duplicates, superseded = tasks.dedupe(articles, run.warehouse, in_flight)
    unique, signatures = tasks.find_near_duplicates(unique, run.near_index, run.warehouse)
    unique = tasks.detect_language(unique)
    tagging = [runner.submit(tag_batch, {"articles": part}) for part in tagging_parts(unique, parts)]
    hashes = frozenset(unique.column("content_hash").to_pylist())
    rejected = {Stage.EXTRACT: rejected_extract, Stage.NORMALIZE: rejected_normalize}
    return BatchInFlight(batch_no, chunk, unique, duplicates, superseded, signatures, rejected, hashes, tagging)


# Articles a part of a batch's tagging has at least: fewer are not worth a task run of their own.
MIN_ARTICLES_PER_TAGGING_PART = 4


def tagging_parts(articles: pa.Table, parts: int) -> list[pa.Table]:
    """`articles` cut into up to `parts` consecutive slices of about equal text, each to tag on a worker of its own.

    A batch alone in flight would keep one worker busy and the others idle:
    a small scheduled run is one batch, and a run's first batch is what its
    first results wait for. Tagging is per article, so the parts' tagging,
    merged (`merge_tagged`), equals the whole batch's; every stage that looks
    across articles (dedupe, near-duplicates, validation, load) still sees
    the batch whole.
    """
    parts = min(parts, articles.num_rows // MIN_ARTICLES_PER_TAGGING_PART)
    if parts <= 1:
        return [articles]
    lengths = pc.utf8_length(articles.column("text")).to_pylist()
    total, cuts, running = sum(lengths), [0], 0
    for row, length in enumerate(lengths):
        running += length
        if len(cuts) < parts and running >= total * len(cuts) / parts:
            cuts.append(row + 1)
    cuts = sorted(set(cuts) | {articles.num_rows})
    return [articles.slice(start, stop - start) for start, stop in pairwise(cuts)]


def process_batch(run: Run, batch: BatchInFlight) -> tuple[Counter, pa.Table]:
    """Wait for a batch's tagging (entities, dates, events), then validate and load it.

    Returns its counts and quarantine rows. The near-duplicate index forgets
    the batch's articles: those loaded are in the warehouse now, the others
    must not be found. Counts named `language:<code>` are articles loaded per
    language. A batch that breaks an invariant raises BatchInvalid before
    anything of it is loaded.
    """
    with stages.stage_timer(Stage.WAIT_FOR_TAGGING):  # the flow's wait for the worker
        tagging: TaggedBatch = merge_tagged([part.result() for part in batch.tagging])
    stage_seconds = stages.STAGE_SECONDS.get()
    if stage_seconds is not None:
        stage_seconds.update(tagging.stage_seconds)  # seconds of work in the worker, per tagging stage
    checked = tasks.validate(
        {
            "articles": tagging.tagged,
            "date_mentions": tagging.date_mentions,
            "mentions": tagging.mentions,
            "entities": tagging.entities,
        }
    )
    run.validation.report.extend(checked.report)
    run.validation.docs_pages.extend(tasks.record_validation(run.settings.gx_dir, run.run_id, batch.batch_no, checked))
    checked.raise_for_batch_failures()
    loaded = checked.tables["articles"]
    date_mentions = checked.tables["date_mentions"]
    mentions = checked.tables["mentions"]
    events, participants, role_entities = events_of(
        tagging.events, tagging.event_participants, loaded, mentions, checked.tables["entities"]
    )
    rejected = {
        **batch.rejected,
        Stage.TAG_ENTITIES: tagging.rejected_entities,
        Stage.TAG_EVENTS: tagging.rejected_events,
        Stage.VALIDATE: checked.rejected["articles"],
    }
    quarantine = pa.concat_tables(
        [*rejected.values(), *(t for name, t in checked.rejected.items() if name != "articles")]
    )

    counts: Counter = Counter(n_read=len(batch.chunk))
    counts.update({QUARANTINED_BY_STAGE[stage]: table.num_rows for stage, table in rejected.items()})
    counts.update(f"language:{code}" for code in loaded.column("language").to_pylist())
    counts.update(
        n_loaded=loaded.num_rows,
        n_duplicates=batch.duplicates.num_rows + batch.superseded.num_rows,
        n_superseded=batch.superseded.num_rows,
        n_quarantined=sum(table.num_rows for table in rejected.values()),
        n_no_date=loaded.column("published_at").null_count,
        n_near_duplicates=loaded.num_rows - loaded.column("duplicate_of").null_count,
        n_mentions=mentions.num_rows,
        n_mentions_quarantined=checked.rejected["mentions"].num_rows,
        n_mentions_tagged=tagging.n_mentions_tagged,
        n_date_mentions=pc.sum(
            pc.is_in(date_mentions.column("article_id"), value_set=loaded.column("article_id"))
        ).as_py()
        or 0,
        n_date_failures=tagging.date_failures,
        n_date_mentions_quarantined=checked.rejected["date_mentions"].num_rows,
        n_events=events.num_rows,
        n_event_participants=participants.num_rows,
    )
    replayed = [item.replay_of for item in batch.chunk if item.replay_of]
    tables = BatchTables(
        articles=loaded,
        mentions=mentions,
        entities=pa.concat_tables([entities_of(mentions, checked.tables["entities"]), role_entities]),
        quarantine=quarantine,
        date_mentions=date_mentions,
        article_signatures=batch.signatures,
        events=events,
        event_participants=participants,
        replayed_quarantine=pa.table({"quarantine_id": pa.array(replayed, type=pa.string())}),
    )
    assignment = tasks.assign_stories(run.warehouse, tables, StoryParameters.of(run.settings.as_parameters()))
    counts.update(assignment.counts)
    # The counts go in with the rows: a run killed later still accounts for every batch it loaded.
    tasks.load(
        run.warehouse,
        run.settings.lake_dir,
        run.run_id,
        batch.batch_no,
        counts,
        tables,
        run.near_index.banding,
        assignment,
    )
    # Loaded articles are now found in the warehouse; quarantined ones must not be found at all.
    for article_id in batch.unique.column("article_id").to_pylist():
        run.near_index.remove(article_id)
    return counts, quarantine
