"""Read-only SQL over the warehouse, for `newsetl sql` and anything else that only reads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.db import connect
from warehouse.lake import register_lake
from warehouse.statements import statements

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


def run_query(db_path: str | Path, query: str, lake_root: str | None = None) -> pa.Table:
    """Run one read-only statement on a read-only connection and return its result.

    With `lake_root` on object storage (`s3://...`), the statement can also read the lake's files by
    their URLs, e.g. `read_parquet('s3://bucket/lake/articles/**/[!.]*.parquet', hive_partitioning = true)`.
    """
    check_read_only(query)
    con = connect(db_path, read_only=True)
    try:
        if lake_root is not None:
            register_lake(con, lake_root)
        return con.sql(query).to_arrow_table()
    finally:
        con.close()


def read_named(
    db_path: str | Path, concern: str, queries: dict[str, dict], optional: frozenset[str] = frozenset()
) -> dict[str, pa.Table | None]:
    """Run the named statements {name: params} of `warehouse/sql/<concern>.sql` on one read-only connection.

    An `optional` query over a table the warehouse does not have (yet), or
    whose columns differ, gives None: a reader shows what exists (e.g. events
    only once the events stage is there).
    """
    con = connect(db_path, read_only=True)
    try:
        results = {}
        for name, params in queries.items():
            try:
                results[name] = con.sql(statements(concern)[name], params=params).to_arrow_table()
            except (duckdb.CatalogException, duckdb.BinderException):
                if name not in optional:
                    raise
                results[name] = None
        return results
    finally:
        con.close()
