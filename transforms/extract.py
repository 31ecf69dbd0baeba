"""Extract: read sources into batches of raw article records.

Sources (see `transforms.sources`) are seed-format `.txt` files, dumps
(`.jsonl`, `.csv`, `.parquet`, gzip allowed, with a column mapping), RSS/Atom
feeds and HTML pages, as files or http(s) URLs. `iter_chunks` reads them
(cheaply, incrementally) and yields chunks of `RawItem`s; `parse_items` turns
a chunk into a RAW_SCHEMA table plus quarantine rows (stage `extract`) for
what could not be read. It fetches the pages that feed items link to, when
their source asks for it, and extracts pages' main text.

Reads: nothing (RawItems). Adds: source, record_key, url, title, author,
published_raw, raw_text, payload, language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pyarrow as pa

from transforms.limits import Limits, parse_json_record
from transforms.quarantine import bounded_payload, quarantine_row, quarantine_table
from transforms.schemas import RAW_SCHEMA
from transforms.sources.config import Source, as_sources
from transforms.sources.decode import UndecodableError, decode_bytes
from transforms.sources.html import NoMainText, extract_page
from transforms.sources.http import HttpClient, HttpResult
from transforms.sources.read import RawItem, ReadContext, find_files, read_source
from transforms.stages import Stage

__all__ = ["RawItem", "ReadContext", "chunked", "find_input_files", "iter_chunks", "parse_items", "replay_item"]

TXT_SOURCE = "files"

SEED_HEADER = re.compile(r"\A\s*date\s+(\S+)[ \t]*")


def find_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories recursively (sorted, article files only); keep files as given."""
    return [path for location in paths for path in find_files(str(location))]


def replay_item(quarantine_id: str, record_key: str, payload: str) -> RawItem:
    """A quarantined record (one that got past extract) as a RawItem again, to run it once more.

    The kind is recognised from the payload: a JSON object is a dump row, or a
    feed item when its key is `feed#item`; markup is a page; anything else a
    seed-format text. The record's sources.toml settings are not kept in
    quarantine, so it is read as a bare file's record would be.
    """
    head = payload.lstrip()[:1]
    if head == "{":
        kind = "entry" if "#" in record_key else "record"
    else:
        kind = "html" if head == "<" else "txt"
    return RawItem(kind, record_key, payload, replay_of=quarantine_id)


def iter_chunks(
    inputs: Iterable[Source | str | Path],
    batch_size: int,
    context: ReadContext | None = None,
    batch_chars: int | None = None,
) -> Iterator[list[RawItem]]:
    """Group the records of all sources (or bare paths and URLs) into chunks (see `chunked`)."""
    context = context or ReadContext()
    items = (item for source in as_sources(inputs) for item in read_source(source, context))
    return chunked(items, batch_size, batch_chars)


def chunked(items: Iterable[RawItem], batch_size: int, batch_chars: int | None = None) -> Iterator[list[RawItem]]:
    """Chunks of at most `batch_size` items and, when set, `batch_chars` characters of raw data.

    A batch's memory and tagging time grow with its text, not its count: a
    stretch of long articles must not make batches several times the usual
    size. An item longer than `batch_chars` is a chunk of its own.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if batch_chars is not None and batch_chars < 1:
        raise ValueError("batch_chars must be at least 1")
    chunk: list[RawItem] = []
    chars = 0
    for item in items:
        size = len(item.data or "")
        if chunk and batch_chars is not None and chars + size > batch_chars:
            yield chunk
            chunk, chars = [], 0
        chunk.append(item)
        chars += size
        if len(chunk) == batch_size:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _file_of(record_key: str) -> str:
    """The file or URL part of a record key (`path:line`, `url#item`)."""
    base = record_key.split("#", 1)[0]
    head, _, tail = base.rpartition(":")
    return head if head and tail.isdigit() and not base.endswith("://") else base


def _source_name(item: RawItem, fallback: str) -> str:
    if item.source is not None and item.source.named:
        return item.source.name
    return fallback


def _with_timezone(published: str | None, timezone: str | None) -> str | None:
    """A naive ISO timestamp gets the source's zone; anything else is left for normalize to judge."""
    if not published or not timezone:
        return published
    try:
        parsed = datetime.fromisoformat(published.strip())
    except ValueError:
        return published
    if parsed.tzinfo is not None or len(published.strip()) <= 10:
        return published  # has a zone already, or a bare day (no time to shift)
    return parsed.replace(tzinfo=ZoneInfo(timezone)).isoformat()


def _optional_str(record: dict, field: str) -> str | None:
    value = record.get(field)
    if value is None or value == "":
        return None
    return str(value)


def _authors(value) -> str | None:
    """A dump's author field: a name, or a list of names joined with ', '; empty is None."""
    names = value if isinstance(value, list) else [value]
    joined = ", ".join(str(name).strip() for name in names if name is not None and str(name).strip())
    return joined or None


def _parse_txt(item: RawItem, page: HttpResult | None, limits: Limits) -> dict:
    match = SEED_HEADER.match(item.data)
    if not match:
        raise ValueError("no ' date YYYY-MM-DD ' header at the start of the file")
    return {
        "source": _source_name(item, TXT_SOURCE),
        "url": None,
        "title": None,
        "author": None,
        "published_raw": match.group(1),
        "raw_text": item.data[match.end() :],
    }


