import json

import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse.batches import BatchTables

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

    db.upgrade(db.connect(tmp_path / "w.duckdb"))
    result = runner.invoke(app, ["sql", "DELETE FROM articles", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "refused: DELETE statements change the warehouse" in result.output


def test_sql_formats(tmp_path):
    from warehouse import db

    db.upgrade(db.connect(tmp_path / "w.duckdb"))
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


@pytest.mark.parametrize("name", ["list", "check"])
def test_sources_commands_have_help_with_an_example(name):
    result = runner.invoke(app, ["sources", name, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_sources_list_and_check_touch_no_table(tmp_path):
    from flows.settings import PROJECT_ROOT

    config = str(PROJECT_ROOT / "examples" / "sources.toml")
    listed = runner.invoke(app, ["sources", "list", "--sources", config], terminal_width=200)
    assert listed.exit_code == 0
    assert all(name in listed.output for name in ("seed", "wire", "newsroom"))
    checked = runner.invoke(app, ["sources", "check", "--sources", config, "--only", "wire"], terminal_width=200)
    assert checked.exit_code == 0
    assert "Банк России сохранил ставку" in checked.output and "the record has no 'body'" in checked.output
    assert "seed" not in checked.output
    assert list(tmp_path.iterdir()) == []


def test_sources_check_fails_on_a_source_that_cannot_be_read(tmp_path):
    (tmp_path / "bad.rss").write_text("<rss><channel><item>", encoding="utf-8")
    config = tmp_path / "sources.toml"
    config.write_text('[sources.broken]\nlocation = "bad.rss"\n[sources.gone]\nlocation = "nowhere"\n', encoding="utf-8")
    result = runner.invoke(app, ["sources", "check", "--sources", str(config)], terminal_width=200)
    assert result.exit_code == 1
    assert "invalid XML" in result.output and "the location does not exist" in result.output


def test_run_with_a_bad_sources_file_is_a_usage_error(tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text('[sources.a]\nlocation = "x"\nkind = "pdf"\n', encoding="utf-8")
    result = runner.invoke(app, ["run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "kind 'pdf' is not one of" in result.output
    result = runner.invoke(app, ["run", "--sources", str(config.with_name("none.toml")), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "cannot read" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_run_options_that_do_not_go_together(tmp_path):
    both = runner.invoke(app, ["run", "examples/articles", "--sources", "examples/sources.toml", "--db", str(tmp_path / "w.duckdb")])
    assert both.exit_code == 2 and "not both" in both.output
    only = runner.invoke(app, ["run", "--only", "wire", "--db", str(tmp_path / "w.duckdb")])
    assert only.exit_code == 2 and "--only names sources of a --sources file" in only.output


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
    from transforms.schemas import ENTITIES_SCHEMA, MENTIONS_SCHEMA
    from transforms.schemas import ARTICLE_BATCH_SCHEMA
    from transforms.quarantine import quarantine_row, quarantine_table
    from warehouse import db

    rows = [
        quarantine_row("normalize", "files", "a.txt", "a.txt: the date 2026-02-30 does not parse", " date 2026-02-30 Текст"),
        quarantine_row("validate", "test", "d.jsonl:2", "articles d.jsonl:2: failed expect_column_values_to_be_between(published_at)", '{"text": "x"}'),
    ]
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    db.load_batch(con, db.Batch.now("r1", 1, {}), BatchTables.of(articles=ARTICLE_BATCH_SCHEMA.empty_table(), mentions=MENTIONS_SCHEMA.empty_table(), entities=ENTITIES_SCHEMA.empty_table(), quarantine=quarantine_table(rows)))
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


def test_quarantine_replay_hands_a_lake_url_to_the_flow_as_it_is(tmp_path, monkeypatch):
    import flows.replay

    handed = {}

    def replay(settings):
        handed["settings"] = settings
        raise RuntimeError("stop here")

    monkeypatch.setattr(flows.replay, "quarantine_replay", replay)
    (tmp_path / "w.duckdb").touch()
    result = runner.invoke(app, ["quarantine", "replay", "--db", str(tmp_path / "w.duckdb"), "--lake", "memory://newsetl/lake"])
    assert result.exit_code == 1 and "stop here" in result.output
    assert handed["settings"].lake_dir == "memory://newsetl/lake"


@pytest.mark.parametrize("sub", ["list", "show", "replay"])
def test_quarantine_commands_have_help_with_an_example(sub):
    result = runner.invoke(app, ["quarantine", sub, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_docs_without_a_run_says_so(tmp_path):
    result = runner.invoke(app, ["docs", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1 and "no Data Docs at" in result.output
