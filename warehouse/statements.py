"""How the warehouse's own SQL is run: its named statements, its transactions, the Arrow tables it reads.

The loader's statements are grouped by concern in `sql/<concern>.sql`, each after a `-- name: <name>` line
(docs/warehouse.md says why); `statements("load")["insert_mentions"]` is one of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

import duckdb
import pyarrow as pa

STATEMENT_NAME = re.compile(r"^-- name: (\w+)[ \t]*$", re.MULTILINE)


@functools.cache
def statements(concern: str) -> dict[str, str]:
    """The named statements of `sql/<concern>.sql`, in file order: {name: sql}."""
    text = resources.files("warehouse").joinpath("sql", f"{concern}.sql").read_text(encoding="utf-8")
    parts = STATEMENT_NAME.split(text)  # [preamble, name, sql, name, sql, ...]
    return {name: sql.strip() for name, sql in zip(parts[1::2], parts[2::2], strict=True)}


def rows(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows of an executed statement, as dicts."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's statements as one transaction: committed at its end, rolled back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Arrow tables visible to the block's statements under the given names."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)
