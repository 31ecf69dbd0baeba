"""`newsetl stories`: a day's top stories with their outlets and main entities."""

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from flows.cli import app, common
from warehouse import db

runner = CliRunner()


NAMES = ("DAY", "FUEL", "TALKS", "TALKS_RETOLD", "load", "row")  # from the story_articles fixture


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setattr(common.console, "width", 300)  # each story on one line


@pytest.fixture
def warehouse(tmp_path, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.upgrade(con)
    db.start_run(con, "r1", "news_etl", {}, "test")
    load(con, 1, row("a", TALKS, DAY), row("fuel", FUEL, DAY), row("b", TALKS_RETOLD, DAY + timedelta(hours=2)))
    load(con, 2, row("c", TALKS_RETOLD, DAY + timedelta(days=1)))
    con.close()
    return path


def test_prints_the_days_stories_biggest_first_with_outlets_and_entities(warehouse, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    result = runner.invoke(app, ["stories", "--db", str(warehouse), "--day", "2025-12-02"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("│")]
    assert len(lines) == 2
    assert "outlet-a, outlet-b" in lines[0] and "Путин" in lines[0] and "│ 2 " in lines[0]
    assert FUEL[0] in lines[1] and "outlet-fuel" in lines[1]


def test_by_default_the_latest_day_and_its_growth(warehouse, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    result = runner.invoke(app, ["stories", "--db", str(warehouse), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "top stories of 2025-12-03" in result.output
    assert "outlet-c" in result.output and "-1" in result.output  # one article that day, two the day before


def test_a_day_without_stories_and_a_bad_day(warehouse, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    result = runner.invoke(app, ["stories", "--db", str(warehouse), "--day", "2030-01-01"])
    assert result.exit_code == 0 and "no stories on 2030-01-01" in result.output
    result = runner.invoke(app, ["stories", "--db", str(warehouse), "--day", "yesterday"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
