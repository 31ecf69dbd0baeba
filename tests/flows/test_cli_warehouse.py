"""`newsetl runs`, `explain`, `rebuild`, `lake compact` and `docs` over a small warehouse, driven like a user would."""

import subprocess
import sys

from typer.testing import CliRunner

from flows.cli import app
from warehouse import db

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_runs_lists_the_run(small_warehouse):
    db_path, _ = small_warehouse
    result = invoke("runs", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "r1" in result.output and "completed" in result.output and "tag_entities 1.5 s, load 0.2 s" in result.output
    assert "2 read = 2 loaded + 0 dup + 0 quar, 5 mentions" in result.output


def test_explain_highlights_the_mentions(small_warehouse):
    db_path, _ = small_warehouse
    command = [sys.executable, "-c", "from flows.cli import main; main()", "explain", "a1", "--db", str(db_path)]
    result = subprocess.run(
        command, capture_output=True, text=True, env={"FORCE_COLOR": "1", "COLUMNS": "120", "PATH": ""}, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # the surface forms are wrapped in colour codes: cyan for people, green for places
    assert "\x1b[1;36mВладимир Путин\x1b[0m" in result.stdout
    assert "\x1b[1;32mМоскве\x1b[0m" in result.stdout
    assert "Джаред Кушнер" in result.stdout  # «Кушнером» resolved to the full name in the span table
    assert "by Анна Петрова · test" in result.stdout  # the author, then the source
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


def test_docs_without_a_run_says_so(tmp_path):
    result = invoke("docs", "--db", tmp_path / "w.duckdb")
    assert result.exit_code == 1 and "no Data Docs at" in result.output
