"""Run a table's suite over a batch and split it into passing and quarantined rows.

`validate(table_name, table, now)` returns (passed, quarantined, report):
- passed: the rows that met every expectation (same schema as `table`);
- quarantined: QUARANTINE_SCHEMA rows (stage `validate`), one per failing row,
  whose reason names the failed expectations and the offending values;
- report: one dict per expectation (suite, expectation, column, success,
  unexpected_count) for logs and artifacts.
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import datetime

import great_expectations as gx
import pyarrow as pa

from expectations import articles, date_mentions, mentions
from transforms.quarantine import quarantine_row, quarantine_table

STAGE = "validate"
SUITES = {module.TABLE: module for module in (articles, mentions, date_mentions)}
# Columns carried in flight that validation never looks at; left out of the pandas copy.
NOT_VALIDATED = ("payload", "raw_text")


@functools.cache
def _context():
    # GX logs where it puts its temporary docs and draws progress bars; a pipeline run wants neither.
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    return context


@functools.cache
def _batch_definition(table_name: str):
    source = _context().data_sources.add_pandas(f"newsetl_{table_name}")
    return source.add_dataframe_asset(table_name).add_batch_definition_whole_dataframe("batch")


def _columns(config) -> list[str]:
    kwargs = config.kwargs
    if kwargs.get("column"):
        return [kwargs["column"]]
    return [v for k, v in sorted(kwargs.items()) if k.startswith("column_")]


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def validate(table_name: str, table: pa.Table, now: datetime) -> tuple[pa.Table, pa.Table, list[dict]]:
    suite_module = SUITES[table_name]
    if table.num_rows == 0:
        return table, quarantine_table([]), []
    frame = table.drop_columns([c for c in NOT_VALIDATED if c in table.column_names]).to_pandas()
    batch = _batch_definition(table_name).get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite_module.build_suite(now), result_format={"result_format": "COMPLETE"})

    failures: dict[int, list[tuple[str, list[str]]]] = {}
    report = []
    for expectation_result in result.results:
        config = expectation_result.expectation_config
        columns = _columns(config)
        name = f"{config.type}({','.join(columns)})"
        details = expectation_result.result or {}
        report.append(
            {
                "suite": table_name,
                "expectation": name,
                "success": bool(expectation_result.success),
                "unexpected_count": int(details.get("unexpected_count") or 0),
            }
        )
        if expectation_result.exception_info and expectation_result.exception_info.get("raised_exception"):
            raise RuntimeError(f"expectation {name} could not run: {expectation_result.exception_info}")
        for index in details.get("unexpected_index_list") or []:
            row = index if isinstance(index, int) else index.get("index")
            failures.setdefault(int(row), []).append((name, columns))

    keep = [i not in failures for i in range(table.num_rows)]
    passed = table.filter(pa.array(keep, type=pa.bool_()))
    rejected = []
    for row_index, failed in sorted(failures.items()):
        row = table.slice(row_index, 1).to_pylist()[0]
        record_key = row.get("record_key") or "/".join(str(row[c]) for c in suite_module.KEY_COLUMNS)
        names = ", ".join(name for name, _ in failed)
        values = {c: _jsonable(row.get(c)) for _, columns in failed for c in columns}
        reason = f"{table_name} {record_key}: failed {names}; values {json.dumps(values, ensure_ascii=False)}"
        payload = row.get("payload") or json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False)
        rejected.append(quarantine_row(STAGE, row.get("source") or table_name, record_key, reason, payload))
    return passed, quarantine_table(rejected), report
