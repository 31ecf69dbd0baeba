"""Pure transforms over Arrow tables: extract, normalize, dedupe, entities.

Nothing here imports Prefect or DuckDB; each step is a plain function whose
docstring names the columns it reads and the columns it adds.
"""
