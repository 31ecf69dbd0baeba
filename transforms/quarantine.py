"""Quarantine rows: records that failed a step, kept whole so they can be replayed.

Every step that rejects a record returns rows of QUARANTINE_SCHEMA; the loader
adds the run id and stores them in the `quarantine` table.
"""

import pyarrow as pa

from transforms.ids import stable_id
from transforms.schemas import QUARANTINE_SCHEMA
from transforms.stages import Stage


def quarantine_row(stage: str, source: str, record_key: str, reason: str, payload: str | None) -> dict:
    """One quarantine row; its id is stable so the same failure is stored once."""
    payload = payload or ""
    return {
        "quarantine_id": stable_id(stage, source, record_key, payload),
        "stage": stage,
        "source": source,
        "record_key": record_key,
        "reason": reason,
        "payload": payload,
    }


def quarantine_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA)


# Stage names quarantine rows had before the stages were named as the tasks are (warehouse migration 010).
RENAMED_STAGES = {"tag": Stage.TAG_ENTITIES, "events": Stage.TAG_EVENTS}


def with_current_stage_names(quarantine: pa.Table) -> pa.Table:
    """Rows written under a stage's old name (RENAMED_STAGES), renamed, with the id the new name gives them."""
    stages = quarantine.column("stage").to_pylist()
    if not any(stage in RENAMED_STAGES for stage in stages):
        return quarantine
    rows = quarantine.to_pylist()
    for row in rows:
        if row["stage"] in RENAMED_STAGES:
            row["stage"] = str(RENAMED_STAGES[row["stage"]])
            row["quarantine_id"] = quarantine_row(row["stage"], row["source"], row["record_key"], "", row["payload"])["quarantine_id"]
    return pa.Table.from_pylist(rows, schema=quarantine.schema)
