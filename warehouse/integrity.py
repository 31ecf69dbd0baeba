"""The warehouse's integrity: every reference resolves, every run's counts add up, the lake lists what DuckDB holds.

The checks are the statements of `sql/integrity.sql`. A batch's load runs the
checks of an article's rows (ROW_CHECKS) over the batch, in its transaction,
and does not commit a batch that breaks one (`IntegrityViolated`); a run ends
with the checks that concern the whole warehouse (WAREHOUSE_CHECKS); `newsetl
check` runs them all, over every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse import lake
from warehouse.statements import rows, statements

INTEGRITY = "integrity"
# Checks of the rows that point into an article (its mentions, dates, events, signature, near-copy anchor, story).
ROW_CHECKS = (
    "near_copies_point_at_loaded_originals",
    "mentions_point_into_their_article",
    "mentions_name_entities",
    "date_mentions_point_into_their_article",
    "events_point_into_their_article",
    "event_places_are_entities",
    "event_participants_resolve",
    "signatures_are_of_articles",
    "articles_are_in_one_story",
    "story_articles_resolve",
    "stories_count_their_articles",
    "near_copies_share_their_originals_story",
)
# Checks over the whole warehouse, cheap at any size: links across the corpus, event groups, runs and batches.
WAREHOUSE_CHECKS = (
    "entity_links_resolve",
    "entity_retypes_resolve",
    "event_groups_resolve",
    "rows_belong_to_runs",
    "run_counts_add_up",
)
LAKE_CHECK = "lake_manifest_lists_the_warehouse_batches"


@dataclass(frozen=True)
class Check:
    """One check's outcome: how many rows break it, and up to five of their keys."""

    name: str
    violations: int
    examples: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.violations == 0

    def line(self) -> str:
        """`name: ok` or `name: 3 violations, e.g. a1, a2`."""
        if self.passed:
            return f"{self.name}: ok"
        return f"{self.name}: {self.violations} violation{'s' if self.violations != 1 else ''}, e.g. {', '.join(self.examples)}"


class IntegrityViolated(RuntimeError):
    """Rows break checks of the warehouse's integrity; the message says what followed, then each check."""

    def __init__(self, failed: list[Check], consequence: str):
        super().__init__(f"{consequence}: " + "; ".join(check.line() for check in failed))
        self.failed = failed


def _run(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> list[Check]:
    checks = statements(INTEGRITY)
    found = []
    for name in names:
        (row,) = rows(con.execute(checks[name]))
        found.append(Check(name, int(row["violations"]), tuple(row["examples"] or ())))
    return found


def check_batch(con: duckdb.DuckDBPyConnection) -> None:
    """Raise IntegrityViolated unless the rows of the batch registered as batch_* resolve (call inside its load)."""
    con.execute(statements(INTEGRITY)["scope_batch"])
    failed = [check for check in _run(con, ROW_CHECKS) if not check.passed]
    if failed:
        raise IntegrityViolated(failed, "the batch would leave references dangling, nothing of it was loaded")


def check_runs(con: duckdb.DuckDBPyConnection) -> list[Check]:
    """The checks that concern the whole warehouse and cost little at any size (what a run ends with)."""
    return _run(con, WAREHOUSE_CHECKS)


def check_warehouse(con: duckdb.DuckDBPyConnection, lake_root: str | None = None) -> list[Check]:
    """Every check over every row, and with `lake_root`, the lake's manifest against the warehouse's batches."""
    con.execute(statements(INTEGRITY)["scope_warehouse"])
    found = _run(con, ROW_CHECKS + WAREHOUSE_CHECKS)
    if lake_root is not None:
        found.append(check_lake(con, lake_root))
    return found


def check_lake(con: duckdb.DuckDBPyConnection, lake_root: str) -> Check:
    """The lake's manifest lists exactly the batches the warehouse committed (either way round)."""
    committed = {row["batch_key"] for row in rows(con.execute(statements("runs")["batch_keys"]))}
    listed = lake.manifest_keys(lake_root)
    differ = sorted(committed ^ listed)
    examples = tuple(
        f"{key} ({'not in the lake' if key in committed else 'not in the warehouse'})" for key in differ[:5]
    )
    return Check(LAKE_CHECK, len(differ), examples)
