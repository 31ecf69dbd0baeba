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
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISFIFO, S_ISREG, S_ISSOCK

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from transforms.limits import Limits, OverLimit
from transforms.quarantine import PAYLOAD_PREFIX_CHARS, bounded_payload
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
    limits: Limits = field(default_factory=Limits)
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

    Entries named like article files that are no regular file (a broken
    symbolic link, a FIFO, a link loop) are listed too: reading them
    quarantines them, so nothing meant as input is skipped silently.
    Symbolic links to directories are not followed (no loops). A location
    that does not exist raises FileNotFoundError: a usage error, not a bad record.
    """
    path = Path(location)
    if path.is_dir():
        return [p for p in sorted(path.rglob("*")) if is_article_file(p) and not p.is_dir()]
    if path.exists() or path.is_symlink():
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
    """What could not be read; its payload (what was read of it) is cut to a prefix (see bounded_payload)."""
    return RawItem("error", key, bounded_payload(payload), error=reason, source=source)


def _lossless(data: bytes) -> str:
    # backslashreplace keeps every byte recoverable from the quarantine payload
    return data.decode("utf-8", errors="backslashreplace")


def _lossless_start(data: bytes) -> str:
    """The payload of bytes that are no text: the start of them, losslessly (never all of a big file)."""
    if len(data) <= PAYLOAD_PREFIX_CHARS:
        return _lossless(data)
    return bounded_payload(_lossless(data[:PAYLOAD_PREFIX_CHARS]), whole=f"{len(data):,} bytes")


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
    """Split the (decompressed) bytes of one file or HTTP body into records of its kind (detected when not given).

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
    if not data.strip():
        yield _error(source, key, "empty file" if url is None else "empty response")
        return
    kind = kind or source.kind or detect_kind(name, data)
    if kind == "parquet":
        yield from _parquet_records(source, key, data, context.limits)
        return
    try:
        text, _encoding = decode_bytes(data, charset)
    except UndecodableError as exc:
        yield _error(source, key, f"cannot decode: {exc}", _lossless_start(data))
        return
    text = text.lstrip("\ufeff")
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > context.limits.max_lines_per_file:
        yield _error(source, key, str(_too_many_lines(context.limits.max_lines_per_file)), text)
        return
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
        yield from _csv_records(source, key, text, context.limits)
    elif kind == "feed":
        yield from _feed_entries(source, key, text, context)
    else:  # a kind from sources.toml that no reader knows would be a bug in config checking
        raise ValueError(f"unknown kind {kind!r}")


def _csv_records(source: Source, key: str, text: str, limits: Limits) -> Iterator[RawItem]:
    # The csv module's own guard refuses fields over 131,072 characters (a long article); what bounds a field
    # here is the file's size, max_file_bytes. The setting is the module's, for the whole process.
    if csv.field_size_limit() < limits.max_file_bytes:
        csv.field_size_limit(limits.max_file_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    row_start = 2  # line 1 is the header
    try:
        for row in reader:
            record = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            yield RawItem("record", f"{key}:{row_start}", json.dumps(record, ensure_ascii=False), source=source)
            row_start = reader.line_num + 1
    except csv.Error as exc:
        yield _error(source, f"{key}:{row_start}", f"invalid CSV ({exc}); the rest of the file is not read", text)


PARQUET_BATCH_ROWS = 1024


def _parquet_records(source: Source, key: str, data: bytes, limits: Limits) -> Iterator[RawItem]:
    """The rows of a Parquet dump, once its row count and its size decoded are known to be within the limits.

    Text columns are read dictionary-encoded, so a value repeated a million
    times (a Parquet "bomb": a few kilobytes that decode to gigabytes) is
    measured without being written out.
    """
    try:
        schema = pq.ParquetFile(pa.BufferReader(data)).schema_arrow
        text_columns = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_binary(f.type)]
        parquet = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text_columns)
        if parquet.metadata.num_rows > limits.max_lines_per_file:
            yield _error(
                source,
                key,
                f"the Parquet dump has {parquet.metadata.num_rows:,} rows, more than max_lines_per_file ({limits.max_lines_per_file:,})",
            )
            return
        decoded = 0
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            decoded += _decoded_bytes(batch)
            if decoded > limits.max_file_bytes:
                yield _error(
                    source,
                    key,
                    f"the Parquet dump is over max_file_bytes ({limits.max_file_bytes:,} bytes once decoded); reading stopped there",
                )
                return
        batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS)
        row_no = 0
        for batch in batches:
            for row in _rows(batch):
                row_no += 1
                if isinstance(row, Exception):
                    reason = f"a value cannot be read ({type(row).__name__}: {row})"
                    yield _error(source, f"{key}:{row_no}", reason)
                    continue
                payload = json.dumps(row, ensure_ascii=False, default=str)
                yield RawItem("record", f"{key}:{row_no}", payload, source=source)
    except (pa.ArrowException, OSError) as exc:
        yield _error(source, key, f"invalid Parquet ({(str(exc).splitlines() or [type(exc).__name__])[0]})")


