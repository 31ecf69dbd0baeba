"""Suite for the `entities` table: one row per entity id, a known type and a name."""

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.suite import ROW, Batch, key_expectations
from transforms.schemas import ENTITY_KINDS

TABLE = "entities"
KEY_COLUMNS = ("entity_id",)
MAX_NAME_CHARS = 300  # a longer "name" is a tagger span run wild over a paragraph


def build_suite(batch: Batch) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            *key_expectations(KEY_COLUMNS[0]),
            gxe.ExpectColumnValuesToBeInSet(column="type", value_set=list(ENTITY_KINDS), severity=ROW),
            gxe.ExpectColumnValueLengthsToBeBetween(column="name", min_value=1, max_value=MAX_NAME_CHARS, severity=ROW),
        ],
    )