def _parse_record(item: RawItem, page: HttpResult | None, limits: Limits) -> dict:
    try:
        record = parse_json_record(item.data, limits.max_json_depth)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"a JSON object was expected, got {type(record).__name__}")
    columns = dict(item.source.columns) if item.source else {}

    def column(field: str) -> str:
        return columns.get(field, field)

    text = record.get(column("text"))
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"the record has no {column('text')!r}")
    file_name = Path(_file_of(item.record_key)).name
    return {
        "source": _optional_str(record, column("source")) or _source_name(item, file_name),
        "url": _optional_str(record, column("url")),
        "title": _optional_str(record, column("title")),
        "author": _authors(record.get(column("author"))),
        "published_raw": _optional_str(record, column("published")),
        "raw_text": text,
    }


def _page_of(page: HttpResult, url: str) -> dict:
    if page.error:
        raise ValueError(f"page {url}: {page.error}")
    try:
        html, _ = decode_bytes(page.body, page.charset)
    except UndecodableError as exc:
        raise ValueError(f"page {url}: cannot decode: {exc}") from None
    return _extract(html, page.final_url or url)


def _extract(html: str, url: str | None) -> dict:
    try:
        return extract_page(html, url)
    except NoMainText:
        raise
    except Exception as exc:  # noqa: BLE001 - one page that breaks the extractor must not take its batch down
        raise ValueError(f"HTML extraction failed: {type(exc).__name__}: {exc}") from None


def _parse_entry(item: RawItem, page: HttpResult | None, limits: Limits) -> dict:
    entry = parse_json_record(item.data, limits.max_json_depth)
    if not isinstance(entry, dict):
        raise ValueError(f"a feed item as a JSON object was expected, got {type(entry).__name__}")
    text, title, published, url, author = (
        entry.get("content") or entry.get("summary"),
        entry.get("title"),
        entry.get("published"),
        entry.get("link"),
        entry.get("author"),
    )
    if page is not None:
        extracted = _page_of(page, url)
        text = extracted["text"]  # the page's full text beats the feed's summary
        title = title or extracted["title"]
        published = published or extracted["published"]
        url = extracted["url"] or url
        author = author or extracted["author"]
    if not text or not text.strip():
        raise ValueError("the feed item has no text (no content or summary) and no page was fetched")
    return {
        "source": _source_name(item, entry.get("feed") or Path(_file_of(item.record_key)).name),
        "url": url,
        "title": title,
        "author": author,
        "published_raw": published,
        "raw_text": text,
    }


def _parse_html(item: RawItem, page: HttpResult | None, limits: Limits) -> dict:
    extracted = _extract(item.data, item.url)
    url = extracted["url"]
    fallback = urlsplit(url).hostname if url else Path(item.record_key).name
    return {
        "source": _source_name(item, fallback or Path(item.record_key).name),
        "url": url,
        "title": extracted["title"],
        "author": extracted["author"],
        "published_raw": extracted["published"],
        "raw_text": extracted["text"],
    }


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_lone_surrogates(row: dict) -> None:
    """ValueError for a field holding half of a UTF-16 pair (a JSON escape such as \\ud800): no text can hold it."""
    for field, value in row.items():
        if isinstance(value, str) and not value.isascii() and (found := LONE_SURROGATE.search(value)):
            name = {"raw_text": "text", "published_raw": "publication date"}.get(field, field)
            raise ValueError(f"the {name} holds a lone surrogate (\\u{ord(found.group()):04x}), which is not text")


PARSERS = {"txt": _parse_txt, "record": _parse_record, "entry": _parse_entry, "html": _parse_html}


def _pages_to_fetch(items: list[RawItem]) -> dict[str, str]:
    """record_key -> page URL, for feed items whose source follows links."""
    links = {}
    for item in items:
        if item.kind == "entry" and item.error is None and item.source is not None and item.source.follow_links:
            link = json.loads(item.data).get("link")
            if link:
                links[item.record_key] = link
    return links


def parse_items(
    items: list[RawItem], http: HttpClient | None = None, limits: Limits | None = None
) -> tuple[pa.Table, pa.Table]:
    """Parse a chunk of RawItems.

    Returns (raw, quarantine): `raw` has RAW_SCHEMA, one row per readable
    record; `quarantine` has a row for each record that could not be parsed
    (or nests its JSON deeper than `limits.max_json_depth`, or holds no valid
    Unicode), with a one-line reason that names the file (and line) or URL;
    its payload is the record, cut to a prefix when long (extract failures are
    not replayed: their input stays where it was). Pages that feed items link
    to are fetched here, together (see HttpClient.get_many).
    """
    limits = limits or Limits()
    links = _pages_to_fetch(items)
    if links and http is None:
        raise ValueError("feed items to follow, but no HTTP client was given")
    pages = dict(zip(links, http.get_many(links.values()), strict=True)) if links else {}
    rows: list[dict] = []
    rejected: list[dict] = []
    for item in items:
        default_source = TXT_SOURCE if item.kind == "txt" else Path(_file_of(item.record_key)).name
        source = _source_name(item, default_source)
        try:
            if item.error is not None:
                raise ValueError(item.error)
            row = PARSERS[item.kind](item, pages.get(item.record_key), limits)
            _refuse_lone_surrogates(row)
        except Exception as exc:  # noqa: BLE001 - one record that breaks a parser must not take its batch down
            cause = exc if isinstance(exc, ValueError) else f"cannot parse ({type(exc).__name__}: {exc})"
            reason = " ".join(f"{item.record_key}: {cause}".split())  # one line
            rejected.append(quarantine_row(Stage.EXTRACT, source, item.record_key, reason, bounded_payload(item.data)))
            continue
        row["published_raw"] = _with_timezone(row["published_raw"], item.source.timezone if item.source else None)
        row["record_key"] = item.record_key
        row["payload"] = item.data
        row["language"] = item.source.language if item.source else None
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=RAW_SCHEMA), quarantine_table(rejected)
