"""Validation in the flow: bad rows quarantined by name, broken invariants stop the batch, replay, Data Docs."""

import json
import re
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from flows.settings import EXAMPLES_DIR

pytestmark = pytest.mark.e2e

TABLES = ("articles", "mentions", "entities", "quarantine")
GOOD_TEXT = "Президент России Владимир Путин провел совещание в Москве."


def record(n, published, text=None, url=None):
    text = text or f"{GOOD_TEXT} Сообщение {n}."
    return {
        "id": str(n),
        "source": "test",
        "url": url or f"https://example.test/{n}",
        "title": f"№{n}",
        "published": published,
        "text": text,
    }


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def run_flow(run_settings, inputs, directory):
    from flows.etl import news_etl

    return news_etl(run_settings(directory, inputs, batch_size=4))


def query(db_path, sql, params=None):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def snapshot(db_path):
    return {t: sorted(query(db_path, f"SELECT * FROM {t}"), key=repr) for t in TABLES}  # noqa: S608 (fixed names)


def long_text(n, chars):
    """A Russian text of about `chars` characters, different for each `n`."""
    sentences = [
        f"Президент России Владимир Путин провел совещание в Москве, встреча {n}.{i}." for i in range(chars // 70 + 1)
    ]
    return " ".join(sentences)


@pytest.fixture(scope="module")
def crafted_run(prefect_server, tmp_path_factory, run_settings):
    """The examples plus a dump with two articles longer than the articles suite allows.

    The suite's bound is lowered to 2,500 characters for this run (the examples are shorter),
    so articles of 3,000 and 4,000 characters are bad rows.
    """
    from expectations import articles

    tmp_path = tmp_path_factory.mktemp("validation")
    shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    dump = write_jsonl(
        tmp_path / "crafted.jsonl",
        [
            record(1, "2026-01-10", long_text(1, 3000)),
            record(2, "2026-01-11", long_text(2, 4000)),
            record(3, "2026-01-10", "Эмманюэль Макрон прилетел в Париж."),
        ],
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(articles, "MAX_TEXT_CHARS", 2500)
        summary = run_flow(run_settings, [tmp_path / "articles", dump], tmp_path)
    return {"dir": tmp_path, "db": tmp_path / "w.duckdb", "dump": dump, "summary": summary}


def test_bad_rows_are_quarantined_with_the_expectation_name(crafted_run):
    summary = crafted_run["summary"]
    assert (summary["n_read"], summary["n_loaded"], summary["n_duplicates"], summary["n_quarantined"]) == (14, 10, 1, 3)
    rows = query(
        crafted_run["db"],
        "SELECT record_key, reason, payload FROM quarantine WHERE stage = 'validate' ORDER BY record_key",
    )
    assert [key.rsplit("/", 1)[-1] for key, _, _ in rows] == ["crafted.jsonl:1", "crafted.jsonl:2"]
    for key, reason, payload in rows:
        assert "failed expect_column_value_lengths_to_be_between(text)" in reason and key in reason
        assert json.loads(payload)["title"] in ("№1", "№2")
    (counts,) = query(
        crafted_run["db"], "SELECT n_quarantined_validate, n_read, n_loaded + n_duplicates + n_quarantined FROM runs"
    )
    assert counts == (2, 14, 14)


def test_quarantine_list_shows_them(crafted_run, monkeypatch):
    from flows.cli import app, common

    monkeypatch.setattr(common.console, "width", 400)
    result = CliRunner().invoke(app, ["quarantine", "list", "--db", str(crafted_run["db"])])
    assert result.exit_code == 0
    assert result.output.count("expect_column_value_lengths_to_be_between(text)") == 2
    assert "008_broken_header.txt" in result.output and "3 rows" in result.output


def test_data_docs_show_every_suite(crafted_run):
    from flows.cli import app

    index = crafted_run["dir"] / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert crafted_run["summary"]["data_docs"] == index.as_uri()
    html = index.read_text(encoding="utf-8")
    for suite in ("articles", "date_mentions", "mentions", "entities"):
        assert (index.parent / "expectations" / f"{suite}.html").exists()
        assert re.search(rf"validations/{suite}/[^\"]+/batch-00003\.html", html), suite
    printed = CliRunner().invoke(app, ["docs", "--db", str(crafted_run["db"])])
    assert printed.exit_code == 0 and "index.html" in printed.output


def test_validation_artifact_has_a_row_per_expectation(crafted_run):
    from prefect.artifacts import Artifact

    artifact = Artifact.get("newsetl-validation")
    rows = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    by_name = {(r["suite"], r["expectation"]): r for r in rows}
    published = by_name[("articles", "expect_column_value_lengths_to_be_between(text)")]
    assert (published["success"], published["unexpected_count"]) == (False, 2)
    assert by_name[("mentions", "expect_column_pair_values_to_be_equal(text,text_at_offsets)")]["success"] is True
    assert {suite for suite, _ in by_name} == {"articles", "date_mentions", "mentions", "entities", "integrity"}
    assert all(row["success"] for (suite, _), row in by_name.items() if suite == "integrity")  # the run's end checks


def test_replay_moves_a_fixed_record_into_the_tables(crafted_run, monkeypatch):
    """After the bound is raised to 3,500 characters, replay loads the shorter article; the others stay."""
    from expectations import articles
    from flows.replay import quarantine_replay
    from flows.settings import ReplaySettings

    monkeypatch.setattr(articles, "MAX_TEXT_CHARS", 3500)
    db_path = crafted_run["db"]
    summary = quarantine_replay(
        ReplaySettings(db_path=str(db_path), lake_dir=str(crafted_run["dir"] / "lake"), workers=1)
    )
    assert (summary["n_read"], summary["n_loaded"], summary["n_quarantined"]) == (3, 1, 2)
    assert query(db_path, "SELECT title, published_at::VARCHAR FROM articles WHERE title = '№1'") == [
        ("№1", "2026-01-10 00:00:00+00")
    ]
    assert (
        query(db_path, "SELECT count(*) FROM mentions m JOIN articles a USING (article_id) WHERE a.title = '№1'")[0][0]
        >= 2
    )
    left = sorted(key.rsplit("/", 1)[-1] for (key,) in query(db_path, "SELECT record_key FROM quarantine"))
    assert left == ["008_broken_header.txt", "crafted.jsonl:2"]
    (status, flow_name, n_read, total) = query(
        db_path,
        "SELECT status, flow, n_read, n_loaded + n_duplicates + n_quarantined FROM runs WHERE flow = 'quarantine_replay'",
    )[0]
    assert (status, n_read, total) == ("completed", 3, 3)


def test_a_broken_invariant_fails_the_run_and_loads_nothing_of_the_batch(prefect_server, tmp_path, run_settings):
    """A batch of over 20,000 characters of Russian text in which the tagger finds no name: a silent tagger."""
    from expectations.validate import BatchInvalid
    from flows.etl import news_etl

    write_jsonl(tmp_path / "good.jsonl", [record(1, "2026-01-10")])
    run_flow(run_settings, [tmp_path / "good.jsonl"], tmp_path)
    before = snapshot(tmp_path / "w.duckdb")
    nameless = " ".join(f"Сегодня было тепло и солнечно, в парке гуляли дети, день {i}." for i in range(400))
    bad = write_jsonl(tmp_path / "bad.jsonl", [record(2, "2026-01-11", nameless)])
    with pytest.raises(BatchInvalid, match=r"mentions: .* failed"):
        news_etl(run_settings(tmp_path, [bad]))
    assert snapshot(tmp_path / "w.duckdb") == before
    (status, error, n_read) = query(
        tmp_path / "w.duckdb", "SELECT status, error, n_read FROM runs ORDER BY started_at DESC LIMIT 1"
    )[0]
    assert status == "failed" and "BatchInvalid" in error and "nothing of it was loaded" in error and n_read == 0


def test_the_latest_version_of_an_article_wins_and_near_copies_point_at_loaded_articles(
    prefect_server, tmp_path, run_settings, monkeypatch
):
    """The same URL three times (twice in one batch, once in the next) with other texts: the last text is the
    article, the first counts as superseded, the run completes. A near copy of an article that validation then
    quarantines (too long) is loaded as an original: its duplicate_of points at nothing that is missing."""
    from expectations import articles
    from flows.etl import news_etl
    from warehouse import db
    from warehouse.integrity import check_warehouse

    monkeypatch.setattr(articles, "MAX_TEXT_CHARS", 3000)
    url = "https://example.test/changing"
    anchor = long_text(7, 3200)  # quarantined: over the limit
    copy = anchor[:2900]  # a near copy of it, under the limit
    dump = write_jsonl(
        tmp_path / "versions.jsonl",
        [
            record(1, "2026-01-11", GOOD_TEXT + " Версия первая.", url),
            record(2, "2026-01-11", anchor),
            record(3, "2026-01-11", GOOD_TEXT + " Версия вторая.", url),
            record(4, "2026-01-11", copy),
            record(5, "2026-01-12", GOOD_TEXT + " Версия третья, последняя.", url),
        ],
    )
    summary = news_etl(run_settings(tmp_path, [dump], batch_size=4))
    counts = [summary[k] for k in ("n_read", "n_loaded", "n_duplicates", "n_superseded", "n_quarantined")]
    assert counts == [5, 3, 1, 1, 1]  # loaded: version two, then three over it; the copy
    assert query(tmp_path / "w.duckdb", "SELECT title, text FROM articles WHERE url = $u", {"u": url}) == [
        ("№5", GOOD_TEXT + " Версия третья, последняя.")
    ]
    assert query(tmp_path / "w.duckdb", "SELECT title, duplicate_of FROM articles WHERE title = '№4'") == [("№4", None)]
    con = db.connect(tmp_path / "w.duckdb", read_only=True)
    try:
        assert [c.name for c in check_warehouse(con, str(tmp_path / "lake")) if not c.passed] == []
    finally:
        con.close()
