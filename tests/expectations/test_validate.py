"""Every expectation fails on a crafted bad row and passes on good ones (tiny inline tables)."""

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from expectations.validate import BatchInvalid, validate_batch
from transforms.schemas import ARTICLE_BATCH_SCHEMA, DATE_MENTIONS_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA

NOW = datetime(2026, 1, 20, tzinfo=UTC)
TEXT = "Путин прилетел в Москву."
GOOD_ARTICLE = {
    "article_id": "a0",
    "source": "files",
    "text": TEXT,
    "content_hash": "h1",
    "language": "ru",
    "published_at": datetime(2026, 1, 14, tzinfo=UTC),
    "record_key": "a0.txt",
    "payload": "raw a0",
}
PUTIN = {
    "article_id": "a0",
    "start": 0,
    "stop": 5,
    "sentence": 0,
    "type": "PER",
    "text": "Путин",
    "normal": "Путин",
    "entity_id": "e1",
}
MOSCOW = {
    "article_id": "a0",
    "start": 17,
    "stop": 23,
    "sentence": 0,
    "type": "LOC",
    "text": "Москву",
    "normal": "Москва",
    "entity_id": "e2",
}
ENTITIES = [{"entity_id": "e1", "type": "PER", "name": "Путин"}, {"entity_id": "e2", "type": "LOC", "name": "Москва"}]


def articles(*overrides):
    rows = [
        {**GOOD_ARTICLE, "article_id": f"a{i}", "record_key": f"a{i}.txt", "payload": f"raw a{i}", **o}
        for i, o in enumerate(overrides)
    ]
    return pa.Table.from_pylist(rows, schema=ARTICLE_BATCH_SCHEMA)


def batch(articles_table=None, mention_rows=(PUTIN, MOSCOW), entity_rows=ENTITIES):
    return {
        "articles": articles_table if articles_table is not None else articles({}),
        "mentions": pa.Table.from_pylist(list(mention_rows), schema=MENTIONS_SCHEMA),
        "entities": pa.Table.from_pylist(list(entity_rows), schema=ENTITIES_SCHEMA),
    }


def failed(validated) -> set[tuple[str, str]]:
    return {(r["suite"], r["expectation"]) for r in validated.report if not r["success"]}


def test_a_good_batch_passes_every_expectation():
    validated = validate_batch(batch(articles({}, {"published_at": None})), NOW)
    assert failed(validated) == set() and validated.batch_failures == []
    assert {name: t.num_rows for name, t in validated.tables.items()} == {"articles": 2, "mentions": 2, "entities": 2}
    assert all(t.num_rows == 0 for t in validated.rejected.values())
    assert {r["suite"] for r in validated.report} == {"articles", "mentions", "entities"}
    assert len(validated.suites) == len(validated.results) == 3


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"text": ""}, "expect_column_value_lengths_to_be_between(text)"),
        ({"text": None}, "expect_column_values_to_not_be_null(text)"),
        ({"language": "xx"}, "expect_column_values_to_be_in_set(language)"),
        ({"published_at": datetime(1985, 5, 1, tzinfo=UTC)}, "expect_column_values_to_be_between(published_at)"),
        ({"published_at": datetime(2026, 1, 22, tzinfo=UTC)}, "expect_column_values_to_be_between(published_at)"),
        ({"content_hash": None}, "expect_column_values_to_not_be_null(content_hash)"),
        ({"source": None}, "expect_column_values_to_not_be_null(source)"),
    ],
)
def test_bad_article_row_is_quarantined_with_the_expectation(override, expectation):
    validated = validate_batch(batch(articles({}, override)), NOW)
    assert validated.tables["articles"].column("article_id").to_pylist() == ["a0"]
    (row,) = validated.rejected["articles"].to_pylist()
    assert row["stage"] == "validate"
    assert row["record_key"] == "a1.txt"
    assert expectation in row["reason"] and "a1.txt" in row["reason"]
    assert row["payload"] == "raw a1"
    assert failed(validated) == {("articles", expectation)}
    assert validated.batch_failures == []


