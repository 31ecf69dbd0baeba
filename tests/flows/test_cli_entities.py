"""`newsetl entities show`: an entity's forms, types and merges, over a warehouse of hand-tagged articles."""

import itertools
from datetime import date

import pyarrow as pa
from typer.testing import CliRunner

from flows.cli import app
from transforms.names import entity_id
from transforms.quarantine import quarantine_table
from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
from warehouse import db
from warehouse.batches import BatchTables

runner = CliRunner()
BATCHES = itertools.count(1)


def load(con, article_id, kind, text, name):
    """An article that is one mention, tagged by hand: `text` of type `kind`, resolved to `name`."""
    ident = entity_id(kind, name)
    article = {"article_id": article_id, "source": "test", "published_date": date(2026, 1, 14), "text": f"{text}.",
               "language": "ru", "content_hash": article_id, "record_key": article_id, "payload": text}  # fmt: skip
    mention = {"article_id": article_id, "start": 0, "stop": len(text), "sentence": 0, "type": kind, "text": text,
               "normal": text, "entity_id": ident, "run_id": None}  # fmt: skip
    db.load_batch(
        con,
        db.Batch.now("r1", next(BATCHES), {}),
        BatchTables.of(
            articles=pa.Table.from_pylist([article], schema=ARTICLE_BATCH_SCHEMA),
            mentions=pa.Table.from_pylist([mention], schema=MENTIONS_SCHEMA),
            entities=pa.Table.from_pylist([{"entity_id": ident, "type": kind, "name": name}], schema=ENTITIES_SCHEMA),
            quarantine=quarantine_table([]),
        ),
    )


def test_show_lists_forms_types_and_the_articles_behind_each_merge(tmp_path, monkeypatch):
    from flows.cli import common

    monkeypatch.setattr(common.console, "width", 200)  # tables as wide as a terminal of 200 columns
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.upgrade(con)
    load(con, "full", "PER", "Пётр Сидоренко", "Пётр Сидоренко")
    load(con, "bare", "PER", "Сидоренко", "Сидоренко")
    for n, kind in enumerate(["ORG", "ORG", "ORG", "LOC"]):
        load(con, f"voice{n}", kind, "Голоса Побережья", "Голос Побережья")
    db.link_entities(con, retype_min_share=0.75)
    con.close()

    result = runner.invoke(app, ["entities", "show", "сидоренко", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "PER Пётр Сидоренко" in result.output and "2 mentions in 2 articles" in result.output
    assert "linked: a one-word name" in result.output and "│ bare" in result.output

    result = runner.invoke(app, ["entities", "show", "Голос Побережья", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "ORG Голос Побережья" in result.output and "4 mentions in 4 articles" in result.output
    assert "re-typed LOC → ORG: 3 articles say ORG, 1 say LOC" in result.output and "voice3" in result.output
    assert "Голоса Побережья" in result.output  # a surface form

    missing = runner.invoke(app, ["entities", "show", "Никто", "--db", str(path)])
    assert missing.exit_code == 1 and "no entity named 'Никто'" in missing.output
