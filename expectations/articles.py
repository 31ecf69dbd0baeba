"""Suite for the `articles` table: keys, text, dates and language of each row."""

from datetime import UTC, datetime, timedelta

import great_expectations as gx
import great_expectations.expectations as gxe

TABLE = "articles"
KEY_COLUMNS = ("article_id",)
LANGUAGES = ["ru", "uk", "be", "en", "de", "fr", "es", "it", "pt", "pl", "kk", "unknown"]
MIN_TEXT_CHARS = 1
MAX_TEXT_CHARS = 1_000_000
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)


def build_suite(now: datetime) -> gx.ExpectationSuite:
    """`now` bounds publication dates: nothing is published more than a day ahead."""
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="article_id"),
            gxe.ExpectColumnValuesToBeUnique(column="article_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="source"),
            gxe.ExpectColumnValuesToNotBeNull(column="text"),
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=MIN_TEXT_CHARS, max_value=MAX_TEXT_CHARS),
            gxe.ExpectColumnValuesToNotBeNull(column="content_hash"),
            gxe.ExpectColumnValuesToBeInSet(column="language", value_set=LANGUAGES),
            gxe.ExpectColumnValuesToBeBetween(
                column="published_at", min_value=EARLIEST_PUBLISHED, max_value=now + timedelta(days=1)
            ),
        ],
    )