def _decoded_bytes(batch: pa.RecordBatch) -> int:
    """How many bytes `batch` takes once its dictionary-encoded columns are written out."""
    total = 0
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            total += pc.sum(pc.take(pc.binary_length(column.dictionary), column.indices)).as_py() or 0
            total += column.indices.nbytes
        else:
            total += column.nbytes
    return total


def _rows(batch: pa.RecordBatch) -> Iterator[dict | Exception]:
    """The rows of `batch` as dicts; a row with a value Python cannot hold (a timestamp in year 0) as its exception."""
    try:
        yield from batch.to_pylist()
    except Exception:  # noqa: BLE001 - one odd value must not take the rest of the dump down
        for index in range(batch.num_rows):
            try:
                yield batch.slice(index, 1).to_pylist()[0]
            except Exception as exc:  # noqa: BLE001
                yield exc


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
    limits = context.limits
    try:
        stat = path.stat()
    except OSError as exc:
        yield _error(source, key, f"cannot read file: {_stat_failure(path, exc)}")
        return
    if not S_ISREG(stat.st_mode):  # a FIFO would block the run, a device never end
        yield _error(source, key, f"not a regular file but {_file_type(stat.st_mode)}; not read")
        return
    state_key = str(path.resolve())
    seen = context.previous(source, state_key)
    if seen is not None and (seen.size, seen.mtime) == (stat.st_size, stat.st_mtime):
        return  # unchanged since the last successful run: not even opened
    try:
        scan = _scan_file(source, path, limits)
    except OSError as exc:
        yield _error(source, key, f"cannot read file: {exc.strerror or exc}")
        return
    state = StateEntry(source.name, state_key, size=stat.st_size, mtime=stat.st_mtime, content_hash=scan.digest)
    if scan.over_limit:
        yield from _with_state(iter([_over_limit(source, key, scan.over_limit, scan.head)]), source, context, state)
        return
    if seen is not None and seen.content_hash == scan.digest:
        context.updates.append(state)
        return  # touched but not changed
    if scan.streamable:
        yield from _with_state(_jsonl_file_records(source, key, path, limits), source, context, state)
        return
    try:
        with _open_decompressed(path) as f:
            data = _read_at_most(f, limits.max_file_bytes)
    except OverLimit as exc:  # it grew since it was scanned
        yield from _with_state(iter([_over_limit(source, key, exc, scan.head)]), source, context, state)
        return
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield from _with_state(iter([_error(source, key, f"cannot decompress: {exc}")]), source, context, state)
        return
    except OSError as exc:
        yield _error(source, key, f"cannot read file: {exc.strerror or exc}")
        return
    yield from items_from_bytes(source, key, data, name=path.name, context=context, state=state)


