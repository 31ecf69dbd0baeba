"""Suite for the `articles` table: keys, text, dates and language of each row."""

from datetime import UTC, datetime, timedelta

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.suite import ROW, Batch, key_expectations
from transforms.limits import DEFAULT_LIMITS

TABLE = "articles"
KEY_COLUMNS = ("article_id",)
# ISO 639-1 codes of the languages the sources publish in, and `unknown` when detection gives up.
LANGUAGES = ["ru", "uk", "be", "en", "de", "fr", "es", "it", "pt", "pl", "kk", "unknown"]
MIN_TEXT_CHARS = 1
MAX_TEXT_CHARS = DEFAULT_LIMITS.max_article_chars  # the most a run lets through (LoadSettings.max_article_chars)
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)


def build_suite(batch: Batch) -> gx.ExpectationSuite:
    """`batch.now` bounds publication dates: nothing is published more than a day ahead."""
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            *key_expectations(KEY_COLUMNS[0]),
            gxe.ExpectColumnValuesToNotBeNull(column="source", severity=ROW),
            gxe.ExpectColumnValuesToNotBeNull(column="text", severity=ROW),
            gxe.ExpectColumnValueLengthsToBeBetween(
                column="text", min_value=MIN_TEXT_CHARS, max_value=MAX_TEXT_CHARS, severity=ROW
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="content_hash", severity=ROW),
            gxe.ExpectColumnValuesToBeInSet(column="language", value_set=LANGUAGES, severity=ROW),
            gxe.ExpectColumnValuesToBeBetween(
                column="published_at",
                min_value=EARLIEST_PUBLISHED,
                max_value=batch.now + timedelta(days=1),
                severity=ROW,
            ),
        ],
    )
