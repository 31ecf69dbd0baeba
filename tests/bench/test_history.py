"""The record of speed: rows appended with what makes them comparable, read back, printed one per run."""

import json

import pytest

from bench import history


def test_a_recorded_row_carries_commit_machine_and_figures_and_reads_back(tmp_path):
    path = tmp_path / "results" / "history.jsonl"
    first = history.record("throughput", {"n_articles": 2000, "ratio": 1.53, "bare_natasha_rate": 4.9}, path)
    history.record("throughput", {"n_articles": 600, "ratio": 1.21}, path)
    history.record("other", {"wall_seconds": 3.5}, path)

    rows = history.read(path)
    assert [row["bench"] for row in rows] == ["throughput", "throughput", "other"]
    assert rows[0] == first and first["ratio"] == 1.53 and first["cores"] >= 1
    assert first["commit"] != "unknown" and len(first["commit"].split("+")[0]) >= 7  # this checkout is a git one
    assert [row["n_articles"] for row in history.read(path, bench="throughput")] == [2000, 600]
    assert all(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())


def test_the_table_shows_one_line_per_run_with_blanks_for_missing_figures(tmp_path):
    path = tmp_path / "history.jsonl"
    history.record("throughput", {"n_articles": 2000, "ratio": 1.534, "bare_natasha_rate": 4.9, "peak_mib": 2073}, path)
    history.record("throughput", {"n_articles": 1000, "peak_mib": 1500.4}, path)  # --pipeline-only: no ratio

    lines = history.table(history.read(path)).splitlines()
    assert len(lines) == 3 and lines[0].split()[:2] == ["when", "(UTC)"]
    ratio_at = lines[0].index("ratio")
    assert lines[1][ratio_at:].split()[0] == "1.53"
    assert lines[2][ratio_at:].split()[0] == "1,500"  # no ratio: the next figure (peak) follows the blank
    assert "2,073" in lines[1] and "2,000" in lines[1]


def test_a_broken_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text('{"bench": "throughput"}\n{not json\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"history.jsonl:2: not a JSON object"):
        history.read(path)
    assert history.read(tmp_path / "absent.jsonl") == []
