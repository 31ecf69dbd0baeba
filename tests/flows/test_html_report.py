"""`newsetl report`: the HTML file over a small warehouse, and over one that lacks the optional tables."""

import json
import re
from datetime import date

import duckdb
import pytest
from typer.testing import CliRunner

from flows import html_report
from flows.cli import app

# Anything a page would fetch: a script, a stylesheet, an image, a frame from an address.
FETCHED = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", re.IGNORECASE)


def specs_of(html: str) -> dict:
    (found,) = re.findall(r"const specs = (\{.*?\});\n", html, re.DOTALL)
    return json.loads(found)


def test_the_report_of_a_small_warehouse(small_warehouse):
    db_path, _ = small_warehouse
    report = html_report.build(db_path)
    assert report.headline["articles"] == 2 and report.headline["sources"] == 1 and report.headline["runs"] == 1
    assert report.headline["first_date"] == report.headline["last_date"] == date(2026, 1, 14)
    html = report.html
    assert "window.vegaEmbed" in html  # the charting library, inlined
    assert FETCHED.findall(html.replace(html_report.vega_javascript(), "")) == []  # the page fetches nothing
    specs = specs_of(html)
    rows = {name: spec for name, spec in specs.items()}
    articles_chart = json.dumps(rows["chart-0-0"], ensure_ascii=False)
    assert '"source": "test"' in articles_chart and '"articles": 2' in articles_chart
    entities_chart = json.dumps(rows["chart-2-0"], ensure_ascii=False)
    assert "Джаред Кушнер (PER)" in entities_chart and "Москва (LOC)" in entities_chart
    # the authors table: one of the two articles names its author
    assert "<td>Анна Петрова (1)</td>" in html
    assert "No events in this warehouse yet." not in html and "04 CONSULT" in html  # its one event, charted
    assert "Nothing was quarantined." in html
    stage_chart = json.dumps(rows["chart-4-2"])
    assert '"stage": "tag_entities", "seconds": 1.5' in stage_chart


def test_since_keeps_later_articles_only(small_warehouse):
    db_path, _ = small_warehouse
    report = html_report.build(db_path, since=date(2026, 1, 15))
    assert report.headline["articles"] == 0
    assert "No article with a publication date yet." in report.html


def test_an_empty_warehouse_without_events_or_authors_still_has_its_report(tmp_path):
    from warehouse import db

    db_path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
    for name, sql in db.migrations():
        if not name.startswith("014_"):  # a warehouse from before the author column
            con.execute(sql)
    db.create_views(con)
    for view in ("actor_dyads", "event_timeline"):
        con.execute(f"DROP VIEW {view}")
    con.execute("DROP TABLE event_participants")
    con.execute("DROP TABLE events")  # and without the events tables
    con.close()
    report = html_report.build(db_path)
    assert report.headline["articles"] == 0 and report.headline["first_date"] is None
    for empty in ("No article with a publication date yet.", "This warehouse has no author column yet",
                  "No entity mentioned yet.", "No events in this warehouse yet.", "No finished run yet."):  # fmt: skip
        assert empty in report.html


def test_the_command_writes_the_file_beside_the_warehouse(small_warehouse):
    db_path, _ = small_warehouse
    result = CliRunner().invoke(app, ["report", "--db", str(db_path), "--since", "2026-01-01"])
    assert result.exit_code == 0, result.output
    written = db_path.parent / "report.html"
    assert str(written.resolve()) in result.output
    assert "2 articles" in result.output and "MB, built in" in result.output
    assert "articles published since 2026-01-01" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("arguments", [["--since", "14.01.2026"], ["--db", "nowhere.duckdb"]])
def test_the_command_refuses_a_bad_date_or_a_missing_warehouse(tmp_path, arguments):
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "r.html"), *arguments])
    assert result.exit_code in (1, 2) and not (tmp_path / "r.html").exists()
