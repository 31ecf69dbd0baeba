"""The warehouse commands and `newsetl sql` over files, driven like a user would."""

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse import db

runner = CliRunner()
QUERIES = Path(__file__).resolve().parents[2] / "warehouse" / "queries"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_sql_reads_a_sql_file_and_writes_parquet(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    out = tmp_path / "top.parquet"
    result = invoke("sql", QUERIES / "top_entities_per_day.sql", "--db", db_path, "--format", "parquet", "--output", out)
    assert result.exit_code == 0, result.output
    top = pq.read_table(out).to_pylist()
    assert [(r["rank"], r["name"], r["n_mentions"], r["n_articles"]) for r in top[:2]] == [(1, "Джаред Кушнер", 2, 2), (2, "Москва", 2, 2)]


def test_sql_writes_csv_to_a_file(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    out = tmp_path / "pairs.csv"
    result = invoke("sql", QUERIES / "co_occurrence.sql", "--db", db_path, "--format", "csv", "--output", out)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "type_a,name_a,type_b,name_b,n_articles,n_sentences"
    assert "PER,Джаред Кушнер,LOC,Москва,2,2" in lines or "LOC,Москва,PER,Джаред Кушнер,2,2" in lines


def test_sql_writes_its_table_to_a_file(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    out = tmp_path / "pairs.txt"
    result = invoke("sql", QUERIES / "co_occurrence.sql", "--db", db_path, "--output", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "name_a" in text and "Джаред Кушнер" in text and "rows" in text.splitlines()[-1]


# Queries with bound parameters ($name) are for programs, not for `newsetl sql`.
@pytest.mark.parametrize("query", sorted(p.name for p in QUERIES.glob("*.sql") if "$" not in p.read_text(encoding="utf-8")))
def test_every_example_query_runs(small_warehouse, query):
    db_path, _ = small_warehouse
    result = invoke("sql", QUERIES / query, "--db", db_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.output.splitlines()]  # each returns rows on this warehouse


def test_sql_refuses_writes_in_a_file_and_parquet_without_output(small_warehouse, tmp_path):
    db_path, _ = small_warehouse
    bad = tmp_path / "bad.sql"
    bad.write_text("DELETE FROM articles;", encoding="utf-8")
    assert invoke("sql", bad, "--db", db_path).exit_code == 2
    assert "--output" in invoke("sql", "select 1", "--db", db_path, "--format", "parquet").output
    assert "no such .sql file" in invoke("sql", tmp_path / "missing.sql", "--db", db_path).output


def test_runs_lists_the_run(small_warehouse):
    db_path, _ = small_warehouse
    result = invoke("runs", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "r1" in result.output and "completed" in result.output and "tag_entities 1.5 s, load 0.2 s" in result.output
    assert "2 read = 2 loaded + 0 dup + 0 quar, 5 mentions" in result.output


def test_explain_highlights_the_mentions(small_warehouse):
    db_path, _ = small_warehouse
    command = [sys.executable, "-c", "from flows.cli import main; main()", "explain", "a1", "--db", str(db_path)]
    result = subprocess.run(command, capture_output=True, text=True, env={"FORCE_COLOR": "1", "COLUMNS": "120", "PATH": ""}, timeout=60)
    assert result.returncode == 0, result.stderr
    # the surface forms are wrapped in colour codes: cyan for people, green for places
    assert "\x1b[1;36mВладимир Путин\x1b[0m" in result.stdout
    assert "\x1b[1;32mМоскве\x1b[0m" in result.stdout
    assert "Джаред Кушнер" in result.stdout  # «Кушнером» resolved to the full name in the span table
    missing = invoke("explain", "nope", "--db", db_path)
    assert missing.exit_code == 1 and "no article 'nope'" in missing.output


def test_rebuild_and_compact_commands(small_warehouse):
    db_path, lake_root = small_warehouse
    con = db.connect(db_path, read_only=True)
    before = db.table_checksums(con)
    con.close()
    result = invoke("rebuild", "--db", db_path, "--lake", lake_root)
    assert result.exit_code == 0, result.output
    assert "rebuilt from 1 batches" in result.output
    compacted = invoke("lake", "compact", "--db", db_path, "--lake", lake_root)
    assert compacted.exit_code == 0 and "files →" in compacted.output
    con = db.connect(db_path, read_only=True)
    assert db.table_checksums(con) == before
    con.close()
