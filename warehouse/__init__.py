"""The warehouse: DuckDB schema as ordered migrations, the idempotent loader, the Parquet lake.

For analysts, `connect` opens it to read, with its views (docs/analysts.md):

    from warehouse import connect
    con = connect("data/news.duckdb")
    con.sql("SELECT * FROM entity_daily ORDER BY mentions DESC LIMIT 10").df()   # pandas; .pl() for Polars
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def connect(db_path: str | Path, *, wait_seconds: float = 60.0) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the warehouse: its tables and views, timestamps in UTC.

    Nothing it runs can change the warehouse. While a run writes (it holds the file only for each batch's
    load), opening waits up to `wait_seconds`; hold it briefly, as a run waits for it too. Raises
    FileNotFoundError when there is no warehouse at `db_path`.
    """
    from warehouse.db import connect as open_warehouse

    return open_warehouse(db_path, read_only=True, wait_seconds=wait_seconds)
