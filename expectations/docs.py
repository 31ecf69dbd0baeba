"""Great Expectations Data Docs: the HTML pages analysts read to see what each run checked.

A file-based GX context lives in `gx_dir` (beside the warehouse, see
`Settings.gx_dir`). Each batch's validation results are stored there under the
run's name and the batch number, the suites are saved as they ran, and the
pages of what changed are rebuilt incrementally.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime
from pathlib import Path

import great_expectations as gx
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)


@functools.cache
def _context(gx_dir: str):
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    Path(gx_dir).mkdir(parents=True, exist_ok=True)
    return gx.get_context(mode="file", project_root_dir=gx_dir)


def record(
    gx_dir: str | Path, run_name: str, batch_no: int, suites: list, results: list
) -> list[ValidationResultIdentifier]:
    """Store one batch's suites (as they ran) and results; return the results' identifiers."""
    context = _context(str(gx_dir))
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
    identifiers = []
    for suite, result in zip(suites, results, strict=True):
        context.suites.add_or_update(suite)
        identifier = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
            run_id=run_id,
            batch_identifier=f"batch-{batch_no:05d}",
        )
        context.validation_results_store.store_validation_results(result, identifier)
        identifiers.append(identifier)
    return identifiers


def build(gx_dir: str | Path, identifiers: list) -> str:
    """Render the given results, their suites and the index page; return the index's file URL."""
    context = _context(str(gx_dir))
    suite_names = sorted({i.expectation_suite_identifier.name for i in identifiers})
    sites = context.build_data_docs(
        resource_identifiers=[*identifiers, *(ExpectationSuiteIdentifier(name=name) for name in suite_names)]
    )
    return next(iter(sites.values()))
