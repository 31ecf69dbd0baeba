"""`newsetl run`: what it refuses before a run starts (what it hands the flow: test_cli_settings.py)."""

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_run_with_a_missing_path_fails_before_starting(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "missing"), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "input path does not exist" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_run_with_a_bad_sources_file_is_a_usage_error(tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text('[sources.a]\nlocation = "x"\nkind = "pdf"\n', encoding="utf-8")
    result = runner.invoke(app, ["run", "--sources", str(config), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "kind 'pdf' is not one of" in result.output
    result = runner.invoke(
        app, ["run", "--sources", str(config.with_name("none.toml")), "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 2 and "cannot read" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_run_options_that_do_not_go_together(tmp_path):
    both = runner.invoke(
        app, ["run", "examples/articles", "--sources", "examples/sources.toml", "--db", str(tmp_path / "w.duckdb")]
    )
    assert both.exit_code == 2 and "not both" in both.output
    only = runner.invoke(app, ["run", "--only", "wire", "--db", str(tmp_path / "w.duckdb")])
    assert only.exit_code == 2 and "--only names sources of a --sources file" in only.output
    unknown = runner.invoke(
        app, ["run", "--sources", "examples/sources.toml", "--only", "nope", "--db", str(tmp_path / "w.duckdb")]
    )
    assert unknown.exit_code == 2 and "no source named nope" in unknown.output
