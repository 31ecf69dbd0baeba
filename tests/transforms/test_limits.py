"""The limits (transforms/limits.py): each is checked where it says, before anything costly, reading no further than
it; what is over one goes to quarantine with a reason naming the setting and only a prefix of its payload."""

import gzip
import io
import json
import os
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.transforms.test_sources import SEED, read
from transforms import extract
from transforms import normalize as normalize_module
from transforms.extract import iter_chunks, parse_items
from transforms.limits import RAW_TEXT_SLACK, Limits, OverLimit, parse_json_record
from transforms.quarantine import PAYLOAD_PREFIX_CHARS, bounded_payload, is_truncated
from transforms.schemas import RAW_SCHEMA
from transforms.sources import read as read_module
from transforms.sources.read import STREAM_BLOCK, ReadContext

SMALL = Limits(max_article_chars=1_000, max_file_bytes=4 * STREAM_BLOCK, max_lines_per_file=5, max_json_depth=3)


def read_with(limits, *inputs, context=None):
    """(raw rows, quarantine rows) of `inputs` read and parsed under `limits`."""
    raws, rejected = [], []
    for chunk in iter_chunks(inputs, 100, context or ReadContext(limits=limits)):
        raw, quarantine = parse_items(chunk, limits=limits)
        raws += raw.to_pylist()
        rejected += quarantine.to_pylist()
    return raws, rejected


def write_bomb(path, inflated: int):
    """gzip members of 1 MiB of zeros, `inflated` bytes in all (written member by member)."""
    member = gzip.compress(bytes(STREAM_BLOCK))
    path.write_bytes(member * (inflated // STREAM_BLOCK))


@pytest.fixture
def bytes_read(monkeypatch):
    """How many decompressed bytes the readers took from the files they opened, in all."""
    count = {"bytes": 0}
    opened = read_module._open_decompressed

    class Counting:
        def __init__(self, f):
            self.f = f

        def read(self, size=-1):
            data = self.f.read(size)
            count["bytes"] += len(data)
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(read_module, "_open_decompressed", lambda path: Counting(opened(path)))
    return count


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.jsonl.gz", "bomb.html.gz"])
def test_a_compression_bomb_is_quarantined_having_read_at_most_the_limit(tmp_path, bytes_read, name):
    path = tmp_path / name
    write_bomb(path, 64 * STREAM_BLOCK)  # 64 KiB on disk, 64 MiB inflated, the limit 4 MiB
    context = ReadContext(limits=SMALL)
    raws, rejected = read_with(SMALL, path, context=context)
    assert raws == []
    assert [r["reason"] for r in rejected] == [
        f"{path}: the file is over max_file_bytes (4,194,304 bytes once decompressed); reading stopped there"
    ]
    assert bytes_read["bytes"] <= SMALL.max_file_bytes + STREAM_BLOCK
    assert len(rejected[0]["payload"]) <= PAYLOAD_PREFIX_CHARS + 200 and is_truncated(rejected[0]["payload"])
    assert [entry.key for entry in context.updates] == [str(path.resolve())]  # not read again while unchanged


@pytest.mark.parametrize("compress", [False, True])
def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path, compress):
    limits = Limits(max_file_bytes=len(SEED.encode()))
    for name, text in (("at.txt", SEED), ("over.txt", SEED + " ")):
        data = text.encode()
        (tmp_path / name).write_bytes(gzip.compress(data) if compress else data)
    raws, rejected = read_with(limits, tmp_path)
    assert [r["record_key"].rsplit("/")[-1] for r in raws] == ["at.txt"]
    assert [r["record_key"].rsplit("/")[-1] for r in rejected] == ["over.txt"]
    assert f"over max_file_bytes ({len(SEED.encode())} bytes once decompressed)" in rejected[0]["reason"]


def dump(n_lines: int) -> bytes:
    return b"".join(
        json.dumps({"text": f"Новость номер {i}."}, ensure_ascii=False).encode() + b"\n" for i in range(n_lines)
    )


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz", "dump_cp1251.jsonl"])
def test_a_file_over_max_lines_is_quarantined_whole_before_any_record(tmp_path, name):
    def data(n):
        raw = dump(n)
        raw = raw.decode().encode("cp1251") if "cp1251" in name else raw  # read whole, not streamed
        return gzip.compress(raw) if name.endswith(".gz") else raw

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / name).write_bytes(data(5))
    (tmp_path / "over").mkdir()
    (tmp_path / "over" / name).write_bytes(data(6))
    assert [len(part) for part in read_with(SMALL, tmp_path / "ok")] == [5, 0]
    raws, rejected = read_with(SMALL, tmp_path / "over")
    assert raws == [] and [r["reason"].split(": ", 1)[1] for r in rejected] == [
        "the file has more than max_lines_per_file (5 lines)"
    ]