def test_a_text_over_the_maximum_is_quoted_not_copied_in_its_reason():
    from expectations.articles import MAX_TEXT_CHARS
    from expectations.validate import VALUE_CHARS

    text = "Совет обсудил бюджет. " * (MAX_TEXT_CHARS // 20)
    validated = validate_batch(batch(articles({}, {"text": text, "payload": text})), NOW)
    (row,) = validated.rejected["articles"].to_pylist()
    assert "expect_column_value_lengths_to_be_between(text)" in row["reason"]
    assert text[: VALUE_CHARS - 30] in row["reason"] and f"… ({len(text):,} characters)" in row["reason"]
    assert len(row["reason"]) < 2 * VALUE_CHARS + 200
    assert row["payload"] == text  # the record itself is kept whole


def test_mentions_of_a_quarantined_article_leave_with_it():
    moscow_of_a1 = {**MOSCOW, "article_id": "a1"}
    validated = validate_batch(batch(articles({}, {"language": "xx"}), [PUTIN, moscow_of_a1]), NOW)
    assert validated.tables["mentions"].column("article_id").to_pylist() == ["a0"]
    assert validated.rejected["mentions"].num_rows == 0


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"type": "MISC"}, "expect_column_values_to_be_in_set(type)"),
        ({"start": 5, "stop": 5, "text": ""}, "expect_column_pair_values_a_to_be_greater_than_b(stop,start)"),
        ({"start": -1}, "expect_column_values_to_be_between(start)"),
        ({"stop": 30}, "expect_column_pair_values_a_to_be_greater_than_b(article_chars,stop)"),
        ({"text": "Москва"}, "expect_column_pair_values_to_be_equal(text,text_at_offsets)"),
        ({"normal": ""}, "expect_column_value_lengths_to_be_between(normal)"),
        ({"entity_id": None}, "expect_column_values_to_not_be_null(entity_id)"),
        ({"entity_id": "e9"}, "expect_column_values_to_be_in_set(entity_in_batch)"),
    ],
)
def test_bad_mention_row_is_quarantined(override, expectation):
    validated = validate_batch(batch(mention_rows=[PUTIN, {**MOSCOW, **override}]), NOW)
    assert validated.tables["mentions"].column("text").to_pylist() == ["Путин"]
    assert validated.tables["articles"].num_rows == 1
    (row,) = validated.rejected["mentions"].to_pylist()
    assert expectation in row["reason"]
    assert row["source"] == "mentions"
    assert '"article_id": "a0"' in row["payload"]
    assert ("mentions", expectation) in failed(validated)
    assert validated.batch_failures == []


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"type": "MISC"}, "expect_column_values_to_be_in_set(type)"),
        ({"name": ""}, "expect_column_value_lengths_to_be_between(name)"),
    ],
)
def test_bad_entity_row_is_quarantined_and_takes_its_mentions(override, expectation):
    validated = validate_batch(batch(entity_rows=[ENTITIES[0], {**ENTITIES[1], **override}]), NOW)
    assert validated.tables["entities"].column("entity_id").to_pylist() == ["e1"]
    (row,) = validated.rejected["entities"].to_pylist()
    assert expectation in row["reason"] and row["record_key"] == "e2"
    (mention,) = validated.rejected["mentions"].to_pylist()
    assert "expect_column_values_to_be_in_set(entity_in_batch)" in mention["reason"]


@pytest.mark.parametrize(
    ("tables", "expectation"),
    [
        (
            batch(articles({"article_id": "x"}, {"article_id": "x"})),
            "articles: expect_column_values_to_be_unique(article_id)",
        ),
        (batch(articles({"article_id": None})), "articles: expect_column_values_to_not_be_null(article_id)"),
        (batch(mention_rows=[PUTIN, PUTIN]), "mentions: expect_compound_columns_to_be_unique(article_id,start,stop)"),
        (
            batch(mention_rows=[PUTIN, {**MOSCOW, "article_id": "zz"}]),
            "mentions: expect_column_values_to_be_in_set(article_in_batch)",
        ),
        (
            batch(mention_rows=[PUTIN, {**MOSCOW, "article_id": None}]),
            "mentions: expect_column_values_to_not_be_null(article_id)",
        ),
        (batch(entity_rows=[*ENTITIES, ENTITIES[0]]), "entities: expect_column_values_to_be_unique(entity_id)"),
        (
            batch(entity_rows=[*ENTITIES, {"entity_id": None, "type": "PER", "name": "X"}]),
            "entities: expect_column_values_to_not_be_null(entity_id)",
        ),
    ],
)
def test_a_broken_invariant_fails_the_batch(tables, expectation):
    validated = validate_batch(tables, NOW)
    assert any(line.startswith(expectation) for line in validated.batch_failures), validated.batch_failures
    with pytest.raises(BatchInvalid, match="nothing of it was loaded"):
        validated.raise_for_batch_failures()


