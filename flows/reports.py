"""What a run shows in the Prefect UI: one log line per stage and artifacts with stable keys.

Artifact keys do not change between runs, so the UI keeps each one's history
(one version per run) under the same name.
"""

from __future__ import annotations

import logging
from collections import Counter

import pyarrow as pa
from prefect.artifacts import create_table_artifact

SUMMARY_KEY = "newsetl-run-summary"
QUARANTINE_KEY = "newsetl-quarantine-sample"
TOP_ENTITIES_KEY = "newsetl-top-entities"
# The validation results table (suite, expectation, success, unexpected count)
# is published by the validation work (issue 7) under its own stable key,
# from the `report` that tasks.validate returns for each batch.

QUARANTINE_SAMPLE_SIZE = 20
TOP_ENTITIES = 20


def stage_rows(counts: Counter, seconds: Counter) -> list[dict]:
    """Per stage: articles in and out, what left the batch there, and the seconds it took."""
    n_extracted = counts["n_read"] - counts["n_quarantined_extract"]
    n_normalized = n_extracted - counts["n_quarantined_normalize"]
    n_unique = n_normalized - counts["n_duplicates"]
    n_tagged = n_unique - counts["n_quarantined_tag"]
    n_events_tagged = n_tagged - counts["n_quarantined_events"]
    rows = [
        ("extract", counts["n_read"], n_extracted, f"{counts['n_quarantined_extract']} quarantined"),
        ("normalize", n_extracted, n_normalized, f"{counts['n_quarantined_normalize']} quarantined"),
        ("dedupe", n_normalized, n_unique, f"{counts['n_duplicates']} duplicates"),
        ("find-near-duplicates", n_unique, n_unique, f"{counts['n_near_duplicates']} near copies marked (still loaded)"),
        ("detect-language", n_unique, n_unique, "language set"),
        (
            "tag-entities",
            n_unique,
            n_tagged,
            f"{counts['n_quarantined_tag']} quarantined, {counts['n_mentions_tagged']} mentions",
        ),
        ("tag-dates", n_tagged, n_tagged, f"{counts['n_date_mentions']} date mentions loaded, {counts['n_date_failures']} parser failures"),
        ("tag-events", n_tagged, n_events_tagged, f"{counts['n_quarantined_events']} quarantined, {counts['n_events']} events loaded"),
        (
            "validate",
            n_events_tagged,
            counts["n_loaded"],
            f"{counts['n_quarantined_validate']} quarantined, {counts['n_mentions_quarantined']} mentions quarantined",
        ),
        ("load", counts["n_loaded"], counts["n_loaded"], f"{counts['n_mentions']} mentions"),
    ]
    return [
        {"stage": stage, "articles_in": n_in, "articles_out": n_out, "left_or_added": note, "seconds": round(seconds[stage], 2)}
        for stage, n_in, n_out, note in rows
    ]


def log_stages(logger: logging.Logger | logging.LoggerAdapter, rows: list[dict]) -> None:
    for row in rows:
        logger.info(
            "%s: %d in, %d out, %s, %.1f s",
            row["stage"], row["articles_in"], row["articles_out"], row["left_or_added"], row["seconds"],
        )  # fmt: skip


def publish_artifacts(
    run_id: str, rows: list[dict], counts: Counter, elapsed: float, quarantine_sample: pa.Table, top_entities: list[dict]
) -> None:
    """Create the run's summary, quarantine sample and top entities artifacts."""
    rate = counts["n_read"] / elapsed if elapsed else 0.0
    total = {
        "stage": "run",
        "articles_in": counts["n_read"],
        "articles_out": counts["n_loaded"],
        "left_or_added": f"{counts['n_duplicates']} duplicates, {counts['n_quarantined']} quarantined, {rate:.1f} articles/s",
        "seconds": round(elapsed, 2),
    }
    create_table_artifact(
        key=SUMMARY_KEY,
        table=[*rows, total],
        description=f"Run {run_id}: articles per stage, seconds per stage (tag-entities: seconds the flow waited "
        f"for the tagging workers), {rate:.1f} articles/s end to end.",
    )
    sample = quarantine_sample.select(["stage", "record_key", "reason"]).to_pylist()
    create_table_artifact(
        key=QUARANTINE_KEY,
        table=sample or [{"stage": "", "record_key": "", "reason": "nothing was quarantined"}],
        description=f"Up to {QUARANTINE_SAMPLE_SIZE} of the {counts['n_quarantined']} records this run quarantined, "
        "with their reasons (all of them: the warehouse's `quarantine` table).",
    )
    create_table_artifact(
        key=TOP_ENTITIES_KEY,
        table=top_entities or [{"type": "", "name": "no entities loaded", "mentions": 0, "articles": 0}],
        description=f"The {TOP_ENTITIES} entities most mentioned in the articles this run loaded.",
    )