def test_a_dump_that_grows_past_the_limits_while_read_stops_there(tmp_path, monkeypatch):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(dump(3))
    scan = read_module._scan_file

    def scan_then_grow(source, scanned, limits):
        result = scan(source, scanned, limits)
        scanned.write_bytes(dump(40))
        return result

    monkeypatch.setattr(read_module, "_scan_file", scan_then_grow)
    raws, rejected = read_with(SMALL, path)
    assert len(raws) == 5
    assert [r["reason"] for r in rejected] == [
        f"{path}:6: the file has more than max_lines_per_file (5 lines) (it grew while read); the rest is not read"
    ]


def test_json_nesting_is_counted_and_refused_past_the_limit():
    assert parse_json_record('{"a": [{"b": 1}]}', 3) == {"a": [{"b": 1}]}
    with pytest.raises(OverLimit, match=r"nests deeper than max_json_depth \(2 levels\)"):
        parse_json_record('{"a": [{"b": 1}]}', 2)
    with pytest.raises(OverLimit, match="deeper than max_json_depth"):
        parse_json_record("[" * 100_000 + "]" * 100_000, 64)  # past the parser's own recursion limit
    assert parse_json_record('"[[[["', 1) == "[[[["  # brackets in strings are text


def test_deep_records_and_lone_surrogates_are_quarantined_and_the_rest_of_the_dump_is_read(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"text": "Глубоко", "x": [[[[1]]]]}',
                '{"text": "Половина пары \\ud800"}',
                '{"text": "Пара целиком \\ud83d\\ude00"}',
            ]
        ),
        encoding="utf-8",
    )
    raws, rejected = read_with(SMALL, path)
    assert [r["raw_text"] for r in raws] == ["Пара целиком \U0001f600"]
    assert [r["reason"].split(": ", 1)[1] for r in rejected] == [
        "the JSON record nests deeper than max_json_depth (3 levels)",
        "the text holds a lone surrogate (\\ud800), which is not text",
    ]


def test_a_record_that_breaks_a_parser_is_quarantined_not_its_batch(tmp_path, monkeypatch):
    def broken(item, page, limits):
        raise TypeError("a bug")

    monkeypatch.setitem(extract.PARSERS, "txt", broken)
    (tmp_path / "a.txt").write_text(SEED, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "Запись"}', encoding="utf-8")
    raws, rejected = read(tmp_path)
    assert [r["raw_text"] for r in raws] == ["Запись"]
    assert [r["reason"] for r in rejected] == [f"{tmp_path / 'a.txt'}: cannot parse (TypeError: a bug)"]


