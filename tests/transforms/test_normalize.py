from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from transforms.extract import RAW_SCHEMA
from transforms.normalize import ARTICLE_BATCH_SCHEMA, normalize, normalize_text, parse_published


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
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-14", datetime(2026, 1, 14, tzinfo=UTC)),
        ("2008-11-21T15:19:14", datetime(2008, 11, 21, 15, 19, 14, tzinfo=UTC)),
        ("2026-01-14T10:15:00+03:00", datetime(2026, 1, 14, 7, 15, tzinfo=UTC)),
        ("2026-01-14T10:15:00Z", datetime(2026, 1, 14, 10, 15, tzinfo=UTC)),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["2026-02-30", "14 января", "yesterday"])
def test_parse_published_rejects(value):
    with pytest.raises(ValueError, match="invalid publication date"):
        parse_published(value)


def raw_table(*rows):
    defaults = {"source": "files", "url": None, "title": None, "payload": "raw"}
    return pa.Table.from_pylist([{**defaults, **row} for row in rows], schema=RAW_SCHEMA)


def test_normalize_assigns_ids_dates_and_quarantines_bad_rows():
    raw = raw_table(
        {"record_key": "a.txt", "published_raw": "2026-01-14", "raw_text": "Текст\u00a0статьи."},
        {"record_key": "b.txt", "published_raw": "2026-02-30", "raw_text": "Другой текст."},
        {"record_key": "c.txt", "published_raw": None, "raw_text": "\u200b \n "},
        {"record_key": "d", "source": "site", "url": "http://site/1", "published_raw": None, "raw_text": "Текст статьи."},
    )
    articles, rejected = normalize(raw, language="ru")
    assert articles.schema == ARTICLE_BATCH_SCHEMA
    rows = articles.to_pylist()
    assert [r["record_key"] for r in rows] == ["a.txt", "d"]
    first, second = rows
    assert first["text"] == "Текст статьи."
    assert first["raw_text"] == "Текст\u00a0статьи."
    assert first["published_date"] == date(2026, 1, 14)
    assert first["language"] == "ru"
    # same normalized text: same content hash; no URL: id from the text; URL: id from source + URL
    assert first["content_hash"] == second["content_hash"]
    assert first["article_id"] != second["article_id"]
    assert second["published_at"] is None
    reasons = {r["record_key"]: r["reason"] for r in rejected.to_pylist()}
    assert reasons["b.txt"].startswith("b.txt: invalid publication date '2026-02-30'")
    assert reasons["c.txt"] == "c.txt: the text is empty after normalization"


def test_article_id_is_stable():
    raw = raw_table({"record_key": "a", "url": "http://x", "published_raw": None, "raw_text": "t"})
    first, _ = normalize(raw, language="ru")
    again, _ = normalize(raw, language="ru")
    assert first.column("article_id").to_pylist() == again.column("article_id").to_pylist()


def test_a_language_declared_by_the_source_wins():
    raw = raw_table({"record_key": "a", "raw_text": "Der Text.", "language": "de"}, {"record_key": "b", "raw_text": "Текст."})
    articles, _ = normalize(raw, language="ru")
    assert articles.column("language").to_pylist() == ["de", "ru"]
