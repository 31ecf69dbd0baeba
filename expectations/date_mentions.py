"""Suite for the `date_mentions` table: keys, offsets, resolved values and precisions of each row."""

from datetime import date

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.suite import BATCH, ROW, Batch
from transforms.dates import PRECISIONS

TABLE = "date_mentions"
KEY_COLUMNS = ("article_id", "start", "stop", "value")
PARENTS = {"article_id": "articles"}
# Texts name dates far from their publication («в 1945 году»), but not before writing or far ahead.
EARLIEST_VALUE = date(1000, 1, 1)
YEARS_AHEAD = 100


def build_suite(batch: Batch) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="article_id", severity=BATCH),
            gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0, severity=ROW),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="stop", column_B="start", severity=ROW),
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1, severity=ROW),
            gxe.ExpectColumnValuesToNotBeNull(column="value", severity=ROW),
            gxe.ExpectColumnValuesToBeBetween(
                column="value",
                min_value=EARLIEST_VALUE,
                max_value=date(batch.now.year + YEARS_AHEAD, 12, 31),
                severity=ROW,
            ),
            gxe.ExpectColumnValuesToBeInSet(column="precision", value_set=list(PRECISIONS), severity=ROW),
        ],
    )