def parquet(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def test_parquet_rows_and_decoded_size_are_limited(tmp_path):
    (tmp_path / "rows.parquet").write_bytes(parquet(pa.table({"text": [f"Новость {i}" for i in range(6)]})))
    big = pa.DictionaryArray.from_arrays(pa.array([0] * 4, pa.int32()), pa.array(["я" * STREAM_BLOCK]))
    (tmp_path / "bomb.parquet").write_bytes(parquet(pa.table({"text": big})))  # 4 rows of 2 MiB: 8 MiB decoded
    assert (tmp_path / "bomb.parquet").stat().st_size < 10_000
    raws, rejected = read_with(SMALL, tmp_path)
    assert raws == []
    assert [r["reason"].split(": ", 1)[1] for r in rejected] == [
        "the Parquet dump is over max_file_bytes (4,194,304 bytes once decoded); reading stopped there",
        "the Parquet dump has 6 rows, more than max_lines_per_file (5)",
    ]


def test_a_parquet_value_python_cannot_hold_quarantines_its_row_only(tmp_path):
    when = pa.array([-(10**17), 1_773_475_200_000_000], pa.timestamp("us"))
    (tmp_path / "d.parquet").write_bytes(parquet(pa.table({"text": ["Первая", "Вторая"], "published": when})))
    raws, rejected = read(tmp_path)
    assert [(r["raw_text"], r["published_raw"]) for r in raws] == [("Вторая", "2026-03-14 08:00:00")]
    assert [r["record_key"].rsplit("/")[-1] for r in rejected] == ["d.parquet:1"]
    assert "a value cannot be read" in rejected[0]["reason"]


def test_a_csv_field_may_be_as_long_as_an_article(tmp_path):
    text = "Длинная статья. " * 20_000  # 320,000 characters: over the csv module's own default of 131,072
    (tmp_path / "long.csv").write_text(f'text\n"{text}"\n', encoding="utf-8")
    raws, rejected = read(tmp_path)
    assert rejected == [] and raws[0]["raw_text"] == text


def test_entries_that_are_no_regular_files_are_quarantined_not_skipped_and_never_opened(tmp_path):
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "loop_a.txt").symlink_to(tmp_path / "loop_b.txt")
    (tmp_path / "loop_b.txt").symlink_to(tmp_path / "loop_a.txt")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block the run
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)  # not followed: no loop
    (tmp_path / "sub" / "a.txt").write_text(SEED, encoding="utf-8")
    raws, rejected = read(tmp_path)
    assert [r["record_key"] for r in raws] == [str(tmp_path / "sub" / "a.txt")]
    assert [r["reason"].removeprefix(str(tmp_path) + "/") for r in rejected] == [
        f"broken.txt: cannot read file: a symbolic link to nothing ({tmp_path / 'gone.txt'})",
        "loop_a.txt: cannot read file: Too many levels of symbolic links",
        "loop_b.txt: cannot read file: Too many levels of symbolic links",
        "pipe.txt: not a regular file but a FIFO; not read",
    ]


def test_payloads_are_cut_only_when_long_and_say_so():
    assert bounded_payload("short") == "short" and bounded_payload(None) is None
    long = "я" * (PAYLOAD_PREFIX_CHARS + 1)
    cut = bounded_payload(long)
    assert cut.startswith("я" * PAYLOAD_PREFIX_CHARS) and cut.endswith(
        f"\n[newsetl: payload truncated: its first {PAYLOAD_PREFIX_CHARS:,} characters kept, of {len(long):,} characters]"
    )
    assert is_truncated(cut) and bounded_payload(cut) == cut and not is_truncated(long)
    assert not is_truncated('{"text": "[newsetl: payload truncated: its first 5 characters kept, of 9 characters]"}')


def raw_table(**texts) -> pa.Table:
    rows = [
        {"source": "s", "record_key": f"k:{key}", "raw_text": text, "payload": json.dumps({"text": text})}
        for key, text in texts.items()
    ]
    return pa.Table.from_pylist(rows, schema=RAW_SCHEMA)


def test_normalize_quarantines_a_text_over_max_article_chars_before_tagging(monkeypatch):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    at, over = "я" * 1_000, "я" * 1_001
    articles, rejected = normalize_module.normalize(
        raw_table(at=at, over=over, spaced=" ".join(at)), fetched_at=now, max_article_chars=1_000
    )
    assert articles.column("record_key").to_pylist() == ["k:at"]
    assert [r["reason"] for r in rejected.to_pylist()] == [
        "k:over: the text has 1,001 characters, more than max_article_chars (1,000)",
        "k:spaced: the text has 1,999 characters, more than max_article_chars (1,000)",
    ]
    cleaned = []
    monkeypatch.setattr(normalize_module, "normalize_text", lambda text: cleaned.append(len(text)) or text)
    huge = "я" * (RAW_TEXT_SLACK * 1_000 + 1) + " " * PAYLOAD_PREFIX_CHARS
    _, rejected = normalize_module.normalize(raw_table(huge=huge), fetched_at=now, max_article_chars=1_000)
    (row,) = rejected.to_pylist()
    assert (
        row["reason"]
        == "k:huge: the text has 14,001 characters before cleaning, more than 4 times max_article_chars (1,000); not cleaned"
    )
    assert cleaned == [] and is_truncated(row["payload"])  # never cleaned; its payload only a prefix


def test_a_publication_date_too_long_to_be_one_is_refused_at_once():
    with pytest.raises(ValueError, match=r"\(100,001 characters, no date is so long\)"):
        normalize_module.parse_published("1" * 100_001, fetched_at=datetime(2026, 6, 1, tzinfo=UTC))
