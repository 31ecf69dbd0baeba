"""`newsetl sources list|check` on the bundled sources.toml and on broken ones."""

from typer.testing import CliRunner

from flows.cli import app
from flows.settings import PROJECT_ROOT

runner = CliRunner()


def test_sources_list_and_check_touch_no_table(tmp_path):
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
    config.write_text(
        '[sources.broken]\nlocation = "bad.rss"\n[sources.gone]\nlocation = "nowhere"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["sources", "check", "--sources", str(config)], terminal_width=200)
    assert result.exit_code == 1
    assert "invalid XML" in result.output and "the location does not exist" in result.output
