"""Read sources into RawItems: the one interface between newsetl and the outside world.

`read_source(source, context)` yields one `RawItem` per record (a seed file, a
dump row, a feed item, a page), or one item with `error` set for what could
not be read (the flow quarantines it). Reading is cheap on purpose: bytes are
decoded and split into records here; parsing, page fetching and HTML
extraction happen per batch in `transforms.extract.parse_items`.

Incremental reading: `context.known` holds what earlier successful runs saw
(`source_state` rows). A file whose size and mtime are unchanged is not even
opened; one whose content hash is unchanged is not re-read; a feed item seen
before is skipped; a URL is asked for with its ETag / Last-Modified. What this
run saw is appended to `context.updates`, which the flow saves only when the
run completes, so a failed run never advances the state.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.sources.config import Source
from transforms.sources.decode import BOMS, CONTROL_SAMPLE, UndecodableError, decode_bytes
from transforms.sources.feeds import FeedError, parse_feed
from transforms.sources.http import HttpClient

SUFFIX_KINDS = {
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".html": "html",
    ".htm": "html",
}
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")


@dataclass(frozen=True)
class StateEntry:
    """What a run saw of one file, URL or feed item (a `source_state` row)."""

    source: str
    key: str
    size: int | None = None
    mtime: float | None = None
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class RawItem:
    """One record as read: a seed file, a dump row, a feed item or a page.

    kind: "txt" (seed-format text), "record" (a dump row as a JSON object),
    "entry" (a feed item as JSON), "html" (a page's decoded HTML), or
    "error" (what could not be read; `error` says why).
    """

    kind: str
    record_key: str  # where it came from: path, path:line, URL, feed#item-id
    data: str | None
    error: str | None = None
    source: Source | None = None
    url: str | None = None  # the page's address, for "html"
    # state to save only if this item gets through extract (feeds that follow links; see ReadContext.settle)
    deferred: tuple[StateEntry, ...] = ()
    replay_of: str | None = None  # the quarantine_id of a record run again by `newsetl quarantine replay`


@dataclass
class ReadContext:
    known: Mapping[tuple[str, str], StateEntry] = field(default_factory=dict)
    http: HttpClient | None = None
    updates: list[StateEntry] = field(default_factory=list)
    _pending: dict[StateEntry, None] = field(default_factory=dict)  # an ordered set
    _blocked: set[StateEntry] = field(default_factory=set)

    def previous(self, source: Source, key: str) -> StateEntry | None:
        return self.known.get((source.name, key))

    def settle(self, items: list[RawItem], failed_keys: set[str]) -> None:
        """After extract: the deferred state of items that failed is not saved, so they are read again.

        A feed whose items link to pages keeps its own state (ETag, hash)
        deferred on every item: one page that could not be fetched keeps the
        whole feed from being skipped next time, and that item is retried.
        """
        for item in items:
            if item.record_key in failed_keys:
                self._blocked.update(item.deferred)
            else:
                self._pending.update(dict.fromkeys(item.deferred))

    def to_save(self) -> list[StateEntry]:
        """What a completed run records in `source_state`."""
        return self.updates + [entry for entry in self._pending if entry not in self._blocked]


def known_state(rows: Iterable[Mapping]) -> dict[tuple[str, str], StateEntry]:
    """`source_state` rows as `ReadContext.known`: by source name and key."""
    return {(row["source"], row["key"]): StateEntry(**row) for row in rows}


def anything_new(sources: Iterable[Source], known: Mapping[tuple[str, str], StateEntry]) -> bool:
    """Whether reading `sources` against `known` would give a record, or an error to quarantine.

    Stops at the first one, so it costs the stat calls of unchanged files (and
    the hashing of files touched but unchanged). A URL may always have news:
    only fetching it tells.
    """
    context = ReadContext(known=known)
    for source in sources:
        if source.is_url:
            return True
        for _ in read_source(source, context):
            return True
    return False


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def is_article_file(path: Path) -> bool:
    """Whether a file found while walking a directory is one we read."""
    return not path.name.startswith(".") and _suffix(path) in SUFFIX_KINDS


def find_files(location: str) -> list[Path]:
    """A directory's article files (recursively, sorted), or the file itself.

    A location that does not exist raises FileNotFoundError: a usage error, not a bad record.
    """
    path = Path(location)
    if path.is_dir():
        return [p for p in sorted(path.rglob("*")) if p.is_file() and is_article_file(p)]
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"input path does not exist: {path}")


def detect_kind(name: str, data: bytes, content_type: str | None = None) -> str:
    """The kind of a file or HTTP body: from its content when it is telling, else its name."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[:4] == PARQUET_MAGIC:
        return "parquet"
    if head.startswith(b"{"):
        return "jsonl"
    if any(root in head for root in FEED_ROOTS):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    if content_type:
        media = content_type.split(";")[0].strip().lower()
        if "rss" in media or "atom" in media or media.endswith("/xml"):
            return "feed"
        if "html" in media:
            return "html"
    return SUFFIX_KINDS.get(_suffix(Path(name.split("?")[0])), "txt")


def _error(source: Source, key: str, reason: str, payload: str | None = None) -> RawItem:
    return RawItem("error", key, payload, error=reason, source=source)


def _lossless(data: bytes) -> str:
    # backslashreplace keeps every byte recoverable from the quarantine payload
    return data.decode("utf-8", errors="backslashreplace")


def _decompress(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == GZIP_MAGIC else data


def items_from_bytes(
    source: Source,
    key: str,
    data: bytes,
    *,
    name: str,
    charset: str | None = None,
    url: str | None = None,
    context: ReadContext,
    kind: str | None = None,
    state: StateEntry | None = None,
) -> Iterator[RawItem]:
    """Split the bytes of one file or HTTP body into records of its kind (detected when not given).

    `state` is what to record for the file or body: now, or, for a source that
    follows links, deferred on its items (see ReadContext.settle).
    """
    items = _split(source, key, data, name=name, charset=charset, url=url, context=context, kind=kind)
    yield from _with_state(items, source, context, state)


def _with_state(
    items: Iterator[RawItem], source: Source, context: ReadContext, state: StateEntry | None
) -> Iterator[RawItem]:
    """`items`, with `state` recorded now, or deferred on them for a source that follows links."""
    if state is None or not source.follow_links:
        if state is not None:
            context.updates.append(state)
        yield from items
        return
    deferred = False
    for item in items:
        deferred = True
        yield replace(item, deferred=(*item.deferred, state))
    if not deferred:
        context.updates.append(state)


def _split(
    source: Source,
    key: str,
    data: bytes,
    *,
    name: str,
    charset: str | None,
    url: str | None,
    context: ReadContext,
    kind: str | None,
) -> Iterator[RawItem]:
    try:
        data = _decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        yield _error(source, key, f"cannot decompress: {exc}")
        return
    if not data.strip():
        yield _error(source, key, "empty file" if url is None else "empty response")
        return
    kind = kind or source.kind or detect_kind(name, data)
    if kind == "parquet":
        yield from _parquet_records(source, key, data)
        return
    try:
        text, _encoding = decode_bytes(data, charset)
    except UndecodableError as exc:
        yield _error(source, key, f"cannot decode: {exc}", _lossless(data))
        return
    text = text.lstrip("\ufeff")
    if kind == "txt":
        yield RawItem("txt", key, text, source=source)
    elif kind == "html":
        yield RawItem("html", key, text, source=source, url=url)
    elif kind == "jsonl":
        # split on "\n" only: JSON strings may hold raw U+2028 or U+0085, which splitlines() breaks on
        for line_no, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield RawItem("record", f"{key}:{line_no}", line, source=source)
    elif kind == "csv":
        yield from _csv_records(source, key, text)
    elif kind == "feed":
        yield from _feed_entries(source, key, text, context)
    else:  # a kind from sources.toml that no reader knows would be a bug in config checking
        raise ValueError(f"unknown kind {kind!r}")


def _csv_records(source: Source, key: str, text: str) -> Iterator[RawItem]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    row_start = 2  # line 1 is the header
    try:
        for row in reader:
            record = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            yield RawItem("record", f"{key}:{row_start}", json.dumps(record, ensure_ascii=False), source=source)
            row_start = reader.line_num + 1
    except csv.Error as exc:
        yield _error(source, f"{key}:{row_start}", f"invalid CSV ({exc}); the rest of the file is not read", text)


def _parquet_records(source: Source, key: str, data: bytes) -> Iterator[RawItem]:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        yield _error(source, key, f"invalid Parquet ({str(exc).splitlines()[0]})")
        return
    for row_no, row in enumerate(table.to_pylist(), start=1):
        payload = json.dumps(row, ensure_ascii=False, default=str)
        yield RawItem("record", f"{key}:{row_no}", payload, source=source)


def _feed_entries(source: Source, key: str, text: str, context: ReadContext) -> Iterator[RawItem]:
    try:
        feed_title, entries = parse_feed(text)
    except FeedError as exc:
        yield _error(source, key, str(exc), text)
        return
    for number, entry in enumerate(entries, start=1):
        entry["feed"] = feed_title
        payload = json.dumps(entry, ensure_ascii=False)
        item_key = f"{key}#{entry['id'] or number}"
        fingerprint = content_hash(payload.encode("utf-8"))
        seen = context.previous(source, item_key)
        if seen is not None and seen.content_hash == fingerprint:
            continue
        state = StateEntry(source.name, item_key, content_hash=fingerprint)
        if source.follow_links:
            yield RawItem("entry", item_key, payload, source=source, deferred=(state,))
        else:
            context.updates.append(state)
            yield RawItem("entry", item_key, payload, source=source)


def _read_file(source: Source, path: Path, context: ReadContext) -> Iterator[RawItem]:
    key = str(path)
    state_key = str(path.resolve())
    seen = context.previous(source, state_key)
    try:
        stat = path.stat()
        if seen is not None and (seen.size, seen.mtime) == (stat.st_size, stat.st_mtime):
            return  # unchanged since the last successful run: not even opened
        digest, streamable = _scan_file(source, path)
    except OSError as exc:
        yield _error(source, key, f"cannot read file: {exc.strerror or exc}")
        return
    state = StateEntry(source.name, state_key, size=stat.st_size, mtime=stat.st_mtime, content_hash=digest)
    if seen is not None and seen.content_hash == digest:
        context.updates.append(state)
        return  # touched but not changed
    if streamable:
        yield from _with_state(_jsonl_file_records(source, key, path), source, context, state)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield _error(source, key, f"cannot read file: {exc.strerror or exc}")
        return
    yield from items_from_bytes(source, key, data, name=path.name, context=context, state=state)


STREAM_BLOCK = 1 << 20


def _open_decompressed(path: Path):
    with path.open("rb") as f:
        compressed = f.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _scan_file(source: Source, path: Path) -> tuple[str, bool]:
    """(content hash of the file's bytes, whether its records can be read line by line), block by block.

    A JSON Lines dump in plain UTF-8 (no byte-order mark, no NUL byte, text
    that `decode_bytes` would take as UTF-8) is streamed, so a dump of any size
    is never held whole in memory; any other file is read whole, as before.
    """
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(STREAM_BLOCK), b""):
            digest.update(block)
    try:
        with _open_decompressed(path) as f:
            head = f.read(STREAM_BLOCK)
            kind = source.kind or detect_kind(path.name, head)
            if kind != "jsonl" or not head.strip() or any(head.startswith(bom) for bom, _ in BOMS) or b"\x00" in head:
                return digest.hexdigest(), False
            decoder = codecs.getincrementaldecoder("utf-8")()
            sample = decoder.decode(head)
            decode_bytes(sample[:CONTROL_SAMPLE].encode("utf-8"))  # refuses binary as a whole read would: same sample
            for block in iter(lambda: f.read(STREAM_BLOCK), b""):
                if b"\x00" in block:
                    return digest.hexdigest(), False
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, UndecodableError):
        return digest.hexdigest(), False  # read whole: the usual path says what is wrong, or guesses the encoding
    return digest.hexdigest(), True


