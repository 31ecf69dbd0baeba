import gzip
import json

import pytest

from transforms.extract import find_input_files, iter_chunks, parse_items
from transforms.schemas import RAW_SCHEMA


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def parse_paths(*paths, batch_size=100):
    raws, rejected = [], []
    for chunk in iter_chunks(paths, batch_size):
        raw, quarantine = parse_items(chunk)
        raws.extend(raw.to_pylist())
        rejected.extend(quarantine.to_pylist())
    return raws, rejected


def test_seed_format_header_and_text(tmp_path):
    path = write(tmp_path / "a.txt", " date 2026-01-14 Первый абзац.\n\nВторой абзац.")
    raws, rejected = parse_paths(path)
    assert rejected == []
    assert raws == [
        {
            "source": "files",
            "record_key": str(path),
            "url": None,
            "title": None,
            "author": None,
            "published_raw": "2026-01-14",
            "raw_text": "Первый абзац.\n\nВторой абзац.",
            "payload": " date 2026-01-14 Первый абзац.\n\nВторой абзац.",
            "language": None,
        }
    ]


def test_txt_without_header_is_quarantined_naming_the_file(tmp_path):
    path = write(tmp_path / "no_header.txt", "Просто текст без заголовка.")
    raws, rejected = parse_paths(path)
    assert raws == []
    assert len(rejected) == 1
    assert rejected[0]["stage"] == "extract"
    assert rejected[0]["reason"].startswith(f"{path}: no ' date YYYY-MM-DD ' header")
    assert rejected[0]["payload"] == "Просто текст без заголовка."


def test_jsonl_gzip_with_bad_lines(tmp_path):
    lines = [
        json.dumps(
            {"id": "1", "source": "s", "url": "http://x/1", "title": "T", "published": "2026-01-01", "text": "Текст"}
        ),
        "{not json",
        json.dumps({"id": "3", "source": "s", "text": ""}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "6", "text": "Без источника"}),
    ]
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    raws, rejected = parse_paths(path)
    assert [r["record_key"] for r in raws] == [f"{path}:1", f"{path}:6"]
    assert raws[0]["url"] == "http://x/1" and raws[0]["published_raw"] == "2026-01-01"
    assert raws[1]["source"] == "dump.jsonl.gz"
    reasons = {r["record_key"]: r["reason"] for r in rejected}
    assert set(reasons) == {f"{path}:2", f"{path}:3", f"{path}:4"}
    assert "invalid JSON" in reasons[f"{path}:2"]
    assert "no 'text'" in reasons[f"{path}:3"]
    assert "JSON object was expected" in reasons[f"{path}:4"]


def test_jsonl_lines_split_only_on_newline(tmp_path):
    path = tmp_path / "d.jsonl"
    record = {"text": "Абзац\u2028второй\u0085третий\x0cчетвертый"}
    path.write_text(
        json.dumps(record, ensure_ascii=False) + "\r\n" + json.dumps(record, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    raws, rejected = parse_paths(path)
    assert rejected == []
    assert [r["raw_text"] for r in raws] == [record["text"]] * 2


def test_binary_garbage_is_quarantined_with_recoverable_payload(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b" date 2026-01-01 " + bytes(range(256)) * 4)
    raws, rejected = parse_paths(path)
    assert raws == []
    assert rejected[0]["reason"].startswith(f"{path}: cannot decode: binary data")
    assert "\\x" in rejected[0]["payload"]


def test_directories_are_read_recursively_in_order_and_skip_other_files(tmp_path):
    write(tmp_path / "b.txt", " date 2026-01-01 b")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "a.txt", " date 2026-01-01 a")
    write(tmp_path / "README.md", "not an article")
    write(tmp_path / ".hidden.txt", " date 2026-01-01 h")
    assert find_input_files([tmp_path]) == [tmp_path / "b.txt", tmp_path / "sub" / "a.txt"]


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_input_files([tmp_path / "nope"])


def test_chunks_have_batch_size_items(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps({"text": f"t{i}"}) for i in range(7)))
    sizes = [len(chunk) for chunk in iter_chunks([path], 3)]
    assert sizes == [3, 3, 1]


def test_chunks_also_stop_at_batch_chars(tmp_path):
    # record lengths: 29, 29, 129 (longer than the limit: a chunk of its own), 29, 29, 29
    texts = ["a" * 17, "b" * 17, "c" * 117, "d" * 17, "e" * 17, "f" * 17]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps({"text": text}) for text in texts))
    chunks = list(iter_chunks([path], 3, batch_chars=70))
    assert [[len(item.data) for item in chunk] for chunk in chunks] == [[29, 29], [129], [29, 29], [29]]
    assert [len(chunk) for chunk in iter_chunks([path], 3, batch_chars=1_000)] == [3, 3]
    with pytest.raises(ValueError, match="batch_chars"):
        next(iter_chunks([path], 3, batch_chars=0))


def test_empty_chunk_gives_empty_tables_with_schema():
    raw, rejected = parse_items([])
    assert raw.schema == RAW_SCHEMA and raw.num_rows == 0 and rejected.num_rows == 0


def test_replay_item_recognises_the_record_kind():
    from transforms.extract import parse_items, replay_item

    record = replay_item("q1", "d.jsonl:3", '{"text": "Текст", "published": "2026-01-01"}')
    entry = replay_item(
        "q2", "feed.rss#item-1", '{"content": "Текст", "summary": null, "title": "T", "published": null, "link": null}'
    )
    seed = replay_item("q3", "a.txt", " date 2026-01-14 Текст.")
    assert [(i.kind, i.replay_of) for i in (record, entry, seed)] == [("record", "q1"), ("entry", "q2"), ("txt", "q3")]
    raw, rejected = parse_items([record, entry, seed])
    assert rejected.num_rows == 0
    assert raw.column("record_key").to_pylist() == ["d.jsonl:3", "feed.rss#item-1", "a.txt"]
