"""The warehouse: DuckDB schema as ordered migrations, the idempotent loader, the Parquet lake."""
