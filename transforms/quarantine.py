"""Quarantine rows: records that failed a step, kept whole so they can be replayed.

Every step that rejects a record returns rows of QUARANTINE_SCHEMA; the loader
adds the run id and stores them in the `quarantine` table.
"""

import pyarrow as pa

from transforms.ids import stable_id

QUARANTINE_SCHEMA = pa.schema(
    [
        ("quarantine_id", pa.string()),
        ("stage", pa.string()),
        ("source", pa.string()),
        ("record_key", pa.string()),
        ("reason", pa.string()),
        ("payload", pa.string()),
    ]
)


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
