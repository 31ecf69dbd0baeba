"""Quarantine rows: records that failed a step, kept whole so they can be replayed.

Every step that rejects a record returns rows of QUARANTINE_SCHEMA; the loader
adds the run id and stores them in the `quarantine` table. The taggers run
over a batch article by article through `tag_each_article`: one article that
breaks a tagger goes to quarantine, and the rest of its batch goes on.
"""

import re
from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from transforms.ids import stable_id
from transforms.schemas import QUARANTINE_SCHEMA
from transforms.stages import Stage

# A reason names the record and what failed; it never holds the record (the payload does), so a value
# it quotes is cut: a record can be a gigabyte, and reasons are listed, logged and shown in the Prefect UI.
REASON_CHARS = 1_000


def preview(text: str, limit: int, length: int | None = None) -> str:
    """`text` if it has at most `limit` characters, else its start and how long it is, `limit` characters
    in all: 'Совет обсудил… (1,073,741,824 characters)'. `length`: the whole text's, when `text` is only
    its start. A preview is its own preview (for limits longer than the marker).
    """
    length = len(text) if length is None else length
    if length <= limit and len(text) <= limit:
        return text
    marker = f"… ({length:,} characters)"
    return text[: max(limit - len(marker), 0)] + marker


def quarantine_row(stage: str, source: str, record_key: str, reason: str, payload: str | None) -> dict:
    """One quarantine row; its id is stable so the same failure is stored once. The reason is cut to REASON_CHARS."""
    payload = payload or ""
    return {
        "quarantine_id": stable_id(stage, source, record_key, payload),
        "stage": stage,
        "source": source,
        "record_key": record_key,
        "reason": preview(reason, REASON_CHARS),
        "payload": payload,
    }


# The payload kept of a record that cannot be replayed as it is (over a limit, or unreadable at extract).
PAYLOAD_PREFIX_CHARS = 10_000
TRUNCATION_NOTE = re.compile(r"\n\[newsetl: payload truncated: its first [\d,]+ characters kept, of [^\]\n]+\]\Z")


def bounded_payload(payload: str | None, whole: str | None = None) -> str | None:
    """`payload`, or its first PAYLOAD_PREFIX_CHARS characters and a note saying so when it is longer.

    For records that are not replayed from their payload: what was over a limit,
    and what extract could not read (its input stays where it was; read it again with --full).
    `whole` says how big the whole record was, when `payload` is already only its start.
    """
    if payload is None or (len(payload) <= PAYLOAD_PREFIX_CHARS and whole is None) or is_truncated(payload):
        return payload
    whole = whole or f"{len(payload):,} characters"
    return (
        f"{payload[:PAYLOAD_PREFIX_CHARS]}\n"
        f"[newsetl: payload truncated: its first {min(len(payload), PAYLOAD_PREFIX_CHARS):,} characters kept, of {whole}]"
    )


def is_truncated(payload: str | None) -> bool:
    """Whether `payload` was cut by `bounded_payload` (such a record cannot be replayed)."""
    return payload is not None and TRUNCATION_NOTE.search(payload[-200:]) is not None


def quarantine_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA)


Tagged = TypeVar("Tagged")


def tag_each_article(
    articles: pa.Table,
    tag: Callable[[dict], Tagged],
    *,
    stage: Stage,
    tagger_name: str,
    languages: Collection[str],
    failures: Mapping[str, Exception],
) -> tuple[dict[str, Tagged], pa.Table, pa.Table]:
    """Call `tag` on each article in one of `languages`; quarantine the articles it raises on.

    Reads `article_id`, `text`, `language`, `source`, `record_key` and
    `payload`: `tag` is given an article's row as a dict. An article in
    `failures` (a step over the whole batch failed on it) is quarantined with
    that exception, as if `tag` had raised it. Returns (what `tag` returned,
    by article_id; quarantine rows of `stage`, their reason «{record_key}:
    {tagger_name} failed ({exception})»; the articles minus those quarantined,
    articles in other languages included, untagged).
    """
    results: dict[str, Tagged] = {}
    rejected: list[dict] = []
    keep: list[bool] = []
    for article in articles.select(["article_id", "text", "language", "source", "record_key", "payload"]).to_pylist():
        if article["language"] not in languages:
            keep.append(True)
            continue
        try:
            if article["article_id"] in failures:
                raise failures[article["article_id"]]
            results[article["article_id"]] = tag(article)
        except Exception as exc:  # one article that breaks a tagger must not take its batch down
            key = article["record_key"]
            reason = f"{key}: {tagger_name} failed ({type(exc).__name__}: {exc})"
            rejected.append(quarantine_row(stage, article["source"], key, reason, article["payload"]))
            keep.append(False)
            continue
        keep.append(True)
    tagged = articles.filter(pa.array(keep, type=pa.bool_())) if articles.num_rows else articles
    return results, quarantine_table(rejected), tagged


# Stage names quarantine rows had before the stages were named as the tasks are (warehouse migration 010).
RENAMED_STAGES = {"tag": Stage.TAG_ENTITIES, "events": Stage.TAG_EVENTS}


def with_cut_reasons(quarantine: pa.Table) -> pa.Table:
    """Rows whose reason an older version wrote longer than REASON_CHARS, cut as `quarantine_row` cuts
    them (a lake's rows; warehouse migration 016 cuts the stored ones the same way)."""
    reasons = quarantine.column("reason")
    if quarantine.num_rows == 0 or (pc.max(pc.utf8_length(reasons)).as_py() or 0) <= REASON_CHARS:
        return quarantine
    cut = pa.array([None if r is None else preview(r, REASON_CHARS) for r in reasons.to_pylist()], pa.string())
    return quarantine.set_column(quarantine.schema.get_field_index("reason"), "reason", cut)


def with_current_stage_names(quarantine: pa.Table) -> pa.Table:
    """Rows written under a stage's old name (RENAMED_STAGES), renamed, with the id the new name gives them."""
    stages = quarantine.column("stage").to_pylist()
    if not any(stage in RENAMED_STAGES for stage in stages):
        return quarantine
    rows = quarantine.to_pylist()
    for row in rows:
        if row["stage"] in RENAMED_STAGES:
            row["stage"] = str(RENAMED_STAGES[row["stage"]])
            row["quarantine_id"] = quarantine_row(row["stage"], row["source"], row["record_key"], "", row["payload"])[
                "quarantine_id"
            ]
    return pa.Table.from_pylist(rows, schema=quarantine.schema)
