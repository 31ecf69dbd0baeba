"""The `news_etl` flow: extract → normalize → dedupe → tag → validate → load, batch by batch.

Tagging, the CPU-bound stage, runs in worker processes (or on a Dask cluster):
while the workers tag the next batches, the flow validates and loads the
batches already tagged, in order, as the single writer of the warehouse.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import pyarrow as pa
from prefect import flow, get_run_logger, runtime
from prefect.futures import PrefectFuture

from flows import reports, tasks
from flows.runners import machine_cores, tagging_runner, workers_report_to_this_server
from flows.settings import Settings, code_version
from transforms.entities import entities_of
from transforms.events import DATE_MENTIONS_INPUT_SCHEMA, events_of
from transforms.extract import as_sources, iter_chunks
from transforms.quarantine import quarantine_table
from transforms.sources.config import load_sources, select_sources
from transforms.sources.http import HttpClient, HttpSettings
from transforms.sources.read import ReadContext, StateEntry
from warehouse import db

FLOW_NAME = "news_etl"


@dataclass
class BatchInFlight:
    """A batch whose tagging was handed to a worker; the rest waits for the flow."""

    batch_no: int
    counts: Counter
    quarantine: list[pa.Table]
    content_hashes: frozenset[str]
    tagging: PrefectFuture


class StageClock:
    """Seconds the flow's process spends on each stage, summed over batches."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()

    @contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started


def start_batch(
    con,
    settings: Settings,
    runner,
    clock: StageClock,
    batch_no: int,
    chunk: list,
    in_flight: frozenset,
    context: ReadContext | None = None,
) -> BatchInFlight:
    """Extract, normalize and dedupe a chunk here, then submit its tagging to a worker."""
    with clock("extract"):
        raw, rejected_extract = tasks.extract(chunk, context.http if context else None)
    if context is not None:
        context.settle(chunk, set(rejected_extract.column("record_key").to_pylist()))
    with clock("normalize"):
        articles, rejected_normalize = tasks.normalize(raw, settings.language)
    with clock("dedupe"):
        unique, duplicates = tasks.dedupe(articles, con, in_flight)
    tagging = runner.submit(tasks.tag_entities, {"articles": unique})
    counts = Counter(
        n_read=len(chunk),
        n_duplicates=duplicates.num_rows,
        n_quarantined_extract=rejected_extract.num_rows,
        n_quarantined_normalize=rejected_normalize.num_rows,
    )
    hashes = frozenset(unique.column("content_hash").to_pylist())
    return BatchInFlight(batch_no, counts, [rejected_extract, rejected_normalize], hashes, tagging)


def process_batch(con, settings: Settings, run_id: str, clock: StageClock, batch: BatchInFlight) -> tuple[Counter, pa.Table]:
    """Wait for a batch's tagging, then validate and load it; return its counts and quarantine rows."""
    with clock("tag-entities"):
        mentions, entities, rejected_tag, tagged = batch.tagging.result()
    date_mentions = DATE_MENTIONS_INPUT_SCHEMA.empty_table()  # until issue 4's date mentions land on main
    with clock("tag-events"):
        events, participants, rejected_events, tagged = tasks.tag_events(tagged, mentions, date_mentions)
    with clock("validate"):
        checked = tasks.validate(tagged, mentions)
    loaded_mentions = checked["mentions"]
    loaded_entities = entities_of(loaded_mentions, entities)
    loaded_events, loaded_participants = events_of(events, participants, checked["articles"], loaded_mentions)
    quarantine = pa.concat_tables(
        [*batch.quarantine, rejected_tag, rejected_events, checked["rejected_articles"], checked["rejected_mentions"]]
    )
    with clock("load"):
        tasks.load(
            con,
            settings.lake_dir,
            run_id,
            batch.batch_no,
            articles=checked["articles"],
            mentions=loaded_mentions,
            entities=loaded_entities,
            quarantine=quarantine,
            events=loaded_events,
            event_participants=loaded_participants,
        )
    counts = Counter(batch.counts)
    counts.update(
        n_loaded=checked["articles"].num_rows,
        n_quarantined_tag=rejected_tag.num_rows,
        n_quarantined_validate=checked["rejected_articles"].num_rows,
        n_mentions_tagged=mentions.num_rows,
        n_mentions=loaded_mentions.num_rows,
        n_mentions_quarantined=checked["rejected_mentions"].num_rows,
        n_quarantined_events=rejected_events.num_rows,
        n_events=loaded_events.num_rows,
        n_event_participants=loaded_participants.num_rows,
    )
    counts["n_quarantined"] = sum(
        counts[k]
        for k in ("n_quarantined_extract", "n_quarantined_normalize", "n_quarantined_tag", "n_quarantined_validate", "n_quarantined_events")
    )
    return counts, quarantine


