"""Normalize: clean article text, parse the publication date, assign ids.

`normalize(raw, ...)` reads RAW_SCHEMA columns (source, record_key, url, title, author,
published_raw, raw_text, payload) and returns ARTICLE_BATCH_SCHEMA rows: the
`articles` contract columns (article_id, text, published_at, published_date,
content_hash, ...; `language` only when the source declares one) plus the
raw columns carried along for the lake and for quarantine. All later character
offsets refer to the normalized `text`.
"""

from __future__ import annotations

import email.utils
import html
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser
import pyarrow as pa

from transforms.ids import stable_id
from transforms.limits import DEFAULT_LIMITS, RAW_TEXT_SLACK, OverLimit
from transforms.quarantine import bounded_payload, quarantine_row, quarantine_table
from transforms.schemas import ARTICLE_BATCH_SCHEMA
from transforms.stages import Stage

# Characters that carry no text: soft hyphen, zero-width marks, word joiner, BOM, and the marks and
# controls of writing direction (LRM, RLM, ALM, embeddings, overrides, isolates), which split words in two.
INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    None,
)
# Every other kind of space becomes a plain space; line separators become newlines.
SPACES = dict.fromkeys(
    map(ord, "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " "
)
LINE_BREAKS = {
    ord("\r"): "\n",
    ord("\u2028"): "\n",
    ord("\u2029"): "\n",
    ord("\x85"): "\n",
    ord("\x0b"): "\n",
    ord("\x0c"): "\n",
}
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
RUNS_OF_SPACES = re.compile(r" {2,}")
SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
BLANK_LINES = re.compile(r"\n{3,}")
# Markup left in scraped text: block tags end a paragraph, other tags vanish, entities decode.
BLOCK_TAGS = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote)\b[^<>]*>", re.IGNORECASE)
TAGS = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def normalize_text(text: str) -> str:
    """NFC; one kind of space and of line break; invisible and control characters removed.

    Leftover HTML tags are removed (block tags such as <p> and <br> end a
    paragraph) and HTML entities (&nbsp;, &quot;, &#171;) decoded. Paragraphs stay separated by one blank line. Quotes and dashes are kept as typed.
    """
    text = text.replace("\r\n", "\n")
    if "<" in text:
        text = TAGS.sub("", BLOCK_TAGS.sub("\n\n", text))
    if "&" in text:
        text = ENTITY.sub(lambda m: html.unescape(m.group()), text)
    text = unicodedata.normalize("NFC", text)
    text = text.translate(INVISIBLE).translate(LINE_BREAKS).translate(SPACES)
    text = CONTROL.sub("", text)
    text = RUNS_OF_SPACES.sub(" ", text)
    text = SPACE_AROUND_NEWLINE.sub("\n", text)
    text = BLANK_LINES.sub("\n\n", text)
    return text.strip()


EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=1)  # clocks and time zones of sources differ; more than this is wrong
ISO_DATE_START = re.compile(r"\A\d{4}-\d{2}-\d{2}")
UNIX_SECONDS = re.compile(r"\A\d{9,10}(?:\.\d+)?\Z")
DAY_MONTH_YEAR = re.compile(r"\A(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2}))?\Z")
YEAR_MONTH_DAY = re.compile(r"\A(\d{4})/(\d{1,2})/(\d{1,2})(?:,?\s+(\d{1,2}):(\d{2}))?\Z")
RFC_822_START = re.compile(r"\A(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s")
# dateparser tries every language it knows unless told, which is slow and guesses wrong:
# publication dates come in the languages news arrives in.
DATEPARSER_LANGUAGES = ("ru", "uk", "be", "en", "de", "fr", "es", "it", "pt", "pl")
# The longest publication date worth parsing: «понедельник, 14 января 2026 года, 10:15 (МСК)» has 45 characters;
# dateparser takes seconds over a few thousand and minutes over a few hundred thousand.
MAX_DATE_CHARS = 100


@lru_cache(maxsize=64)
def _date_parser(timezone: str, relative_base: datetime) -> dateparser.DateDataParser:
    """One dateparser per (zone, fetch time): building it loads its language data."""
    return dateparser.DateDataParser(
        languages=list(DATEPARSER_LANGUAGES),
        try_previous_locales=False,
        settings={
            "TIMEZONE": timezone,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": relative_base,
            "PREFER_DATES_FROM": "past",
            "PARSERS": ["relative-time", "absolute-time"],
        },
    )


