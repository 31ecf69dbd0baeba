"""Read-only SQL over the warehouse, for `newsetl sql` and anything else that only reads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.db import connect

# Statement kinds that cannot change the warehouse (DESCRIBE, SHOW and SUMMARIZE parse as SELECT).
READ_ONLY_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class WriteRefused(ValueError):
    """The query would change the warehouse, or is not a single statement."""


def check_read_only(query: str) -> None:
    """Raise WriteRefused unless `query` is exactly one read-only statement."""
    statements = duckdb.connect(":memory:").extract_statements(query)
    if len(statements) != 1:
        raise WriteRefused(f"one statement at a time, please (got {len(statements)})")
    kind = statements[0].type
    if kind not in READ_ONLY_STATEMENTS:
        raise WriteRefused(
            f"refused: {kind.name} statements change the warehouse; `newsetl sql` only reads (use SELECT)"
        )


def run_query(db_path: str | Path, query: str) -> pa.Table:
    """Run one read-only statement on a read-only connection and return its result."""
    check_read_only(query)
    con = connect(db_path, read_only=True)
    try:
        return con.sql(query).to_arrow_table()
    finally:
        con.close()
