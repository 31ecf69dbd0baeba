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


def remember_as_read(db_path, folder):
    """The warehouse as a completed run over `folder` leaves it: migrated, with the source_state it saved."""
    from dataclasses import asdict

    from transforms.sources.config import as_sources
    from transforms.sources.read import ReadContext, read_source
    from warehouse import db

    context = ReadContext()
    for source in as_sources([str(folder)]):
        list(read_source(source, context))
    con = db.connect(db_path)
    db.upgrade(con)
    db.save_source_state(con, "r1", [asdict(entry) for entry in context.to_save()])
    con.close()


def test_a_run_over_files_read_unchanged_starts_nothing(tmp_path):
    from flows.cli.run import nothing_new
    from transforms.sources.config import as_sources

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(" date 2026-01-14 Первый абзац.", encoding="utf-8")
    db_path = tmp_path / "w.duckdb"
    sources = as_sources([str(folder)])
    assert not nothing_new(db_path, sources)  # no warehouse yet
    remember_as_read(db_path, folder)
    assert nothing_new(db_path, sources)

    result = runner.invoke(app, ["run", str(folder), "--db", str(db_path)])
    assert result.exit_code == 0 and "nothing new since the last run: no run started" in result.output

    (folder / "b.txt").write_text(" date 2026-01-15 Второй.", encoding="utf-8")
    assert not nothing_new(db_path, sources)  # a new file
    (folder / "b.txt").unlink()
    (folder / "a.txt").write_text(" date 2026-01-14 Другой абзац.", encoding="utf-8")
    assert not nothing_new(db_path, sources)  # a changed one
    assert not nothing_new(db_path, as_sources([str(folder), "https://example.org/feed.xml"]))  # a URL may have news
