"""The throughput bench's input: N articles of a JSON Lines file, from its start, after some, or spread over it."""

import gzip

from bench.throughput import copy_lines


def test_copy_lines_takes_n_articles_after_skip_passing_over_blank_lines(tmp_path):
    source = tmp_path / "articles.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as out:
        out.write('{"id": 1}\n\n{"id": 2}\n{"id": 3}\n   \n{"id": 4}')  # no newline after the last
    target = tmp_path / "subset.jsonl"

    assert copy_lines(source, 2, target, skip=1) == 2
    assert target.read_text(encoding="utf-8") == '{"id": 2}\n{"id": 3}\n'

    assert copy_lines(source, 10, target, skip=2) == 2  # fewer left than asked for
    assert target.read_text(encoding="utf-8") == '{"id": 3}\n{"id": 4}\n'

    assert copy_lines(source, 1, target) == 1
    assert target.read_text(encoding="utf-8") == '{"id": 1}\n'


def test_copy_lines_takes_one_article_in_every_e(tmp_path):
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(f'{{"id": {i}}}\n' for i in range(1, 11)) + "\n", encoding="utf-8")
    target = tmp_path / "subset.jsonl"

    assert copy_lines(source, 10, target, every=3) == 4
    assert [line for line in target.read_text(encoding="utf-8").splitlines()] == [
        f'{{"id": {i}}}' for i in (1, 4, 7, 10)
    ]

    assert copy_lines(source, 2, target, skip=1, every=4) == 2
    assert target.read_text(encoding="utf-8") == '{"id": 2}\n{"id": 6}\n'
