from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from expectations.validate import validate
from transforms.dates import DATE_MENTIONS_SCHEMA
from transforms.entities import MENTIONS_SCHEMA
from transforms.normalize import ARTICLE_BATCH_SCHEMA

NOW = datetime(2026, 1, 20, tzinfo=UTC)
GOOD_ARTICLE = {
    "article_id": "a1",
    "source": "files",
    "text": "Текст.",
    "content_hash": "h1",
    "language": "ru",
    "published_at": datetime(2026, 1, 14, tzinfo=UTC),
    "record_key": "a1.txt",
    "payload": "raw a1",
}
GOOD_MENTION = {"article_id": "a1", "start": 0, "stop": 5, "sentence": 0, "type": "PER", "text": "Путин", "normal": "Путин", "entity_id": "e1"}


def articles(*overrides):
    rows = [{**GOOD_ARTICLE, "article_id": f"a{i}", "record_key": f"a{i}.txt", **o} for i, o in enumerate(overrides)]
    return pa.Table.from_pylist(rows, schema=ARTICLE_BATCH_SCHEMA)


def mentions(*overrides):
    return pa.Table.from_pylist([{**GOOD_MENTION, **o} for o in overrides], schema=MENTIONS_SCHEMA)


def test_good_articles_pass():
    passed, rejected, report = validate("articles", articles({}, {"published_at": None}), NOW)
    assert passed.num_rows == 2 and rejected.num_rows == 0
    assert report and all(r["success"] for r in report)


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"text": ""}, "expect_column_value_lengths_to_be_between(text)"),
        ({"language": "xx"}, "expect_column_values_to_be_in_set(language)"),
        ({"published_at": datetime(1985, 5, 1, tzinfo=UTC)}, "expect_column_values_to_be_between(published_at)"),
        ({"published_at": datetime(2026, 1, 22, tzinfo=UTC)}, "expect_column_values_to_be_between(published_at)"),
        ({"content_hash": None}, "expect_column_values_to_not_be_null(content_hash)"),
        ({"source": None}, "expect_column_values_to_not_be_null(source)"),
    ],
)
def test_bad_article_row_is_quarantined_with_the_expectation(override, expectation):
    passed, rejected, report = validate("articles", articles({}, override), NOW)
    assert passed.column("article_id").to_pylist() == ["a0"]
    (row,) = rejected.to_pylist()
    assert row["stage"] == "validate"
    assert row["record_key"] == "a1.txt"
    assert expectation in row["reason"]
    assert row["payload"] == "raw a1"
    assert {r["expectation"]: r["success"] for r in report}[expectation] is False


def test_duplicate_article_ids_are_rejected():
    passed, rejected, _ = validate("articles", articles({"article_id": "x"}, {"article_id": "x"}, {}), NOW)
    assert passed.column("article_id").to_pylist() == ["a2"]
    assert rejected.num_rows == 2


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"type": "MISC"}, "expect_column_values_to_be_in_set(type)"),
        ({"start": 5, "stop": 5}, "expect_column_pair_values_a_to_be_greater_than_b(stop,start)"),
        ({"start": -1}, "expect_column_values_to_be_between(start)"),
        ({"normal": ""}, "expect_column_value_lengths_to_be_between(normal)"),
        ({"entity_id": None}, "expect_column_values_to_not_be_null(entity_id)"),
    ],
)
def test_bad_mention_row_is_quarantined(override, expectation):
    passed, rejected, _ = validate("mentions", mentions({}, override), NOW)
    assert passed.num_rows == 1
    (row,) = rejected.to_pylist()
    assert expectation in row["reason"]
    assert row["source"] == "mentions"
    assert '"article_id": "a1"' in row["payload"]


def test_empty_batch_passes_without_running_gx():
    passed, rejected, report = validate("mentions", mentions(), NOW)
    assert passed.num_rows == 0 and rejected.num_rows == 0 and report == []


GOOD_DATE_MENTION = {"article_id": "a1", "start": 0, "stop": 8, "text": "6 января", "value": date(2026, 1, 6), "precision": "day"}


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"precision": "decade"}, "expect_column_values_to_be_in_set(precision)"),
        ({"start": 8, "stop": 8}, "expect_column_pair_values_a_to_be_greater_than_b(stop,start)"),
        ({"value": date(2300, 1, 1)}, "expect_column_values_to_be_between(value)"),
        ({"text": ""}, "expect_column_value_lengths_to_be_between(text)"),
    ],
)
def test_bad_date_mention_row_is_quarantined(override, expectation):
    table = pa.Table.from_pylist([GOOD_DATE_MENTION, {**GOOD_DATE_MENTION, **override}], schema=DATE_MENTIONS_SCHEMA)
    passed, rejected, _ = validate("date_mentions", table, NOW)
    assert passed.num_rows == 1
    (row,) = rejected.to_pylist()
    assert expectation in row["reason"]
    assert row["source"] == "date_mentions"
