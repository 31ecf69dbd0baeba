"""A batch as it is loaded: its rows, one table each, and the key its rows carry.

The same `BatchTables` goes to the lake (warehouse/lake.py) and to DuckDB
(warehouse/db.py); a rebuild reads it back from the lake. Its fields are named
as the warehouse's tables and the lake's directories.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime

import pyarrow as pa

from transforms.schemas import (
    ARTICLE_BATCH_SCHEMA,
    ARTICLE_SIGNATURES_SCHEMA,
    DATE_MENTIONS_SCHEMA,
    ENTITIES_SCHEMA,
    EVENT_PARTICIPANTS_SCHEMA,
    EVENTS_SCHEMA,
    MENTIONS_SCHEMA,
    QUARANTINE_SCHEMA,
)

REPLAYED_QUARANTINE_SCHEMA = pa.schema([("quarantine_id", pa.string())])


@dataclass(frozen=True)
class Batch:
    """One batch as loaded: its rows in every table carry `key`, which sorts in load order."""

    run_id: str
    batch_no: int
    loaded_at: datetime
    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def now(cls, run_id: str, batch_no: int, counts: Mapping[str, int]) -> Batch:
        return cls(run_id, batch_no, datetime.now(UTC), {k: int(v) for k, v in counts.items()})

    @classmethod
    def from_row(cls, row: Mapping) -> Batch:
        """The batch of a `batches` row (or a row of the lake's manifest)."""
        return cls(row["run_id"], row["batch_no"], row["loaded_at"], json.loads(row["counts"]))

    @property
    def key(self) -> str:
        return f"{self.loaded_at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{self.run_id}-{self.batch_no:05d}"

    def row(self) -> dict:
        """The batch's row in the `batches` table (and the lake's `batches/` manifest)."""
        return {
            "batch_key": self.key,
            "run_id": self.run_id,
            "batch_no": self.batch_no,
            "loaded_at": self.loaded_at,
            "counts": json.dumps(dict(self.counts), sort_keys=True),
        }

    def stamp(self, quarantine: pa.Table) -> pa.Table:
        """Quarantine rows with their `quarantined_at` (the load time) unless they have it already."""
        if "quarantined_at" in quarantine.column_names:
            return quarantine
        column = pa.array([self.loaded_at] * quarantine.num_rows, type=pa.timestamp("us", tz="UTC"))
        return quarantine.append_column("quarantined_at", column)


@dataclass(frozen=True)
class BatchTables:
    """Every row a batch loads, in the order the loader takes the tables.

    Child rows (mentions, date mentions, signatures, events) are of the
    batch's loaded articles; entities are those its mentions name; quarantine
    holds what the batch's stages rejected.
    """

    articles: pa.Table
    mentions: pa.Table
    entities: pa.Table
    quarantine: pa.Table
    date_mentions: pa.Table
    article_signatures: pa.Table
    events: pa.Table
    event_participants: pa.Table
    # Not a table of the warehouse: the quarantine rows a replay's batch takes out (their quarantine_id),
    # kept with the batch so that a rebuild takes them out too.
    replayed_quarantine: pa.Table

    @classmethod
    def of(cls, **tables: pa.Table) -> BatchTables:
        """The given tables, and empty ones for the rest."""
        unknown = set(tables) - set(EMPTY)
        if unknown:
            raise TypeError(f"not a table of a batch: {', '.join(sorted(unknown))}")
        return cls(**{name: tables.get(name, schema.empty_table()) for name, schema in EMPTY.items()})

    def items(self) -> Iterator[tuple[str, pa.Table]]:
        return ((f.name, getattr(self, f.name)) for f in fields(self))


# What a table with no rows looks like, per table of a batch (articles as in flight, with their raw text).
EMPTY = {
    "articles": ARTICLE_BATCH_SCHEMA,
    "mentions": MENTIONS_SCHEMA,
    "entities": ENTITIES_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
    "date_mentions": DATE_MENTIONS_SCHEMA,
    "article_signatures": ARTICLE_SIGNATURES_SCHEMA,
    "events": EVENTS_SCHEMA,
    "event_participants": EVENT_PARTICIPANTS_SCHEMA,
    "replayed_quarantine": REPLAYED_QUARANTINE_SCHEMA,
}
BATCH_TABLES = tuple(f.name for f in fields(BatchTables))
