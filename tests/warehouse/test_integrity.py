"""The warehouse's integrity: each check finds the violation it names, a batch that would break one does not
commit, near copies point at loaded originals only, and `newsetl check` reports it all."""

from datetime import UTC, datetime

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from flows.cli import app
from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
from warehouse import db, integrity, lake
from warehouse.batches import Batch, BatchTables

TEXT = "Встреча: Путин в Москве."


def article(article_id, duplicate_of=None, text=TEXT):
    return {
        "article_id": article_id, "source": "test", "url": None, "language": "ru", "text": text,
        "content_hash": f"hash of {article_id}", "duplicate_of": duplicate_of,
        "published_at": datetime(2026, 1, 14, 10, tzinfo=UTC), "published_date": datetime(2026, 1, 14).date(),
    }  # fmt: skip


def tables(*articles, mentions=()):
    return BatchTables.of(
        articles=pa.Table.from_pylist(list(articles), schema=ARTICLE_BATCH_SCHEMA),
        mentions=pa.Table.from_pylist(list(mentions), schema=MENTIONS_SCHEMA),
        entities=pa.Table.from_pylist(
            [{"entity_id": "e1", "type": "PER", "name": "Владимир Путин"}], schema=ENTITIES_SCHEMA
        ),
    )


PUTIN = {
    "article_id": "a1",
    "start": 9,
    "stop": 14,
    "sentence": 0,
    "type": "PER",
    "text": "Путин",
    "normal": "Путин",
    "entity_id": "e1",
}


@pytest.fixture
def con(tmp_path):
    """A warehouse holding one run that loaded one article (with a mention) and its near copy."""
    connection = db.connect(tmp_path / "w.duckdb")
    db.upgrade(connection)
    db.start_run(connection, "r1", "news_etl", {}, "test")
    batch = Batch.now("r1", 1, {"n_read": 2, "n_loaded": 2})
    db.load_batch(connection, batch, tables(article("a1"), article("a2", "a1"), mentions=[PUTIN]))
    db.finish_run(connection, "r1", "completed", {"n_read": 2, "n_loaded": 2})
    lake.write_manifest(str(tmp_path / "lake"), batch)
    yield connection
    connection.close()


def failed(con, lake_root=None):
    return {check.name: check.violations for check in integrity.check_warehouse(con, lake_root) if not check.passed}


def test_a_sound_warehouse_passes_every_check(con, tmp_path):
    checks = integrity.check_warehouse(con, str(tmp_path / "lake"))
    assert len(checks) == len(integrity.ROW_CHECKS + integrity.WAREHOUSE_CHECKS) + 1
    assert [check.name for check in checks if not check.passed] == []


# Each check, and a change to a sound warehouse that breaks it (made behind the loader's back).
BREAKS = {
    "near_copies_point_at_loaded_originals": "UPDATE articles SET duplicate_of = 'gone' WHERE article_id = 'a2'",
    "mentions_point_into_their_article": "UPDATE mentions SET start = 0, stop = 5",
    "mentions_name_entities": "UPDATE mentions SET entity_id = 'e-gone'",
    "date_mentions_point_into_their_article": "INSERT INTO date_mentions VALUES ('a-gone', 0, 7, 'Встреча', DATE '2026-01-06', 'day', 'r1')",
    "events_point_into_their_article": "INSERT INTO events VALUES ('ev1', 'a1', '04 CONSULT', '040', 'Consult', 'встреча', 0, 7, 0, 0, 24, 'occurred', NULL, NULL, NULL, 'r1', 0.9, NULL)",
    "event_places_are_entities": "INSERT INTO events VALUES ('ev1', 'a1', '04 CONSULT', '040', 'Consult', 'Встреча', 0, 7, 0, 0, 24, 'occurred', NULL, NULL, 'e-gone', 'r1', 0.9, NULL)",
    "event_participants_resolve": "INSERT INTO event_participants VALUES ('ev-gone', 'a1', 'e1', 'actor', 'r1')",
    "signatures_are_of_articles": "INSERT INTO article_signatures VALUES ('a-gone', [1, 2, 3], 'r1')",
    "entity_links_resolve": "UPDATE entities SET same_as = 'e-gone'",
    "entity_retypes_resolve": "INSERT INTO entity_retypes VALUES ('e1', 'e-gone', 'Газпром', 'LOC', 'ORG', 1, 9, 0.9)",
    "rows_belong_to_runs": "UPDATE articles SET run_id = 'r-gone' WHERE article_id = 'a1'",
    "run_counts_add_up": "UPDATE runs SET n_quarantined_extract = 1",
    "event_groups_resolve": "INSERT INTO events VALUES ('ev1', 'a1', '04 CONSULT', '040', 'Consult', 'Встреча', 0, 7, 0, 0, 24, 'occurred', NULL, NULL, NULL, 'r1', 0.9, 'g-gone')",
    "articles_are_in_one_story": "INSERT INTO articles SELECT * REPLACE ('a3' AS article_id, NULL AS duplicate_of) FROM articles WHERE article_id = 'a1'",
    "story_articles_resolve": "INSERT INTO story_articles SELECT * REPLACE ('a-gone' AS article_id, 's-gone' AS story_id) FROM story_articles WHERE article_id = 'a1'",
    "stories_count_their_articles": "UPDATE stories SET n_articles = 3",
    "near_copies_share_their_originals_story": (
        "UPDATE stories SET n_articles = 1;"
        "INSERT INTO stories SELECT * REPLACE ('s2' AS story_id) FROM stories;"
        "UPDATE story_articles SET story_id = 's2' WHERE article_id = 'a2'"
    ),
}