def test_a_silent_tagger_fails_the_batch():
    """Russian text of 30,000 characters with no mention at all is a tagger failure, not news."""
    long_text = "Президент России Владимир Путин провел совещание в Москве. " * 520
    validated = validate_batch(batch(articles({"text": long_text}), mention_rows=[], entity_rows=[]), NOW)
    (line,) = validated.batch_failures
    assert line.startswith("mentions: expect_table_row_count_to_be_between() failed (observed 0)")


def test_mention_rate_is_only_required_of_russian_text():
    long_text = "The president held a meeting in Moscow. " * 800
    validated = validate_batch(
        batch(articles({"text": long_text, "language": "en"}), mention_rows=[], entity_rows=[]), NOW
    )
    assert validated.batch_failures == []


def test_an_empty_batch_passes():
    validated = validate_batch(batch(articles(), mention_rows=[], entity_rows=[]), NOW)
    assert validated.batch_failures == [] and failed(validated) == set()


def test_a_tagger_that_tags_everything_fails_the_batch():
    """More than 100 mentions per 1,000 characters: here 5 in a 24-character text (at most 3 allowed)."""
    spans = [{**PUTIN, "stop": stop, "text": TEXT[:stop], "normal": TEXT[:stop]} for stop in range(1, 6)]
    validated = validate_batch(batch(mention_rows=spans), NOW)
    (line,) = validated.batch_failures
    assert line.startswith("mentions: expect_table_row_count_to_be_between() failed (observed 5)")


GOOD_DATE_MENTION = {
    "article_id": "a0",
    "start": 0,
    "stop": 8,
    "text": "6 января",
    "value": date(2026, 1, 6),
    "precision": "day",
}


@pytest.mark.parametrize(
    ("override", "expectation"),
    [
        ({"precision": "fortnight"}, "expect_column_values_to_be_in_set(precision)"),
        ({"start": 8, "stop": 8}, "expect_column_pair_values_a_to_be_greater_than_b(stop,start)"),
        ({"start": -1}, "expect_column_values_to_be_between(start)"),
        ({"value": date(2300, 1, 1)}, "expect_column_values_to_be_between(value)"),
        ({"value": None}, "expect_column_values_to_be_in_set(valued)"),  # only a duration has no value
        ({"precision": "duration"}, "expect_column_values_to_be_in_set(valued)"),  # and a duration has none
        ({"text": ""}, "expect_column_value_lengths_to_be_between(text)"),
    ],
)
def test_bad_date_mention_row_is_quarantined(override, expectation):
    tables = batch()
    tables["date_mentions"] = pa.Table.from_pylist(
        [GOOD_DATE_MENTION, {**GOOD_DATE_MENTION, **override}], schema=DATE_MENTIONS_SCHEMA
    )
    validated = validate_batch(tables, NOW)
    assert validated.tables["date_mentions"].num_rows == 1
    (row,) = validated.rejected["date_mentions"].to_pylist()
    assert expectation in row["reason"]
    assert row["source"] == "date_mentions"
    assert validated.batch_failures == []


def test_date_mentions_of_a_quarantined_article_leave_with_it():
    tables = batch(articles({}, {"language": "xx"}))
    tables["date_mentions"] = pa.Table.from_pylist(
        [GOOD_DATE_MENTION, {**GOOD_DATE_MENTION, "article_id": "a1"}], schema=DATE_MENTIONS_SCHEMA
    )
    validated = validate_batch(tables, NOW)
    assert validated.tables["date_mentions"].column("article_id").to_pylist() == ["a0"]
    assert validated.rejected["date_mentions"].num_rows == 0
