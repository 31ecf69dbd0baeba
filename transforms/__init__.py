"""Pure transforms over Arrow tables, one module per step: extract (with `sources`), normalize,
dedupe, neardup, language, entities, dates, events.

What the steps share has a module of its own: the tables' Arrow schemas (`schemas`), the
stage names (`stages`), quarantine rows and the taggers' article-by-article loop
(`quarantine`), stable ids (`ids`); for tagging, natasha's models loaded once per process
(`models`), the batch's analysis (`analysis`), span repair (`spans`), the learned re-typing
of natasha's spans (`retagger`, its model `retagger.npz`), name resolution (`names`) and
the memo of span normal forms (`normal_forms`).

Nothing here imports Prefect or DuckDB (tests/test_layers.py checks it); each step is a
plain function whose docstring names the columns it reads and the columns it adds.
"""