def _parse_fixed_formats(value: str, zone: ZoneInfo) -> datetime | None:
    """The formats that need no guessing; None when `value` is none of them."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        if ISO_DATE_START.match(value):
            raise  # ISO in form but not a real date (2026-02-30): the reason is the ISO parser's
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    if UNIX_SECONDS.match(value):
        return datetime.fromtimestamp(float(value), UTC)
    for pattern, order in ((DAY_MONTH_YEAR, (2, 1, 0)), (YEAR_MONTH_DAY, (0, 1, 2))):
        match = pattern.match(value)
        if match:
            parts = match.groups()
            year, month, day = (int(parts[i]) for i in order)
            hour, minute = int(parts[3] or 0), int(parts[4] or 0)
            return datetime(year, month, day, hour, minute, tzinfo=zone)
    if RFC_822_START.match(value):
        parsed = email.utils.parsedate_to_datetime(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return None


def parse_published(value: str | None, *, fetched_at: datetime, timezone: str = "UTC") -> datetime | None:
    """Parse a publication date as sources send it to an aware UTC datetime.

    Understood: ISO 8601 with or without offset, RFC 822 (feeds), unix
    seconds, `14.01.2026`, `2026/01/14`, and through dateparser
    `14 января 2026, 10:15`, month names of other languages, `вчера в 12:30`
    and `сегодня` (relative to `fetched_at`). A value without a zone is in
    `timezone`; a bare date is its midnight. None or blank stays None.
    Anything that does not parse, is before 1990 or more than a day after
    `fetched_at` raises ValueError with the reason.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_DATE_CHARS:
        raise ValueError(f"invalid publication date {value[:40]!r}... ({len(value):,} characters, no date is so long)")
    zone = ZoneInfo(timezone)
    try:
        parsed = _parse_fixed_formats(value, zone)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"invalid publication date {value!r} ({exc})") from None
    if parsed is None:
        relative_base = fetched_at.astimezone(zone).replace(tzinfo=None)
        parsed = _date_parser(timezone, relative_base).get_date_data(value).date_obj
        if parsed is None:
            raise ValueError(f"invalid publication date {value!r} (not a date format we know)")
    parsed = parsed.astimezone(UTC)
    if parsed < EARLIEST_PUBLISHED:
        raise ValueError(f"publication date {value!r} is before {EARLIEST_PUBLISHED.year}")
    if parsed > fetched_at + LATEST_AHEAD:
        raise ValueError(f"publication date {value!r} is more than a day after the fetch time {fetched_at.isoformat()}")
    return parsed


def article_id(source: str, url: str | None, text: str) -> str:
    """Stable id: from source + URL when there is a URL, else from the normalized text."""
    if url:
        return stable_id("url", source, url)
    return stable_id("text", text)


def content_hash(text: str) -> str:
    return stable_id(text)


def _check_length(field: str, text: str, max_chars: int, *, cleaned: bool) -> None:
    """OverLimit when `text` is longer than `max_chars` (cleaned), or RAW_TEXT_SLACK times that before cleaning."""
    if cleaned and len(text) > max_chars:
        raise OverLimit(f"the {field} has {len(text):,} characters, more than max_article_chars ({max_chars:,})")
    if not cleaned and len(text) > RAW_TEXT_SLACK * max_chars:
        raise OverLimit(
            f"the {field} has {len(text):,} characters before cleaning, "
            f"more than {RAW_TEXT_SLACK} times max_article_chars ({max_chars:,}); not cleaned"
        )


def normalize(
    raw: pa.Table,
    *,
    fetched_at: datetime,
    default_timezone: str = "UTC",
    source_timezones: Mapping[str, str] | None = None,
    max_article_chars: int = DEFAULT_LIMITS.max_article_chars,
) -> tuple[pa.Table, pa.Table]:
    """Normalize a RAW_SCHEMA batch.

    Returns (articles, quarantine). `fetched_at` is when the batch was read
    (the base of relative dates such as `вчера`); a publication date without a
    zone is in its source's zone from `source_timezones`, else
    `default_timezone`. A missing date is allowed: published_at stays null.
    `language` is the one the source declares (RAW_SCHEMA's `language`), else
    null for `transforms.language` to detect.

    Goes to quarantine with the reason: a text or title over
    `max_article_chars` (one more than RAW_TEXT_SLACK times as long is not
    even cleaned; the payload keeps only a prefix), a text empty after
    cleaning, a publication date that does not parse or is out of range.
    """
    source_timezones = source_timezones or {}
    rows: list[dict] = []
    rejected: list[dict] = []
    for record in raw.to_pylist():
        key = record["record_key"]
        payload = record["payload"]
        try:
            _check_length("text", record["raw_text"] or "", max_article_chars, cleaned=False)
            _check_length("title", record["title"] or "", max_article_chars, cleaned=False)
            text = normalize_text(record["raw_text"] or "")
            _check_length("text", text, max_article_chars, cleaned=True)
            if not text:
                raise ValueError("the text is empty after normalization")
            title = normalize_text(record["title"]) if record["title"] else None
            _check_length("title", title or "", max_article_chars, cleaned=True)
            zone = source_timezones.get(record["source"], default_timezone)
            published_at = parse_published(record["published_raw"], fetched_at=fetched_at, timezone=zone)
        except ValueError as exc:
            if isinstance(exc, OverLimit):
                payload = bounded_payload(payload)  # over a limit: not replayed as it is, so its start is enough
            rejected.append(quarantine_row(Stage.NORMALIZE, record["source"], key, f"{key}: {exc}", payload))
            continue
        published_date: date | None = published_at.date() if published_at else None
        rows.append(
            {
                **record,
                "article_id": article_id(record["source"], record["url"], text),
                "title": title or None,
                "published_at": published_at,
                "published_date": published_date,
                "language": record.get("language"),
                "text": text,
                "content_hash": content_hash(text),
                "duplicate_of": None,
                "run_id": None,
            }
        )
    return pa.Table.from_pylist(rows, schema=ARTICLE_BATCH_SCHEMA), quarantine_table(rejected)
