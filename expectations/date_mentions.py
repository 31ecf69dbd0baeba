"""Suite for the `date_mentions` table: keys, offsets, resolved values and precisions of each row."""

from datetime import date

import great_expectations as gx
import great_expectations.expectations as gxe
import pyarrow as pa
import pyarrow.compute as pc

from expectations.suite import BATCH, ROW, Batch
from transforms.dates import DURATION, PRECISIONS

TABLE = "date_mentions"
KEY_COLUMNS = ("article_id", "start", "stop", "value")
PARENTS = {"article_id": "articles"}
# Texts name dates far from their publication («в 1945 году»), but not before writing or far ahead.
EARLIEST_VALUE = date(1000, 1, 1)
YEARS_AHEAD = 100


def frame(batch: Batch) -> pa.Table:
    """The batch's date mentions plus `valued`: whether a row has the value its precision needs (a duration has none)."""
    table = batch.tables[TABLE]
    is_duration = pc.fill_null(pc.equal(table.column("precision"), DURATION), False)
    has_value = pc.is_valid(table.column("value"))
    return table.append_column("valued", pc.not_equal(has_value, is_duration))


def build_suite(batch: Batch) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="article_id", severity=BATCH),
            gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0, severity=ROW),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="stop", column_B="start", severity=ROW),
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1, severity=ROW),
            gxe.ExpectColumnValuesToBeInSet(column="valued", value_set=[True], severity=ROW),
            gxe.ExpectColumnValuesToBeBetween(
                column="value",
                min_value=EARLIEST_VALUE,
                max_value=date(batch.now.year + YEARS_AHEAD, 12, 31),
                severity=ROW,
            ),
            gxe.ExpectColumnValuesToBeInSet(column="precision", value_set=list(PRECISIONS), severity=ROW),
        ],
    )
