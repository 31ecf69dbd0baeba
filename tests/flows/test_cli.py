import json

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def command_names():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_sql_refuses_a_write(tmp_path):
    from warehouse import db

    db.connect(tmp_path / "w.duckdb").close()
    result = runner.invoke(app, ["sql", "DELETE FROM articles", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "refused: DELETE statements change the warehouse" in result.output


def test_sql_formats(tmp_path):
    from warehouse import db

    db.connect(tmp_path / "w.duckdb").close()
    query = "select 1 as n, 'Москва' as name"
    as_json = runner.invoke(app, ["sql", query, "--db", str(tmp_path / "w.duckdb"), "--format", "json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output) == {"n": 1, "name": "Москва"}
    as_csv = runner.invoke(app, ["sql", query, "--db", str(tmp_path / "w.duckdb"), "--format", "csv"])
    assert as_csv.output.splitlines() == ["n,name", "1,Москва"]
    as_table = runner.invoke(app, ["sql", query, "--db", str(tmp_path / "w.duckdb")])
    assert "Москва" in as_table.output and "1 row" in as_table.output


def test_sql_without_a_warehouse_says_so(tmp_path):
    result = runner.invoke(app, ["sql", "select 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no warehouse at" in result.output


def test_run_with_a_missing_path_fails_before_starting(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "missing"), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "input path does not exist" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_the_cli_does_not_import_great_expectations_or_prefect():
    """`newsetl --help` and `newsetl sql` stay fast: the heavy libraries load only in the commands that run them."""
    import subprocess
    import sys

    heavy = ("great_expectations", "prefect", "natasha", "duckdb")
    code = f"import sys, flows.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def quarantined_warehouse(tmp_path):
    """A warehouse whose quarantine holds a normalize failure and a validate failure."""
    from transforms.entities import ENTITIES_SCHEMA, MENTIONS_SCHEMA
    from transforms.normalize import ARTICLE_BATCH_SCHEMA
    from transforms.quarantine import quarantine_row, quarantine_table
    from warehouse import db

    rows = [
        quarantine_row("normalize", "files", "a.txt", "a.txt: the date 2026-02-30 does not parse", " date 2026-02-30 Текст"),
        quarantine_row("validate", "test", "d.jsonl:2", "articles d.jsonl:2: failed expect_column_values_to_be_between(published_at)", '{"text": "x"}'),
    ]
    con = db.connect(tmp_path / "w.duckdb")
    db.load_batch(
        con,
        "r1",
        articles=ARTICLE_BATCH_SCHEMA.empty_table(),
        mentions=MENTIONS_SCHEMA.empty_table(),
        entities=ENTITIES_SCHEMA.empty_table(),
        quarantine=quarantine_table(rows),
    )
    con.close()
    return tmp_path / "w.duckdb", rows


def test_quarantine_list_and_show(tmp_path, monkeypatch):
    from flows import cli

    monkeypatch.setattr(cli.console, "width", 300)  # whole reasons on one line
    db_path, rows = quarantined_warehouse(tmp_path)
    listed = runner.invoke(app, ["quarantine", "list", "--db", str(db_path)])
    assert listed.exit_code == 0
    assert "expect_column_values_to_be_between(published_at)" in listed.output and "2 rows" in listed.output
    only_validate = runner.invoke(app, ["quarantine", "list", "--db", str(db_path), "--stage", "validate"])
    assert "d.jsonl:2" in only_validate.output and "a.txt" not in only_validate.output
    shown = runner.invoke(app, ["quarantine", "show", rows[0]["quarantine_id"], "--db", str(db_path)])
    assert shown.exit_code == 0
    assert "stage: normalize" in shown.output and " date 2026-02-30 Текст" in shown.output
    missing = runner.invoke(app, ["quarantine", "show", "nope", "--db", str(db_path)])
    assert missing.exit_code == 1 and "no quarantined record with id nope" in missing.output


@pytest.mark.parametrize("sub", ["list", "show", "replay"])
def test_quarantine_commands_have_help_with_an_example(sub):
    result = runner.invoke(app, ["quarantine", sub, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_docs_without_a_run_says_so(tmp_path):
    result = runner.invoke(app, ["docs", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1 and "no Data Docs at" in result.output
