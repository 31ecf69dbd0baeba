"""The throughput bench's input: N articles of a JSON Lines file, from its start or after some."""

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
