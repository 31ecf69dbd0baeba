"""Suite for the `mentions` table: keys, offsets and entity types of each row."""

from datetime import datetime

import great_expectations as gx
import great_expectations.expectations as gxe

TABLE = "mentions"
KEY_COLUMNS = ("article_id", "start", "stop")
ENTITY_TYPES = ["PER", "LOC", "ORG"]


def build_suite(now: datetime) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="article_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="entity_id"),
            gxe.ExpectColumnValuesToBeBetween(column="start", min_value=0),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="stop", column_B="start"),
            gxe.ExpectColumnValuesToBeInSet(column="type", value_set=ENTITY_TYPES),
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1),
            gxe.ExpectColumnValueLengthsToBeBetween(column="normal", min_value=1),
        ],
    )
