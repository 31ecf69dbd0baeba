"""Stories in the warehouse, batch after batch: new articles join stored stories, a bridging article merges
two and the merge is recorded, a new version of an article stays in its story, every check passes."""

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA
from warehouse import db, integrity
from warehouse.batches import Batch, BatchTables

DAY = datetime(2025, 12, 2, 10, tzinfo=UTC)
TALKS = (
    "Путин встретился с Уиткоффом в Москве",
    "Президент России Владимир Путин встретился в Кремле со спецпосланником президента США Стивом Уиткоффом. "
    "Переговоры продолжались почти пять часов, сообщил помощник президента Юрий Ушаков.",
)
TALKS_RETOLD = (
    "Переговоры Путина и Уиткоффа в Кремле длились пять часов",
    "В Кремле завершились переговоры Владимира Путина со Стивом Уиткоффом. По словам Юрия Ушакова, встреча "
    "продолжалась около пяти часов.",
)
FUEL = (
    "В Тюмени подорожало дизельное топливо",
    "Цены на дизельное топливо на автозаправочных станциях Тюмени выросли за неделю на двадцать копеек за литр.",
)
ENTITIES = {"Путин": "putin", "Уиткофф": "witkoff", "Ушаков": "ushakov", "Тюмен": "tyumen"}


def row(article_id, story, when):
    title, text = story
    return {
        "article_id": article_id, "source": f"outlet-{article_id}", "url": None, "title": title, "text": text,
        "published_at": when, "published_date": when.date(), "language": "ru", "content_hash": f"{article_id}{text}",
    }  # fmt: skip


def mentions_of(article):
    """A mention of each entity whose stem the text names, at its first occurrence."""
    found = []
    for stem, entity_id in ENTITIES.items():
        start = article["text"].find(stem)
        if start >= 0:
            found.append({"article_id": article["article_id"], "start": start, "stop": start + len(stem),
                          "sentence": 0, "type": "PER", "text": stem, "normal": stem, "entity_id": entity_id})  # fmt: skip
    return found


def load(con, batch_no, *articles):
    db.load_batch(
        con,
        Batch.now("r1", batch_no, {}),
        BatchTables.of(
            articles=pa.Table.from_pylist(list(articles), schema=ARTICLE_BATCH_SCHEMA),
            mentions=pa.Table.from_pylist([m for a in articles for m in mentions_of(a)], schema=MENTIONS_SCHEMA),
            entities=pa.Table.from_pylist(
                [{"entity_id": e, "type": "PER", "name": stem} for stem, e in ENTITIES.items()], schema=ENTITIES_SCHEMA
            ),
        ),
    )


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "w.duckdb")
    db.upgrade(connection)
    db.start_run(connection, "r1", "news_etl", {}, "test")
    yield connection
    connection.close()


def stories_of(con) -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for article_id, story_id in con.execute("SELECT article_id, story_id FROM story_articles").fetchall():
        members.setdefault(story_id, set()).add(article_id)
    return members


def groups(con) -> set[frozenset[str]]:
    return {frozenset(m) for m in stories_of(con).values()}


def test_batches_join_stored_stories_and_a_bridge_merges_two(con):
    load(con, 1, row("a", TALKS, DAY), row("fuel", FUEL, DAY))
    load(con, 2, row("b", TALKS_RETOLD, DAY + timedelta(hours=3)))
    assert groups(con) == {frozenset({"a", "b"}), frozenset({"fuel"})}
    ((title, *story),) = con.execute(
        "SELECT title, n_articles, n_sources, first_seen, last_seen, [e.name FOR e IN top_entities] FROM stories "
        "WHERE n_articles = 2"
    ).fetchall()
    assert title in (TALKS[0], TALKS_RETOLD[0])  # two members are equally central
    assert story == [2, 2, DAY, DAY + timedelta(hours=3), ["Путин", "Ушаков", "Уиткофф"]]  # ties by entity_id
    # a week later the same talks are another story; an article between the two bridges them
    load(con, 3, row("later", TALKS, DAY + timedelta(days=6)))
    assert len(stories_of(con)) == 3
    load(con, 4, row("bridge", TALKS_RETOLD, DAY + timedelta(days=3)))
    assert groups(con) == {frozenset({"a", "b", "later", "bridge"}), frozenset({"fuel"})}
    ((merged, into, bridge),) = con.execute("SELECT story_id, merged_into, article_id FROM story_merges").fetchall()
    assert bridge == "bridge" and merged != into
    assert con.execute("SELECT count(*) FROM stories WHERE story_id = $s", {"s": merged}).fetchall() == [(0,)]
    assert [c.name for c in integrity.check_warehouse(con) if not c.passed] == []


def test_a_new_version_of_an_article_stays_in_its_story(con):
    load(con, 1, row("a", TALKS, DAY), row("b", TALKS_RETOLD, DAY))
    load(con, 2, {**row("a", FUEL, DAY)})
    assert groups(con) == {frozenset({"a", "b"})}
    assert con.execute("SELECT joined_by FROM story_articles WHERE article_id = 'a'").fetchall() == [("kept",)]
    assert [c.name for c in integrity.check_warehouse(con) if not c.passed] == []


def test_a_story_is_recorded_with_every_batch_and_its_terms_counted(con):
    load(con, 1, row("a", TALKS, DAY))
    load(con, 2, row("fuel", FUEL, DAY))
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = 'путин'").fetchall() == [(1,)]
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = '@putin'").fetchall() == [(1,)]
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = 'топливо'").fetchall() == [(1,)]
    load(con, 3, row("b", TALKS_RETOLD, DAY))
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = '@putin'").fetchall() == [(2,)]
