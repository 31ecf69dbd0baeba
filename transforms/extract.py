"""Extract: read input files into batches of raw article records.

Input kinds, recognised from the file:
- seed-format text: a ` date YYYY-MM-DD ` header, then the article text
  (`.txt`; one article per file);
- JSON Lines dumps with fields `id, source, url, title, published, text`
  (`.jsonl`, `.ndjson`, optionally gzip-compressed; one article per line).

`iter_chunks` walks the inputs and yields chunks of `RawItem`s (cheap: bytes
and where they came from); `parse_items` turns a chunk into a RAW_SCHEMA table
plus quarantine rows (stage `extract`) for what could not be read.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from transforms.quarantine import quarantine_row, quarantine_table

STAGE = "extract"
TXT_SOURCE = "files"

RAW_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("record_key", pa.string()),  # where the record came from: a file path, or path:line
        ("url", pa.string()),
        ("title", pa.string()),
        ("published_raw", pa.string()),  # the publication date exactly as the source gave it
        ("raw_text", pa.string()),
        ("payload", pa.string()),  # the whole raw record, for quarantine and replay
    ]
)

TXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
GZIP_MAGIC = b"\x1f\x8b"
SEED_HEADER = re.compile(r"\A\s*date\s+(\S+)[ \t]*")
# Failures of the file itself: replaying its stored payload cannot fix them, re-reading the fixed file can.
CANNOT_READ = "cannot read file"
NOT_UTF8 = "not valid UTF-8"


@dataclass(frozen=True)
class RawItem:
    """One record as read from disk: a whole `.txt` file or one JSONL line."""

    kind: str  # "txt" or "jsonl"
    record_key: str
    data: str | None
    error: str | None = None
    replay_of: str | None = None  # the quarantine_id of the record when it is replayed


def _suffixes(path: Path) -> list[str]:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes


def is_article_file(path: Path) -> bool:
    """Whether a file found while walking a directory is one we read."""
    if path.name.startswith("."):
        return False
    suffixes = _suffixes(path)
    return bool(suffixes) and suffixes[-1] in TXT_SUFFIXES | JSONL_SUFFIXES


def find_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories recursively (sorted, article files only); keep files as given.

    A path that does not exist raises FileNotFoundError: that is a usage error,
    not a bad record.
    """
    files: list[Path] = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_article_file(p))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"input path does not exist: {path}")
    return files


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == GZIP_MAGIC:
        data = gzip.decompress(data)
    return data


def detect_kind(path: Path, head: bytes) -> str:
    """`txt` or `jsonl`, from the suffix, else from the first non-blank character."""
    suffixes = _suffixes(path)
    if suffixes and suffixes[-1] in JSONL_SUFFIXES:
        return "jsonl"
    if suffixes and suffixes[-1] in TXT_SUFFIXES:
        return "txt"
    return "jsonl" if head.lstrip()[:1] == b"{" else "txt"


def iter_raw_items(files: Iterable[Path]) -> Iterator[RawItem]:
    """Yield one RawItem per record; unreadable files yield one item with an error."""
    for path in files:
        key = str(path)
        try:
            data = _read_bytes(path)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield RawItem("txt", key, None, f"{CANNOT_READ}: {exc}")
            continue
        kind = detect_kind(path, data[:64])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # backslashreplace keeps every byte recoverable from the quarantine payload
            lossless = data.decode("utf-8", errors="backslashreplace")
            yield RawItem(kind, key, lossless, f"{NOT_UTF8} ({exc.reason} at byte {exc.start})")
            continue
        if kind == "txt":
            yield RawItem("txt", key, text)
            continue
        # split on "\n" only: JSON strings may hold raw U+2028 or U+0085, which splitlines() breaks on
        for line_no, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield RawItem("jsonl", f"{key}:{line_no}", line)


def replay_item(quarantine_id: str, record_key: str, payload: str, reason: str) -> RawItem:
    """A quarantined record as a RawItem again, to run it through the pipeline once more.

    The kind is recognised from the payload as `detect_kind` does from content.
    A file that could not be read or decoded keeps its error: it stays in quarantine.
    """
    kind = "jsonl" if payload.lstrip()[:1] == "{" else "txt"
    error = reason.removeprefix(f"{record_key}: ")
    if error.startswith((CANNOT_READ, NOT_UTF8)):
        return RawItem(kind, record_key, payload, error, replay_of=quarantine_id)
    return RawItem(kind, record_key, payload, replay_of=quarantine_id)


def iter_chunks(paths: Iterable[str | Path], batch_size: int) -> Iterator[list[RawItem]]:
    """Group the records of all inputs into chunks of `batch_size` items."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    chunk: list[RawItem] = []
    for item in iter_raw_items(find_input_files(paths)):
        chunk.append(item)
        if len(chunk) == batch_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse_txt(item: RawItem) -> dict:
    match = SEED_HEADER.match(item.data)
    if not match:
        raise ValueError("no ' date YYYY-MM-DD ' header at the start of the file")
    return {
        "source": TXT_SOURCE,
        "url": None,
        "title": None,
        "published_raw": match.group(1),
        "raw_text": item.data[match.end() :],
    }


def _optional_str(record: dict, field: str) -> str | None:
    value = record.get(field)
    if value is None or value == "":
        return None
    return str(value)


def _parse_jsonl(item: RawItem) -> dict:
    try:
        record = json.loads(item.data)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"a JSON object was expected, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the record has no 'text'")
    return {
        "source": _optional_str(record, "source") or Path(item.record_key.rsplit(":", 1)[0]).name,
        "url": _optional_str(record, "url"),
        "title": _optional_str(record, "title"),
        "published_raw": _optional_str(record, "published"),
        "raw_text": text,
    }


PARSERS = {"txt": _parse_txt, "jsonl": _parse_jsonl}


def parse_items(items: list[RawItem]) -> tuple[pa.Table, pa.Table]:
    """Parse a chunk of RawItems.

    Returns (raw, quarantine): `raw` has RAW_SCHEMA, one row per readable
    record; `quarantine` has a row for each record that could not be parsed,
    with a one-line reason that names the file (and line).
    """
    rows: list[dict] = []
    rejected: list[dict] = []
    for item in items:
        source = TXT_SOURCE if item.kind == "txt" else Path(item.record_key.rsplit(":", 1)[0]).name
        if item.error is not None:
            reason = f"{item.record_key}: {item.error}"
            rejected.append(quarantine_row(STAGE, source, item.record_key, reason, item.data or ""))
            continue
        try:
            row = PARSERS[item.kind](item)
        except ValueError as exc:
            rejected.append(
                quarantine_row(STAGE, source, item.record_key, f"{item.record_key}: {exc}", item.data)
            )
            continue
        row["record_key"] = item.record_key
        row["payload"] = item.data
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=RAW_SCHEMA), quarantine_table(rejected)
