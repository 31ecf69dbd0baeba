"""What a run shows in the Prefect UI: one log line per stage and artifacts with stable keys.

Artifact keys do not change between runs, so the UI keeps each one's history
(one version per run) under the same name.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pyarrow as pa
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.counts import QUARANTINED_BY_STAGE
from transforms.quarantine import preview
from transforms.stages import ARTICLE_STAGES, Stage

SUMMARY_KEY = "newsetl-run-summary"
QUARANTINE_KEY = "newsetl-quarantine-sample"
TOP_ENTITIES_KEY = "newsetl-top-entities"
REPORT_KEY = "newsetl-report"
# The report's headline numbers the artifact repeats, with their labels.
REPORT_HEADLINE = {
    "articles": "articles",
    "stories": "stories (near copies once)",
    "sources": "sources",
    "entities": "entities mentioned",
    "first_date": "first publication day",
    "last_date": "last publication day",
    "runs": "runs",
    "quarantined": "records quarantined",
}

QUARANTINE_SAMPLE_SIZE = 20
TOP_ENTITIES = 20
# Characters of a record key or reason an artifact shows: the server stores an artifact and sends it in an event.
ARTIFACT_CELL_CHARS = 300


def stage_rows(counts: Counter, seconds: Counter) -> list[dict]:
    """Per stage an article goes through: articles in and out, what left the batch there or was added, and the seconds it took."""
    left = {stage: counts[name] for stage, name in QUARANTINED_BY_STAGE.items()}
    left[Stage.DEDUPE] = counts["n_duplicates"]
    notes = {
        Stage.EXTRACT: f"{left[Stage.EXTRACT]} quarantined",
        Stage.NORMALIZE: f"{left[Stage.NORMALIZE]} quarantined",
        Stage.DEDUPE: f"{left[Stage.DEDUPE]} duplicates ({counts['n_superseded']} superseded by a later version)",
        Stage.FIND_NEAR_DUPLICATES: f"{counts['n_near_duplicates']} near copies marked (still loaded)",
        Stage.DETECT_LANGUAGE: "language set",
        Stage.TAG_ENTITIES: f"{left[Stage.TAG_ENTITIES]} quarantined, {counts['n_mentions_tagged']} mentions",
        Stage.TAG_DATES: f"{counts['n_date_mentions']} date mentions loaded, {counts['n_date_failures']} parser failures",
        Stage.TAG_EVENTS: f"{left[Stage.TAG_EVENTS]} quarantined, {counts['n_events']} events loaded",
        Stage.VALIDATE: f"{left[Stage.VALIDATE]} quarantined, {counts['n_mentions_quarantined']} mentions quarantined",
        Stage.LOAD: f"{counts['n_mentions']} mentions",
    }
    rows, articles = [], counts["n_read"]
    for stage in ARTICLE_STAGES:
        n_out = articles - left.get(stage, 0)
        rows.append(
            {
                "stage": str(stage),
                "articles_in": articles,
                "articles_out": n_out,
                "left_or_added": notes[stage],
                "seconds": round(seconds[stage], 2),
            }
        )
        articles = n_out
    return rows


def log_stages(logger: logging.Logger | logging.LoggerAdapter, rows: list[dict]) -> None:
    for row in rows:
        logger.info(
            "%s: %d in, %d out, %s, %.1f s",
            row["stage"], row["articles_in"], row["articles_out"], row["left_or_added"], row["seconds"],
        )  # fmt: skip


def publish_artifacts(
    run_id: str,
    rows: list[dict],
    counts: Counter,
    elapsed: float,
    quarantine_sample: pa.Table,
    top_entities: list[dict],
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
        description=f"Run {run_id}: articles per stage, seconds per stage (the tagging stages: seconds of work in the "
        f"tagging workers, summed over workers), {rate:.1f} articles/s end to end.",
    )
    sample = [
        {name: preview(value, ARTIFACT_CELL_CHARS) for name, value in row.items()}
        for row in quarantine_sample.select(["stage", "record_key", "reason"]).to_pylist()
    ]
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


def publish_report_artifact(written: dict) -> None:
    """A markdown artifact linking to the HTML report just written (html_report.write's result), with its headline numbers."""
    path = Path(written["path"])
    rows = "\n".join(
        f"| {label} | {written[key] if written[key] is not None else '–'} |" for key, label in REPORT_HEADLINE.items()
    )
    create_markdown_artifact(
        key=REPORT_KEY,
        markdown=f"# newsetl report\n\n[{path.name}]({path.as_uri()}) ({written['bytes'] / 1e6:.1f} MB, opens from disk)\n\n"
        f"| what | |\n|---|---:|\n{rows}\n",
        description=f"The warehouse's HTML report: {path}",
    )