def _stat_failure(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return f"a symbolic link to nothing ({os.readlink(path)})"
    return exc.strerror or str(exc)


def _file_type(mode: int) -> str:
    kinds = ((S_ISFIFO, "a FIFO"), (S_ISSOCK, "a socket"), (S_ISCHR, "a character device"), (S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def _over_limit(source: Source, key: str, exc: OverLimit, head: bytes) -> RawItem:
    """A file over a limit: its reason, and as payload the start of what was read (never the whole)."""
    return _error(
        source, key, str(exc), bounded_payload(_lossless(head[:PAYLOAD_PREFIX_CHARS]), whole="a file over a limit")
    )


STREAM_BLOCK = 1 << 20


def _open_decompressed(path: Path):
    with path.open("rb") as f:
        compressed = f.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _too_big(limit: int) -> OverLimit:
    return OverLimit(f"the file is over max_file_bytes ({limit:,} bytes once decompressed); reading stopped there")


def _read_at_most(f, limit: int) -> bytes:
    """All of `f`, block by block; OverLimit as soon as it holds more than `limit` bytes (nothing more is read)."""
    blocks, size = [], 0
    for block in iter(lambda: f.read(STREAM_BLOCK), b""):
        size += len(block)
        if size > limit:
            raise _too_big(limit)
        blocks.append(block)
    return b"".join(blocks)


def _inflate(data: bytes, limit: int) -> bytes:
    """`data`, gunzipped (every member) when it is gzip, of at most `limit` bytes (else OverLimit)."""
    if data[:2] != GZIP_MAGIC:
        if len(data) > limit:
            raise _too_big(limit)
        return data
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
        return _read_at_most(f, limit)


@dataclass(frozen=True)
class Scan:
    """What a pass over a file found, before any of it is kept."""

    digest: str | None  # sha256 of the file's bytes (None when over a limit: not hashed)
    head: bytes  # its first block, decompressed
    streamable: bool  # a JSON Lines dump in plain UTF-8: read line by line
    over_limit: OverLimit | None = None


def _scan_file(source: Source, path: Path, limits: Limits) -> Scan:
    """Decompress the file block by block, up to the limit, keeping only its first block; then hash it.

    A file over max_file_bytes is found having read at most that much (a
    compression bomb never inflates further). A JSON Lines dump in plain UTF-8
    (no byte-order mark, no NUL byte, text that `decode_bytes` would take as
    UTF-8) is streamed, so a dump of any size is never held whole in memory;
    its lines are counted here. Any other file is read whole.
    """
    head, size, lines, last, streamable = b"", 0, 0, b"", False
    decoder = codecs.getincrementaldecoder("utf-8")()

    def still_utf8(block: bytes, final: bool = False) -> bool:
        try:
            decoder.decode(block, final=final)
        except UnicodeDecodeError:
            return False
        return b"\x00" not in block

    try:
        with _open_decompressed(path) as f:
            head = f.read(STREAM_BLOCK)
            size, lines, last = len(head), head.count(b"\n"), head[-1:]
            kind = source.kind or detect_kind(path.name, head)
            streamable = (
                kind == "jsonl"
                and bool(head.strip())
                and not any(head.startswith(bom) for bom, _ in BOMS)
                and still_utf8(head)
                and _not_binary(head)
            )
            for block in iter(lambda: f.read(STREAM_BLOCK), b""):
                size += len(block)
                if size > limits.max_file_bytes:
                    break
                lines += block.count(b"\n")
                last = block[-1:]
                streamable = streamable and still_utf8(block)
            streamable = streamable and still_utf8(b"", final=True)  # no character cut short at the end
    except (EOFError, zlib.error, gzip.BadGzipFile):
        streamable = False  # read whole: the usual path says what is wrong
    if size > limits.max_file_bytes:
        return Scan(None, head, False, _too_big(limits.max_file_bytes))
    lines += bool(last) and last != b"\n"  # a last line without its newline
    if streamable and lines > limits.max_lines_per_file:
        return Scan(None, head, False, _too_many_lines(limits.max_lines_per_file))
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(STREAM_BLOCK), b""):
            digest.update(block)
    return Scan(digest.hexdigest(), head, streamable)


def _not_binary(head: bytes) -> bool:
    """Whether `decode_bytes` takes the start of a UTF-8 file for text (the same sample a whole read looks at)."""
    try:
        decode_bytes(head.decode("utf-8", "ignore")[:CONTROL_SAMPLE].encode("utf-8"))
    except UndecodableError:
        return False
    return True


def _too_many_lines(limit: int) -> OverLimit:
    return OverLimit(f"the file has more than max_lines_per_file ({limit:,} lines)")


def _jsonl_file_records(source: Source, key: str, path: Path, limits: Limits) -> Iterator[RawItem]:
    """The records of a JSON Lines file `_scan_file` found streamable, as `_split` gives them.

    The limits hold here too: the file may have grown since it was scanned.
    """
    line_no, size = 0, 0
    try:
        with _open_decompressed(path) as f:
            # binary lines end at b"\n" only: JSON strings may hold raw U+2028 or U+0085
            while line := f.readline(limits.max_file_bytes - size + 1):
                line_no += 1
                size += len(line)
                if size > limits.max_file_bytes or line_no > limits.max_lines_per_file:
                    over = (
                        _too_big(limits.max_file_bytes)
                        if size > limits.max_file_bytes
                        else _too_many_lines(limits.max_lines_per_file)
                    )
                    yield _error(source, f"{key}:{line_no}", f"{over} (it grew while read); the rest is not read")
                    return
                try:
                    text = line.decode("utf-8").removesuffix("\n")
                except UnicodeDecodeError as exc:  # the file changed since it was scanned
                    yield _error(source, f"{key}:{line_no}", f"cannot decode: {exc.reason}", _lossless_start(line))
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
        body = _inflate(response.body, context.limits.max_file_bytes)
    except OverLimit as exc:
        yield from _with_state(
            iter([_over_limit(source, url, exc, response.body[:STREAM_BLOCK])]), source, context, state
        )
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield _error(source, url, f"cannot decompress: {exc}")
        return
    kind = source.kind or detect_kind(final_url, body, response.headers.get("content-type"))
    yield from items_from_bytes(
        source,
        url,
        body,
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
