"""Run every table's suite over a batch; split bad rows off, stop on broken invariants.

`validate_batch(tables, now)` validates the batch's tables in SUITE_MODULES
order (parents before children) and returns a `Validated`:
- tables: the rows that met every row-level expectation, per table;
- rejected: QUARANTINE_SCHEMA rows (stage `validate`) per table, one per failing
  row, whose reason names the failed expectations and the offending values;
- report: one dict per expectation (suite, expectation, severity, success,
  unexpected_count) for logs and the Prefect artifact;
- suites, results: the suites as they ran and Great Expectations' own results, for Data Docs
  (a suite that passed has BASIC results, one that failed COMPLETE ones, see `_validate_suite`);
- batch_failures: one line per failed batch-level expectation.
`raise_for_batch_failures()` raises BatchInvalid when there is any: the caller
must then load nothing of the batch.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

import great_expectations as gx
import pyarrow as pa
import pyarrow.compute as pc

from expectations import articles, date_mentions, entities, mentions
from expectations.suite import BATCH, Batch
from transforms.quarantine import preview, quarantine_row, quarantine_table
from transforms.stages import Stage

# Parents before children: a child's suite sees its parents' passing rows only.
SUITE_MODULES = (articles, date_mentions, entities, mentions)
# Columns carried in flight that validation never looks at; left out of the payload built for a
# quarantined row that has none of its own. (The pandas copy holds only the columns a suite names.)
NOT_VALIDATED = ("payload", "raw_text")
EXAMPLES_IN_MESSAGE = 3
# Characters of an offending value a reason or message quotes (a text over the suite's maximum is megabytes).
VALUE_CHARS = 200
# Most suites pass, and of a passing suite we keep only each expectation's success and
# unexpected_count (the report) and its Data Docs page. BASIC has both (its pages render the same
# as COMPLETE's when nothing failed) and skips the metrics COMPLETE adds, every unexpected value
# and row index: over a quarter of the validation's CPU. A suite that failed runs again with
# COMPLETE, and that result alone feeds the report, quarantine and batch failures, as before.
FIRST_PASS = {"result_format": "BASIC"}
ON_FAILURE = {"result_format": "COMPLETE"}


class BatchInvalid(RuntimeError):
    """A batch broke an invariant (duplicate keys, a silent tagger): nothing of it may load."""


@dataclass
class Validated:
    tables: dict[str, pa.Table] = field(default_factory=dict)
    rejected: dict[str, pa.Table] = field(default_factory=dict)
    report: list[dict] = field(default_factory=list)
    suites: list = field(default_factory=list)
    results: list = field(default_factory=list)
    batch_failures: list[str] = field(default_factory=list)

    def raise_for_batch_failures(self) -> None:
        if self.batch_failures:
            raise BatchInvalid("batch failed validation, nothing of it was loaded: " + "; ".join(self.batch_failures))


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
    if kwargs.get("column_list"):
        return list(kwargs["column_list"])
    return [v for k, v in sorted(kwargs.items()) if k.startswith("column_")]


def expectation_name(config) -> str:
    """`expect_..(columns)`: how reports, reasons and tests name an expectation."""
    return f"{config.type}({','.join(_columns(config))})"


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _quoted(value):
    """A value as a reason or message quotes it: JSON-able, a long string cut to VALUE_CHARS."""
    value = _jsonable(value)
    return preview(value, VALUE_CHARS) if isinstance(value, str) else value


def _checked_columns(suite: gx.ExpectationSuite, table: pa.Table) -> pa.Table:
    """The columns of `table` that the suite's expectations name, in table order.

    Great Expectations fingerprints the whole frame (twice per validation) and copies it
    when it picks a column's rows; columns no expectation reads only add to that work.
    A column the suite names but the table lacks is left for Great Expectations to report.
    """
    named = {column for expectation in suite.expectations for column in _columns(expectation.configuration)}
    return table.select([c for c in table.column_names if c in named])


def _validate_suite(table_name: str, frame, suite: gx.ExpectationSuite):
    """Great Expectations' result of `suite` over `frame`: BASIC if every expectation passed, else COMPLETE.

    Success and unexpected_count do not depend on the result format, so a suite that passes
    with BASIC would pass with COMPLETE with the same (zero) counts. A failed suite runs again
    with COMPLETE, and that result, with the row indexes quarantine needs, is the one returned.
    """
    gx_batch = _batch_definition(table_name).get_batch(batch_parameters={"dataframe": frame})
    result = gx_batch.validate(suite, result_format=FIRST_PASS)
    if not result.success:
        result = gx_batch.validate(suite, result_format=ON_FAILURE)
    return result


def _batch_failure(table_name: str, name: str, details: dict) -> str:
    if "observed_value" in details and "unexpected_count" not in details:
        return f"{table_name}: {name} failed (observed {details['observed_value']})"
    examples = [_quoted(v) for v in (details.get("partial_unexpected_list") or [])[:EXAMPLES_IN_MESSAGE]]
    return f"{table_name}: {name} failed for {details.get('unexpected_count', 0)} rows, e.g. {examples}"


def _drop_children_of_rejected(module, batch_tables: dict, rejected_keys: dict) -> pa.Table:
    table = batch_tables[module.TABLE]
    for column, parent in getattr(module, "PARENTS", {}).items():
        gone = rejected_keys.get(parent)
        if gone:
            table = table.filter(pc.invert(pc.is_in(table.column(column), value_set=pa.array(sorted(gone)))))
    return table


def _quarantine_rows(module, table: pa.Table, failures: dict[int, list[tuple[str, list[str]]]]) -> list[dict]:
    rows = []
    for row_index, failed in sorted(failures.items()):
        row = table.slice(row_index, 1).to_pylist()[0]
        record_key = row.get("record_key") or "/".join(str(row[c]) for c in module.KEY_COLUMNS)
        names = ", ".join(name for name, _ in failed)
        values = {c: _quoted(row.get(c)) for _, columns in failed for c in columns}
        reason = f"{module.TABLE} {record_key}: failed {names}; values {json.dumps(values, ensure_ascii=False)}"
        payload = row.get("payload") or json.dumps(
            {k: _jsonable(v) for k, v in row.items() if k not in NOT_VALIDATED}, ensure_ascii=False
        )
        rows.append(quarantine_row(Stage.VALIDATE, row.get("source") or module.TABLE, record_key, reason, payload))
    return rows


def validate_batch(tables: dict[str, pa.Table], now: datetime) -> Validated:
    """Validate every table of the batch that has a suite (see the module docstring)."""
    validated = Validated(tables=dict(tables))
    rejected_keys: dict[str, set] = {}
    for module in SUITE_MODULES:
        if module.TABLE not in tables:
            continue
        table = _drop_children_of_rejected(module, validated.tables, rejected_keys)
        validated.tables[module.TABLE] = table
        batch = Batch(tables=validated.tables, now=now)
        checked = module.frame(batch) if hasattr(module, "frame") else table
        suite = module.build_suite(batch)
        result = _validate_suite(module.TABLE, _checked_columns(suite, checked).to_pandas(), suite)
        validated.suites.append(suite)
        validated.results.append(result)

        failures: dict[int, list[tuple[str, list[str]]]] = {}
        for expectation_result in result.results:
            config = expectation_result.expectation_config
            name = expectation_name(config)
            if expectation_result.exception_info and expectation_result.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"expectation {module.TABLE}.{name} could not run: {expectation_result.exception_info}"
                )
            details = expectation_result.result or {}
            severity = getattr(config.severity, "value", config.severity)
            validated.report.append(
                {
                    "suite": module.TABLE,
                    "expectation": name,
                    "severity": severity,
                    "success": bool(expectation_result.success),
                    "unexpected_count": int(details.get("unexpected_count") or 0),
                }
            )
            if expectation_result.success:
                continue
            if severity == BATCH:
                validated.batch_failures.append(_batch_failure(module.TABLE, name, details))
                continue
            for index in details.get("unexpected_index_list") or []:
                row = index if isinstance(index, int) else index.get("index")
                failures.setdefault(int(row), []).append((name, _columns(config)))

        keep = pa.array([i not in failures for i in range(table.num_rows)], type=pa.bool_())
        rejected_rows = table.filter(pc.invert(keep)) if table.num_rows else table
        rejected_keys[module.TABLE] = set(rejected_rows.column(module.KEY_COLUMNS[0]).to_pylist())
        validated.tables[module.TABLE] = table.filter(keep) if table.num_rows else table
        validated.rejected[module.TABLE] = quarantine_table(_quarantine_rows(module, checked, failures))
    return validated
