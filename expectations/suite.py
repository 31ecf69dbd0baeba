"""What every suite module shares: the batch it sees and the two severities.

A suite module `expectations/<table>.py` defines:
- TABLE: the warehouse table it checks; KEY_COLUMNS: the columns that name a row;
- PARENTS (optional): {column: parent table}. Rows whose parent row was
  quarantined leave the batch with it (they come back when the parent is replayed);
- frame(batch) (optional): the table to validate, with derived columns that
  cross-table expectations need (the default is the table itself);
- build_suite(batch): the Great Expectations suite.

Each expectation says its severity: ROW (`warning`: the failing rows go to
quarantine and the run continues) or BATCH (`critical`: a broken invariant
that fails the run before anything of the batch is loaded).
Adding a table's suite = adding its module to `SUITE_MODULES` in validate.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import great_expectations.expectations as gxe
import pyarrow as pa

ROW = "warning"
BATCH = "critical"


def key_expectations(column: str) -> list:
    """The table's key column is present and unique in every row of the batch (a broken key fails the batch)."""
    return [
        gxe.ExpectColumnValuesToNotBeNull(column=column, severity=BATCH),
        gxe.ExpectColumnValuesToBeUnique(column=column, severity=BATCH),
    ]


@dataclass(frozen=True)
class Batch:
    """The batch's tables by name (parents already validated when a child runs) and the clock."""

    tables: dict[str, pa.Table]
    now: datetime
