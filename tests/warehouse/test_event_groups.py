"""Consolidated events: the reports of one event across a story's articles are one group, with their
modalities kept apart; another date, another story or another actor is another group."""

from datetime import date

import pytest

from warehouse import db, integrity

NAMES = ("DAY", "FUEL", "TALKS", "TALKS_RETOLD", "load", "row")  # from the story_articles fixture


@pytest.fixture
def con(tmp_path, story_articles):
    DAY, FUEL, TALKS, TALKS_RETOLD, load, row = (getattr(story_articles, n) for n in NAMES)
    connection = db.connect(tmp_path / "w.duckdb")
    db.upgrade(connection)
    db.start_run(connection, "r1", "news_etl", {}, "test")
    load(connection, 1, row("a", TALKS, DAY), row("b", TALKS_RETOLD, DAY), row("fuel", FUEL, DAY))
    # reports (behind the loader's back: the tagger is not under test): each article's trigger is its first word
    events = [
        ("e1", "a", "occurred", date(2025, 12, 2), "putin", "witkoff"),
        ("e2", "b", "planned", date(2025, 12, 2), "putin", "witkoff"),
        ("e3", "b", "negated", date(2025, 12, 2), "putin", "witkoff"),
        ("e4", "a", "occurred", date(2025, 12, 3), "putin", "witkoff"),  # another date
        ("e5", "a", "occurred", date(2025, 12, 2), "witkoff", "putin"),  # roles the other way round
        ("e6", "fuel", "occurred", date(2025, 12, 2), "putin", "witkoff"),  # another story
    ]
    for event_id, article_id, modality, when, actor, target in events:
        connection.execute(
            "INSERT INTO events SELECT $e, article_id, '04 CONSULT', '040', 'Consult', split_part(text, ' ', 1), 0, "
            "length(split_part(text, ' ', 1)), 0, 0, 10, $m, $d, 'day', NULL, 'r1', 0.9, NULL FROM articles "
            "WHERE article_id = $a",
            {"e": event_id, "a": article_id, "m": modality, "d": when},
        )
        for entity_id, role in ((actor, "actor"), (target, "target")):
            connection.execute(
                "INSERT INTO event_participants VALUES ($e, $a, $p, $r, 'r1')",
                {"e": event_id, "a": article_id, "p": entity_id, "r": role},
            )
    yield connection
    connection.close()


def grouped(con) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for event_id, group_id in con.execute("SELECT event_id, group_id FROM events").fetchall():
        members.setdefault(group_id, set()).add(event_id)
    return {frozenset(m) for m in members.values()}


def test_reports_of_one_event_in_a_story_are_one_group_with_their_modalities(con):
    db.group_events(con)
    assert grouped(con) == {frozenset({"e1", "e2", "e3"}), frozenset({"e4"}), frozenset({"e5"}), frozenset({"e6"})}
    assert con.execute(
        "SELECT actors, targets, modality, modalities, n_mentions, n_articles, n_sources FROM event_groups "
        "WHERE n_mentions = 3"
    ).fetchall() == [(["Путин"], ["Уиткофф"], "negated", {"negated": 1, "occurred": 1, "planned": 1}, 3, 2, 2)]
    assert con.execute("SELECT modality_conflict FROM event_groups_timeline WHERE n_mentions = 3").fetchall() == [
        (True,)
    ]
    assert [c.name for c in integrity.check_warehouse(con) if not c.passed] == []


def test_linked_entities_group_together_and_only_changed_groups_are_rewritten(con):
    db.group_events(con)
    before = dict(con.execute("SELECT group_id, n_mentions FROM event_groups").fetchall())
    # «Уиткофф» in e5's role of actor is linked to another entity standing for the same person: e5 moves
    con.execute("INSERT INTO entities VALUES ('steve', 'PER', 'Стив Уиткофф', 'r1', NULL)")
    con.execute("UPDATE entities SET same_as = 'steve' WHERE entity_id = 'witkoff'")
    db.group_events(con)
    names = con.execute("SELECT DISTINCT actors FROM event_groups WHERE actor_ids = ['steve']").fetchall()
    assert names == [(["Стив Уиткофф"],)]
    assert grouped(con) == {frozenset({"e1", "e2", "e3"}), frozenset({"e4"}), frozenset({"e5"}), frozenset({"e6"})}
    assert set(dict(con.execute("SELECT group_id, n_mentions FROM event_groups").fetchall())) != set(before)
    assert [c.name for c in integrity.check_warehouse(con) if not c.passed] == []


def test_grouping_twice_changes_nothing_and_a_replaced_article_takes_its_events_out(con, story_articles):
    db.group_events(con)
    first = con.execute("SELECT * FROM event_groups ORDER BY group_id").fetchall()
    db.group_events(con)
    assert con.execute("SELECT * FROM event_groups ORDER BY group_id").fetchall() == first
    story_articles.load(con, 2, story_articles.row("b", story_articles.TALKS_RETOLD, story_articles.DAY))
    db.group_events(con)
    assert con.execute("SELECT n_mentions, modalities FROM event_groups WHERE n_articles = 1 AND modality = 'occurred' "
                       "AND event_date = DATE '2025-12-02' AND actors = ['Путин']").fetchall() == [
        (1, {"occurred": 1}), (1, {"occurred": 1})
    ]  # fmt: skip
    assert [c.name for c in integrity.check_warehouse(con) if not c.passed] == []


def test_the_timeline_shows_groups_with_a_confident_report(con):
    con.execute("UPDATE events SET confidence = 0.3 WHERE event_id IN ('e4', 'e2')")  # e4 alone in its group
    db.group_events(con)
    shown = {row[0] for row in con.execute("SELECT n_mentions FROM event_groups_timeline").fetchall()}
    assert con.execute("SELECT count(*) FROM event_groups_timeline").fetchone() == (3,)  # e4's group is left out
    assert shown == {3, 1}  # e1-e3 stays: e1 and e3 are confident