@flow(name=FLOW_NAME)
def news_etl(
    inputs: list[str] | None = None,
    db_path: str = Settings.db_path,
    lake_dir: str = Settings.lake_dir,
    batch_size: int = Settings.batch_size,
    language: str = Settings.language,
    sources_file: str | None = None,
    only: list[str] | None = None,
    full: bool = False,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict:
    """Read articles from `inputs` (files, directories, URLs) or the sources of `sources_file`
    into the lake and the warehouse; only what is new since the last successful run unless `full`.

    Tagging runs on `workers` processes (default: one per core), or on the
    workers of the Dask cluster at `dask_address`.
    """
    settings = Settings(
        **({"inputs": list(inputs)} if inputs else {}),
        db_path=db_path,
        lake_dir=lake_dir,
        batch_size=batch_size,
        language=language,
        sources_file=sources_file,
        only=list(only or []),
        full=full,
        workers=workers,
        dask_address=dask_address,
    )
    if settings.sources_file:
        sources, http_settings = load_sources(settings.sources_file)
        sources = select_sources(sources, settings.only)
    else:
        sources, http_settings = as_sources(settings.inputs), HttpSettings()
    logger = get_run_logger()
    run_id = str(runtime.flow_run.id)
    con = db.connect(settings.db_path)
    db.start_run(con, run_id, FLOW_NAME, settings.as_parameters(), code_version())
    counts: Counter = Counter()
    clock = StageClock()
    quarantine_sample: list[pa.Table] = []
    # Batches tagged ahead of the loader: enough to keep every worker busy, few enough to bound memory.
    window = (settings.workers or machine_cores()) + 1
    started = time.perf_counter()
    http = HttpClient(http_settings)

    def finish(batch: BatchInFlight) -> None:
        batch_counts, quarantine = process_batch(con, settings, run_id, clock, batch)
        counts.update(batch_counts)
        if sum(t.num_rows for t in quarantine_sample) < reports.QUARANTINE_SAMPLE_SIZE:
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

    try:
        known = {} if settings.full else {(r["source"], r["key"]): StateEntry(**r) for r in db.load_source_state(con)}
        context = ReadContext(known=known, http=http)
        with workers_report_to_this_server(), tagging_runner(settings.workers, settings.dask_address) as runner:
            in_flight: deque[BatchInFlight] = deque()
            for batch_no, chunk in enumerate(iter_chunks(sources, settings.batch_size, context), start=1):
                hashes = frozenset().union(*(b.content_hashes for b in in_flight))
                in_flight.append(start_batch(con, settings, runner, clock, batch_no, chunk, hashes, context))
                if len(in_flight) >= window:
                    finish(in_flight.popleft())
            while in_flight:
                finish(in_flight.popleft())
        tasks.link_entities(con)
        # only now: a run that failed above leaves the state as it was, so its input is read again
        db.save_source_state(con, run_id, [asdict(entry) for entry in context.to_save()])
        counts["n_entities"] = db.count_run_entities(con, run_id)
        elapsed = time.perf_counter() - started
        rows = reports.stage_rows(counts, clock.seconds)
        reports.log_stages(logger, rows)
        sample = pa.concat_tables([quarantine_table([]), *quarantine_sample])
        reports.publish_artifacts(
            run_id,
            rows,
            counts,
            elapsed,
            sample.slice(0, reports.QUARANTINE_SAMPLE_SIZE),
            db.top_run_entities(con, run_id, reports.TOP_ENTITIES),
        )
        db.finish_run(con, run_id, "completed", counts)
    except BaseException as exc:
        db.finish_run(con, run_id, "failed", counts, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        http.close()
        con.close()
    summary = {name: int(counts.get(name, 0)) for name in db.RUN_COUNTS}
    logger.info(
        "run %s completed: %d read = %d loaded + %d duplicates + %d quarantined",
        run_id,
        summary["n_read"],
        summary["n_loaded"],
        summary["n_duplicates"],
        summary["n_quarantined"],
    )
    return {"run_id": run_id, "status": "completed", "db_path": settings.db_path, **summary}
