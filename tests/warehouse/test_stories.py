"""Stories in the warehouse, batch after batch: new articles join stored stories, a bridging article merges
two and the merge is recorded, a new version of an article stays in its story, every check passes."""

from datetime import timedelta

import pytest

from warehouse import db, integrity

NAMES = ("DAY", "FUEL", "TALKS", "TALKS_RETOLD", "load", "row")  # from the story_articles fixture


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


def test_batches_join_stored_stories_and_a_bridge_merges_two(con, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
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


def test_a_new_version_of_an_article_stays_in_its_story(con, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    load(con, 1, row("a", TALKS, DAY), row("b", TALKS_RETOLD, DAY))
    load(con, 2, {**row("a", FUEL, DAY)})
    assert groups(con) == {frozenset({"a", "b"})}
    assert con.execute("SELECT joined_by FROM story_articles WHERE article_id = 'a'").fetchall() == [("kept",)]
    assert [c.name for c in integrity.check_warehouse(con) if not c.passed] == []


def test_a_story_is_recorded_with_every_batch_and_its_terms_counted(con, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    load(con, 1, row("a", TALKS, DAY))
    load(con, 2, row("fuel", FUEL, DAY))
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = 'путин'").fetchall() == [(1,)]
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = '@putin'").fetchall() == [(1,)]
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = 'топливо'").fetchall() == [(1,)]
    load(con, 3, row("b", TALKS_RETOLD, DAY))
    assert con.execute("SELECT n_articles FROM story_terms WHERE term = '@putin'").fetchall() == [(2,)]


def test_an_untitled_article_lends_its_first_line_as_the_title(con, story_articles):
    article = {**story_articles.row("a", story_articles.TALKS, story_articles.DAY), "title": None}
    article["text"] = "Первая строка сообщения.\n" + article["text"]
    story_articles.load(con, 1, article)
    assert con.execute("SELECT title FROM stories").fetchall() == [("Первая строка сообщения.",)]