def test_every_check_has_a_case_that_breaks_it():
    assert set(BREAKS) == set(integrity.ROW_CHECKS + integrity.WAREHOUSE_CHECKS)


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_check_finds_what_breaks_it_and_nothing_else(con, name):
    con.execute(BREAKS[name])
    assert failed(con) == {name: 1}


def test_the_lake_check_finds_batches_on_one_side_only(con, tmp_path):
    assert failed(con, str(tmp_path / "other-lake")) == {integrity.LAKE_CHECK: 1}
    lake.write_manifest(str(tmp_path / "lake"), Batch.now("r1", 2, {}))
    (check,) = [c for c in integrity.check_warehouse(con, str(tmp_path / "lake")) if not c.passed]
    assert check.violations == 1 and "not in the warehouse" in check.examples[0]


def test_a_batch_that_would_leave_a_reference_dangling_is_rolled_back(con):
    dangling = {**PUTIN, "article_id": "a3", "entity_id": "e-gone"}
    with pytest.raises(integrity.IntegrityViolated, match="mentions_name_entities: 1 violation, e.g. a3:9"):
        db.load_batch(con, Batch.now("r1", 2, {}), tables(article("a3"), mentions=[dangling]))
    assert con.execute("SELECT count(*) FROM articles WHERE article_id = 'a3'").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM batches").fetchall() == [(1,)]


def test_near_copies_point_at_an_original_in_the_batch_or_stored_or_at_none(con):
    batch = pa.Table.from_pylist(
        [article("b1"), article("c1", "b1"), article("c2", "a1"), article("c3", "quarantined-later")],
        schema=ARTICLE_BATCH_SCHEMA,
    )
    anchored = db.anchor_near_copies(con, batch)
    assert anchored.column("duplicate_of").to_pylist() == [None, "b1", "a1", None]
    db.load_batch(con, Batch.now("r1", 2, {}), BatchTables.of(articles=anchored))
    assert failed(con) == {}


def test_an_original_that_becomes_a_copy_passes_its_copies_on(con):
    """a1 (with its copy a2) is loaded again as a near copy of b1: a2 now copies b1, never a copy."""
    db.load_batch(con, Batch.now("r1", 2, {}), tables(article("b1"), article("a1", "b1"), mentions=[PUTIN]))
    assert dict(con.execute("SELECT article_id, duplicate_of FROM articles ORDER BY article_id").fetchall()) == {
        "a1": "b1", "a2": "b1", "b1": None,
    }  # fmt: skip
    assert failed(con) == {}


def test_newsetl_check_prints_each_check_and_exits_1_on_a_violation(con, tmp_path):
    con.execute(BREAKS["mentions_name_entities"])
    con.close()
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--db", str(tmp_path / "w.duckdb"), "--lake", str(tmp_path / "lake")])
    assert result.exit_code == 1, result.output
    assert "mentions_name_entities" in result.output and "a1:9" in result.output
    assert "1 of 18 checks failed: mentions_name_entities" in result.output
