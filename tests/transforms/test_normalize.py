import re
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from transforms.normalize import normalize, normalize_text, parse_published
from transforms.schemas import ARTICLE_BATCH_SCHEMA, RAW_SCHEMA


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("e\u0301", "\u00e9"),  # composed to one code point
        ("и\u0306", "й"),
        ("a\u00a0b\u202fc\u2009d", "a b c d"),
        ("пере\u00adнос", "перенос"),
        ("a\u200bb\ufeffc\u2060d", "abcd"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a \n  b", "a\nb"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("  a   b  ", "a b"),
        ("a\x00b\x07c", "abc"),
        ("«Кавычки» — и “тире” - остаются", "«Кавычки» — и “тире” - остаются"),
        ("a&nbsp;b &quot;c&quot; &#171;d&#187; &laquo;e&raquo;", 'a b "c" «d» «e»'),
        (
            "<p>Первый абзац.</p><p>Второй <b>жирный</b> абзац.<br/>Строка</p>",
            "Первый абзац.\n\nВторой жирный абзац.\n\nСтрока",
        ),
        ("<a href=\"http://x\">ссылка</a> <!-- note --> и <span class='x'>текст</span>", "ссылка и текст"),
        ("3 < 5 и 7 > 2, AT&T & Co", "3 < 5 и 7 > 2, AT&T & Co"),  # not markup: kept
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


FETCHED = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2026-01-14", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        ("2008-11-21T15:19:14", "UTC", datetime(2008, 11, 21, 15, 19, 14, tzinfo=UTC)),
        ("2026-01-14T10:15:00+03:00", "UTC", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),
        ("2026-01-14T10:15:00+03:00", "America/New_York", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),  # offset wins
        ("2026-01-14T10:15:00Z", "UTC", datetime(2026, 1, 14, 10, 15, tzinfo=UTC)),
        ("2026-01-14T10:15:00", "Europe/Moscow", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),  # no zone: the source's
        ("Wed, 14 Jan 2026 10:15:00 +0300", "UTC", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),
        ("Wed, 14 Jan 2026 10:15:00 GMT", "Europe/Moscow", datetime(2026, 1, 14, 10, 15, tzinfo=UTC)),
        ("14 января 2026, 10:15", "Europe/Moscow", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),
        ("14 января 2026, 10:15", "UTC", datetime(2026, 1, 14, 10, 15, tzinfo=UTC)),
        ("14.01.2026", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        ("14.01.2026 10:15", "Europe/Moscow", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),
        ("2026/01/14", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        ("1768385700", "Europe/Moscow", datetime(2026, 1, 14, 10, 15, tzinfo=UTC)),  # unix seconds are UTC
        ("вчера в 12:30", "Europe/Moscow", datetime(2026, 1, 13, 9, 30, tzinfo=UTC)),
        ("сегодня", "UTC", FETCHED),
        ("January 14, 2026", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        ("14 janvier 2026", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        ("14. Januar 2026 10:15", "UTC", datetime(2026, 1, 14, 10, 15, tzinfo=UTC)),
        ("14 stycznia 2026", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        ("14 січня 2026", "UTC", datetime(2026, 1, 14, tzinfo=UTC)),
        (None, "UTC", None),
        ("  ", "UTC", None),
    ],
)
def test_parse_published(value, zone, expected):
    assert parse_published(value, fetched_at=FETCHED, timezone=zone) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-02-30", "invalid publication date '2026-02-30' (day is out of range for month)"),
        ("31.02.2026", "invalid publication date '31.02.2026'"),
        ("в понедельник вечером, наверное", "invalid publication date"),
        ("1989-12-31T23:00:00Z", "publication date '1989-12-31T23:00:00Z' is before 1990"),
        ("2026-01-15T13:00:00Z", "is more than a day after the fetch time 2026-01-14T12:00:00+00:00"),
    ],
)
def test_parse_published_rejects(value, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_published(value, fetched_at=FETCHED)


def test_parse_published_allows_a_day_ahead():
    assert parse_published("2026-01-15T11:00:00Z", fetched_at=FETCHED) == datetime(2026, 1, 15, 11, tzinfo=UTC)


def raw_table(*rows):
    defaults = {"source": "files", "url": None, "title": None, "payload": "raw"}
    return pa.Table.from_pylist([{**defaults, **row} for row in rows], schema=RAW_SCHEMA)


def test_normalize_assigns_ids_dates_and_quarantines_bad_rows():
    raw = raw_table(
        {"record_key": "a.txt", "published_raw": "2026-01-14", "raw_text": "Текст\u00a0статьи."},
        {"record_key": "b.txt", "published_raw": "2026-02-30", "raw_text": "Другой текст."},
        {"record_key": "c.txt", "published_raw": None, "raw_text": "\u200b \n "},
        {
            "record_key": "d",
            "source": "site",
            "url": "http://site/1",
            "published_raw": None,
            "raw_text": "Текст статьи.",
        },
    )
    articles, rejected = normalize(raw, fetched_at=FETCHED)
    assert articles.schema == ARTICLE_BATCH_SCHEMA
    rows = articles.to_pylist()
    assert [r["record_key"] for r in rows] == ["a.txt", "d"]
    first, second = rows
    assert first["text"] == "Текст статьи."
    assert first["raw_text"] == "Текст\u00a0статьи."
    assert first["published_date"] == date(2026, 1, 14)
    assert first["language"] is None  # set by transforms.language
    # same normalized text: same content hash; no URL: id from the text; URL: id from source + URL
    assert first["content_hash"] == second["content_hash"]
    assert first["article_id"] != second["article_id"]
    assert second["published_at"] is None
    reasons = {r["record_key"]: r["reason"] for r in rejected.to_pylist()}
    assert reasons["b.txt"].startswith("b.txt: invalid publication date '2026-02-30'")
    assert reasons["c.txt"] == "c.txt: the text is empty after normalization"


def test_article_id_is_stable():
    raw = raw_table({"record_key": "a", "url": "http://x", "published_raw": None, "raw_text": "t"})
    first, _ = normalize(raw, fetched_at=FETCHED)
    again, _ = normalize(raw, fetched_at=FETCHED)
    assert first.column("article_id").to_pylist() == again.column("article_id").to_pylist()


def test_normalize_uses_the_source_timezone_and_quarantines_out_of_range_dates():
    raw = raw_table(
        {"record_key": "m", "source": "msk", "published_raw": "2026-01-14 10:00", "raw_text": "Москва."},
        {"record_key": "u", "source": "other", "published_raw": "2026-01-14 10:00", "raw_text": "Лондон."},
        {"record_key": "old", "published_raw": "1914-05-01", "raw_text": "Старая статья."},
        {"record_key": "future", "published_raw": "2027-01-01", "raw_text": "Из будущего."},
    )
    articles, rejected = normalize(raw, fetched_at=FETCHED, source_timezones={"msk": "Europe/Moscow"})
    published = dict(
        zip(articles.column("record_key").to_pylist(), articles.column("published_at").to_pylist(), strict=True)
    )
    assert published == {"m": datetime(2026, 1, 14, 7, tzinfo=UTC), "u": datetime(2026, 1, 14, 10, tzinfo=UTC)}
    reasons = {r["record_key"]: r["reason"] for r in rejected.to_pylist()}
    assert reasons["old"] == "old: publication date '1914-05-01' is before 1990"
    assert reasons["future"].startswith("future: publication date '2027-01-01' is more than a day after the fetch time")


def test_a_language_declared_by_the_source_is_kept_and_others_are_left_to_detection():
    raw = raw_table(
        {"record_key": "a", "raw_text": "Der Text.", "language": "de"}, {"record_key": "b", "raw_text": "Текст."}
    )
    articles, _ = normalize(raw, fetched_at=FETCHED)
    assert articles.column("language").to_pylist() == ["de", None]
