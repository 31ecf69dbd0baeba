"""`newsetl quarantine list|show|replay` on a warehouse whose quarantine holds two records."""

from typer.testing import CliRunner

from flows.cli import app, common
from warehouse.batches import BatchTables

runner = CliRunner()


def quarantined_warehouse(tmp_path):
    """A warehouse whose quarantine holds a normalize failure and a validate failure."""
    from transforms.quarantine import quarantine_row, quarantine_table
    from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
    from warehouse import db

    rows = [
        quarantine_row(
            "normalize", "files", "a.txt", "a.txt: the date 2026-02-30 does not parse", " date 2026-02-30 Текст"
        ),
        quarantine_row(
            "validate",
            "test",
            "d.jsonl:2",
            "articles d.jsonl:2: failed expect_column_values_to_be_between(published_at)",
            '{"text": "x"}',
        ),
    ]
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    db.load_batch(
        con,
        db.Batch.now("r1", 1, {}),
        BatchTables.of(
            articles=ARTICLE_BATCH_SCHEMA.empty_table(),
            mentions=MENTIONS_SCHEMA.empty_table(),
            entities=ENTITIES_SCHEMA.empty_table(),
            quarantine=quarantine_table(rows),
        ),
    )
    con.close()
    return tmp_path / "w.duckdb", rows


def test_quarantine_list_and_show(tmp_path, monkeypatch):
    monkeypatch.setattr(common.console, "width", 300)  # whole reasons on one line
    db_path, rows = quarantined_warehouse(tmp_path)
    listed = runner.invoke(app, ["quarantine", "list", "--db", str(db_path)])
    assert listed.exit_code == 0
    assert "expect_column_values_to_be_between(published_at)" in listed.output and "2 rows" in listed.output
    only_validate = runner.invoke(app, ["quarantine", "list", "--db", str(db_path), "--stage", "validate"])
    assert (
        "d.jsonl:2" in only_validate.output and "a.txt" not in only_validate.output and "1 row" in only_validate.output
    )
    unknown = runner.invoke(app, ["quarantine", "list", "--db", str(db_path), "--stage", "tag"])
    assert unknown.exit_code == 2 and "--stage" in unknown.output
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
    result = runner.invoke(
        app, ["quarantine", "replay", "--db", str(tmp_path / "w.duckdb"), "--lake", "memory://newsetl/lake"]
    )
    assert result.exit_code == 1 and "stop here" in result.output
    assert handed["settings"].lake_dir == "memory://newsetl/lake"


def test_quarantine_replay_without_a_warehouse_says_so(tmp_path):
    result = runner.invoke(app, ["quarantine", "replay", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1 and "no warehouse at" in result.output
