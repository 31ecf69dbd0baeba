"""Normalize: clean article text, parse the publication date, assign ids.

`normalize(raw)` reads RAW_SCHEMA columns (source, record_key, url, title,
published_raw, raw_text, payload) and returns ARTICLE_BATCH_SCHEMA rows: the
`articles` contract columns (article_id, text, published_at, published_date,
language, content_hash, ...) plus the raw columns carried along for the lake
and for quarantine. All later character offsets refer to the normalized `text`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

import pyarrow as pa

from transforms.ids import stable_id
from transforms.quarantine import quarantine_row, quarantine_table

STAGE = "normalize"

ARTICLES_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("published_date", pa.date32()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("content_hash", pa.string()),
        ("duplicate_of", pa.string()),
        ("run_id", pa.string()),
    ]
)

# In flight between steps an article also carries where it came from and what it was.
ARTICLE_BATCH_SCHEMA = ARTICLES_SCHEMA.append(pa.field("record_key", pa.string()))
for _name in ("published_raw", "raw_text", "payload"):
    ARTICLE_BATCH_SCHEMA = ARTICLE_BATCH_SCHEMA.append(pa.field(_name, pa.string()))

# Characters that carry no text: soft hyphen, zero-width marks, word joiner, BOM.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
# Every other kind of space becomes a plain space; line separators become newlines.
SPACES = dict.fromkeys(map(ord, "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " ")
LINE_BREAKS = {ord("\r"): "\n", ord("\u2028"): "\n", ord("\u2029"): "\n", ord("\x85"): "\n", ord("\x0b"): "\n", ord("\x0c"): "\n"}
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
RUNS_OF_SPACES = re.compile(r" {2,}")
SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC; one kind of space and of line break; invisible and control characters removed.

    Paragraphs stay separated by one blank line. Quotes and dashes are kept as typed.
    """
    text = text.replace("\r\n", "\n")
    text = unicodedata.normalize("NFC", text)
    text = text.translate(INVISIBLE).translate(LINE_BREAKS).translate(SPACES)
    text = CONTROL.sub("", text)
    text = RUNS_OF_SPACES.sub(" ", text)
    text = SPACE_AROUND_NEWLINE.sub("\n", text)
    text = BLANK_LINES.sub("\n\n", text)
    return text.strip()


def parse_published(value: str | None) -> datetime | None:
    """Parse an ISO 8601 date or timestamp to an aware UTC datetime.

    A value without a zone is taken as UTC; a bare date is midnight UTC. None
    stays None. Anything else raises ValueError with the reason.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"invalid publication date {value!r} ({exc})") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def article_id(source: str, url: str | None, text: str) -> str:
    """Stable id: from source + URL when there is a URL, else from the normalized text."""
    if url:
        return stable_id("url", source, url)
    return stable_id("text", text)


def content_hash(text: str) -> str:
    return stable_id(text)


def normalize(raw: pa.Table, *, language: str) -> tuple[pa.Table, pa.Table]:
    """Normalize a RAW_SCHEMA batch.

    Returns (articles, quarantine). `language` is the language assigned to every
    article of the batch whose source declares none (RAW_SCHEMA's `language`). A record whose text is empty after cleaning or whose
    publication date does not parse goes to quarantine with the reason.
    """
    rows: list[dict] = []
    rejected: list[dict] = []
    for record in raw.to_pylist():
        key = record["record_key"]
        text = normalize_text(record["raw_text"] or "")
        try:
            if not text:
                raise ValueError("the text is empty after normalization")
            published_at = parse_published(record["published_raw"])
        except ValueError as exc:
            rejected.append(quarantine_row(STAGE, record["source"], key, f"{key}: {exc}", record["payload"]))
            continue
        title = normalize_text(record["title"]) if record["title"] else None
        published_date: date | None = published_at.date() if published_at else None
        rows.append(
            {
                **record,
                "article_id": article_id(record["source"], record["url"], text),
                "title": title or None,
                "published_at": published_at,
                "published_date": published_date,
                "language": record.get("language") or language,
                "text": text,
                "content_hash": content_hash(text),
                "duplicate_of": None,
                "run_id": None,
            }
        )
    return pa.Table.from_pylist(rows, schema=ARTICLE_BATCH_SCHEMA), quarantine_table(rejected)