def _jsonl_file_records(source: Source, key: str, path: Path) -> Iterator[RawItem]:
    """The records of a JSON Lines file `_scan_file` found streamable, as `_split` gives them."""
    line_no = 0
    try:
        with _open_decompressed(path) as f:
            # binary lines end at b"\n" only: JSON strings may hold raw U+2028 or U+0085
            for line_no, line in enumerate(f, start=1):
                try:
                    text = line.decode("utf-8").removesuffix("\n")
                except UnicodeDecodeError as exc:  # the file changed since it was scanned
                    yield _error(source, f"{key}:{line_no}", f"cannot decode: {exc.reason}", _lossless(line))
                    continue
                if text.strip():
                    yield RawItem("record", f"{key}:{line_no}", text, source=source)
    except (OSError, EOFError, zlib.error) as exc:  # changed or cut since it was scanned
        yield _error(source, key, f"cannot read file after line {line_no}: {exc}")


def _read_url(source: Source, url: str, context: ReadContext) -> Iterator[RawItem]:
    if context.http is None:
        raise ValueError("reading a URL needs an HTTP client")
    seen = context.previous(source, url)
    response = context.http.get(
        url, etag=seen.etag if seen else None, last_modified=seen.last_modified if seen else None
    )
    if response.not_modified:
        return
    if response.error:
        yield _error(source, url, response.error)
        return
    digest = content_hash(response.body)
    state = StateEntry(
        source.name,
        url,
        size=len(response.body),
        content_hash=digest,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
    if seen is not None and seen.content_hash == digest:
        context.updates.append(state)
        return  # the server ignored our conditional request, but nothing changed
    final_url = response.final_url or url
    try:
        kind = source.kind or detect_kind(final_url, _decompress(response.body), response.headers.get("content-type"))
    except (OSError, EOFError, zlib.error) as exc:
        yield _error(source, url, f"cannot decompress: {exc}")
        return
    yield from items_from_bytes(
        source,
        url,
        response.body,
        name=final_url,
        charset=response.charset,
        url=final_url,
        context=context,
        kind=kind,
        state=state,
    )


def read_source(source: Source, context: ReadContext) -> Iterator[RawItem]:
    """Yield the new or changed records of one source (see the module docstring)."""
    if source.is_url:
        yield from _read_url(source, source.location, context)
        return
    try:
        paths = find_files(source.location)
    except FileNotFoundError:
        # a named source whose folder is missing (an unmounted share) must not stop the others
        yield _error(source, source.location, "the location does not exist")
        return
    for path in paths:
        yield from _read_file(source, path, context)
