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
