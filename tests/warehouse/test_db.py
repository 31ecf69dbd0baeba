from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa
import pytest

from transforms.quarantine import quarantine_row, quarantine_table
from transforms.schemas import (
    ARTICLE_BATCH_SCHEMA,
    ARTICLE_SIGNATURES_SCHEMA,
    DATE_MENTIONS_SCHEMA,
    ENTITIES_SCHEMA,
    MENTIONS_SCHEMA,
)
from warehouse import db
from warehouse.batches import BatchTables
from warehouse.query import WriteRefused, check_read_only, run_query


def article(article_id="a1", text="Путин в Москве.", content_hash="h1"):
    return {
        "article_id": article_id,
        "source": "test",
        "url": None,
        "published_at": datetime(2026, 1, 14, 10, tzinfo=UTC),
        "published_date": datetime(2026, 1, 14).date(),
        "language": "ru",
        "text": text,
        "content_hash": content_hash,
    }


def mention(article_id="a1", start=0, stop=5, text="Путин"):
    return {
        "article_id": article_id,
        "start": start,
        "stop": stop,
        "sentence": 0,
        "type": "PER",
        "text": text,
        "normal": text,
        "entity_id": "e1",
    }


def load(con, run_id, articles, mentions, quarantine=(), batch_no=1):
    db.load_batch(
        con,
        db.Batch.now(run_id, batch_no, {"n_read": len(articles)}),
        BatchTables.of(
            articles=pa.Table.from_pylist(articles, schema=ARTICLE_BATCH_SCHEMA),
            mentions=pa.Table.from_pylist(mentions, schema=MENTIONS_SCHEMA),
            entities=pa.Table.from_pylist(
                [{"entity_id": "e1", "type": "PER", "name": "Владимир Путин"}], schema=ENTITIES_SCHEMA
            ),
            quarantine=quarantine_table(list(quarantine)),
        ),
    )


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "w.duckdb")
    db.upgrade(connection)
    yield connection
    connection.close()


def test_migrations_are_recorded_and_applied_once(con):
    names = [row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
    assert names == [name for name, _ in db.migrations()]
    assert db.migrate(con) == []
    tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"articles", "mentions", "entities", "quarantine", "runs", "date_mentions", "article_signatures"} <= tables


def test_changed_article_replaces_row_and_mentions(con):
    load(con, "r1", [article()], [mention(), mention(start=8, stop=14, text="Москве")])
    load(con, "r2", [article(text="Путин.", content_hash="h2")], [mention()])
    rows = con.execute("SELECT article_id, text, content_hash, run_id FROM articles").fetchall()
    assert rows == [("a1", "Путин.", "h2", "r2")]
    assert con.execute("SELECT start, stop, run_id FROM mentions").fetchall() == [(0, 5, "r2")]
    assert db.known_content_hashes(con, ["h1", "h2", "h3"]) == {"h2"}


def test_a_failed_batch_leaves_nothing_behind(con):
    load(con, "r1", [article()], [mention()])
    with pytest.raises(duckdb.ConstraintException):
        # the same mention twice violates the mentions key: the whole batch rolls back
        load(con, "r2", [article(text="Новый текст.", content_hash="h2")], [mention(), mention()])
    assert con.execute("SELECT text FROM articles").fetchall() == [("Путин в Москве.",)]
    assert con.execute("SELECT count(*) FROM mentions").fetchone() == (1,)


def test_quarantine_keeps_one_row_per_failure(con):
    row = quarantine_row("normalize", "files", "x.txt", "x.txt: bad date", "payload")
    load(con, "r1", [], [], [row])
    load(con, "r2", [], [], [row])
    assert con.execute("SELECT run_id, stage, reason, payload FROM quarantine").fetchall() == [
        ("r1", "normalize", "x.txt: bad date", "payload")
    ]


def test_runs_row(con):
    db.start_run(con, "r1", "news_etl", {"batch_size": 10}, "0.1.0")
    db.finish_run(con, "r1", "completed", {"n_read": 3, "n_loaded": 2, "n_duplicates": 1})
    row = con.execute(
        "SELECT status, n_read, n_loaded, n_duplicates, n_quarantined, parameters->>'batch_size' FROM runs"
    ).fetchone()
    assert row == ("completed", 3, 2, 1, 0, "10")


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM articles",
        "insert into runs values (1)",
        "DROP TABLE articles",
        "COPY articles TO 'x.csv'",
        "ATTACH 'other.db'",
        "select 1; delete from articles",
        "UPDATE articles SET text = ''",
        "CREATE TABLE t (x INT)",
    ],
)
def test_writes_are_refused(query):
    with pytest.raises(WriteRefused):
        check_read_only(query)


def test_read_only_query(con, tmp_path):
    load(con, "r1", [article()], [mention()])
    con.close()
    result = run_query(tmp_path / "w.duckdb", "SELECT article_id, published_at FROM articles")
    assert result.to_pylist() == [{"article_id": "a1", "published_at": datetime(2026, 1, 14, 10, tzinfo=UTC)}]


def date_mention(article_id="a1", start=0, stop=8, text="6 января", value=date(2026, 1, 6)):
    return {"article_id": article_id, "start": start, "stop": stop, "text": text, "value": value, "precision": "day"}


def signature_row(article_id="a1", values=(1, 2, 3)):
    return {"article_id": article_id, "signature": list(values)}


def test_changed_article_replaces_its_date_mentions_and_signature(con):
    def load_with(text, content_hash, dates, values, run_id):
        tables = BatchTables.of(
            articles=pa.Table.from_pylist([article(text=text, content_hash=content_hash)], schema=ARTICLE_BATCH_SCHEMA),
            # rows of an article the batch does not load are not stored
            date_mentions=pa.Table.from_pylist(dates + [date_mention(article_id="gone")], schema=DATE_MENTIONS_SCHEMA),
            article_signatures=pa.Table.from_pylist(
                [signature_row(values=values), signature_row("gone")], schema=ARTICLE_SIGNATURES_SCHEMA
            ),
        )
        db.load_batch(con, db.Batch.now(run_id, 1, {}), tables)

    load_with(
        "6 января и 7 января.",
        "h1",
        [date_mention(), date_mention(start=11, stop=19, text="7 января", value=date(2026, 1, 7))],
        (1, 2, 3),
        "r1",
    )
    load_with("8 января.", "h2", [date_mention(text="8 января", value=date(2026, 1, 8))], (4, 5, 6), "r2")
    assert con.execute("SELECT article_id, text, value, precision, run_id FROM date_mentions").fetchall() == [
        ("a1", "8 января", date(2026, 1, 8), "day", "r2")
    ]
    assert con.execute("SELECT article_id, signature FROM article_signatures").fetchall() == [("a1", [4, 5, 6])]


def load_signatures(con, run_id, rows, banding=None, duplicate_of=None):
    """Load articles with the given signatures (article_id -> values); `duplicate_of` marks copies."""
    duplicate_of = duplicate_of or {}
    articles = [{**article(ident, content_hash=ident), "duplicate_of": duplicate_of.get(ident)} for ident in rows]
    db.load_batch(
        con,
        db.Batch.now(run_id, 1, {}),
        BatchTables.of(
            articles=pa.Table.from_pylist(articles, schema=ARTICLE_BATCH_SCHEMA),
            mentions=MENTIONS_SCHEMA.empty_table(),
            entities=ENTITIES_SCHEMA.empty_table(),
            quarantine=quarantine_table([]),
            article_signatures=pa.Table.from_pylist(
                [signature_row(i, v) for i, v in rows.items()], schema=ARTICLE_SIGNATURES_SCHEMA
            ),
        ),
        banding=banding,
    )


def candidates(con, query, banding):
    table = pa.Table.from_pylist([signature_row(i, v) for i, v in query.items()], schema=ARTICLE_SIGNATURES_SCHEMA)
    return [
        (r["query_id"], r["article_id"], r["kept"])
        for r in db.near_duplicate_candidates(con, table, *banding).to_pylist()
    ]


def test_near_duplicate_candidates_share_a_band_and_carry_the_kept_article(con):
    # 3 bands of 2 values: a2 shares band 1 with the query, a3 only shares values across band borders
    load_signatures(
        con,
        "r1",
        {"a1": [1, 2, 3, 4, 5, 6], "a2": [9, 9, 3, 4, 9, 9], "a3": [9, 1, 2, 9, 9, 9]},
        banding=(3, 2),
        duplicate_of={"a2": "a1"},
    )
    assert candidates(con, {"q": [0, 0, 3, 4, 0, 0]}, (3, 2)) == [("q", "a1", "a1"), ("q", "a2", "a1")]
    assert candidates(con, {"q": [0, 1, 2, 0, 0, 0]}, (3, 2)) == []
    # another banding finds nothing until the stored signatures get its band hashes
    assert candidates(con, {"q": [1, 2, 3, 0, 0, 0]}, (2, 3)) == []
    db.add_signature_bands(con, 2, 3)
    assert candidates(con, {"q": [1, 2, 3, 0, 0, 0]}, (2, 3)) == [("q", "a1", "a1")]
    assert db.signature_banding(con) == [(2, 3)]


def test_signature_bands_follow_their_article(con):
    load_signatures(con, "r1", {"a1": [1, 2, 3, 4]}, banding=(2, 2))
    assert candidates(con, {"q": [1, 2, 0, 0]}, (2, 2)) == [("q", "a1", "a1")]
    load_signatures(con, "r2", {"a1": [5, 6, 7, 8]}, banding=(2, 2))  # the article changed
    assert candidates(con, {"q": [1, 2, 0, 0]}, (2, 2)) == []
    assert candidates(con, {"q": [0, 0, 7, 8]}, (2, 2)) == [("q", "a1", "a1")]
    assert con.execute("SELECT count(*) FROM signature_bands").fetchall() == [(2,)]
    # a load without banding (a rebuild) leaves the band hashes to add_signature_bands
    load_signatures(con, "r3", {"a2": [1, 2, 3, 4]})
    assert candidates(con, {"q": [1, 2, 0, 0]}, (2, 2)) == []
    db.add_signature_bands(con, 2, 2)
    assert candidates(con, {"q": [1, 2, 0, 0]}, (2, 2)) == [("q", "a2", "a2")]


def test_a_near_copy_shares_its_originals_story(con):
    copy = {**article(article_id="a2", content_hash="h2"), "duplicate_of": "a1"}
    db.load_batch(
        con,
        db.Batch.now("r1", 1, {}),
        BatchTables.of(
            articles=pa.Table.from_pylist([article(), copy], schema=ARTICLE_BATCH_SCHEMA),
            mentions=MENTIONS_SCHEMA.empty_table(),
            entities=ENTITIES_SCHEMA.empty_table(),
            quarantine=quarantine_table([]),
        ),
    )
    assert con.execute("SELECT article_id, joined_by FROM story_articles ORDER BY 1").fetchall() == [
        ("a1", "founded"),
        ("a2", "near_copy"),
    ]
    assert con.execute("SELECT n_articles, n_sources FROM stories").fetchall() == [(2, 1)]


def test_runs_row_records_languages_and_new_counts(con):
    db.start_run(con, "r1", "news_etl", {}, "0.1.0")
    db.finish_run(
        con, "r1", "completed", {"n_read": 3, "n_no_date": 1, "n_near_duplicates": 1}, languages={"uk": 1, "ru": 2}
    )
    row = con.execute("SELECT n_no_date, n_near_duplicates, n_date_mentions, languages::VARCHAR FROM runs").fetchone()
    assert row == (1, 1, 0, '{"ru": 2, "uk": 1}')


def test_events_load_and_are_replaced_with_their_article(con):
    from transforms.schemas import EVENT_PARTICIPANTS_SCHEMA, EVENTS_SCHEMA

    event = {
        "event_id": "ev1", "article_id": "a1", "type": "04 CONSULT", "cameo_code": "040", "cameo_name": "Consult, not specified below",
        "trigger": "Встреча", "start": 0, "stop": 7, "sentence": 0, "sentence_start": 0, "sentence_stop": 24,
        "modality": "occurred", "event_date": None, "date_precision": None, "place_entity_id": None,
    }  # fmt: skip
    participant = {"event_id": "ev1", "article_id": "a1", "entity_id": "e1", "role": "actor"}
    db.load_batch(
        con,
        db.Batch.now("r1", 1, {"n_read": 1}),
        BatchTables.of(
            articles=pa.Table.from_pylist([article(text="Встреча: Путин в Москве.")], schema=ARTICLE_BATCH_SCHEMA),
            mentions=pa.Table.from_pylist([mention(start=9, stop=14)], schema=MENTIONS_SCHEMA),
            entities=pa.Table.from_pylist(
                [{"entity_id": "e1", "type": "PER", "name": "Владимир Путин"}], schema=ENTITIES_SCHEMA
            ),
            quarantine=quarantine_table([]),
            events=pa.Table.from_pylist([event], schema=EVENTS_SCHEMA),
            event_participants=pa.Table.from_pylist([participant], schema=EVENT_PARTICIPANTS_SCHEMA),
        ),
    )
    assert con.execute("SELECT actors, sentence_text, modality FROM event_timeline").fetchall() == [
        ("Владимир Путин", "Встреча: Путин в Москве.", "occurred")
    ]
    load(con, "r2", [article(text="Путин.", content_hash="h2")], [mention()])
    assert con.execute("SELECT count(*) FROM events").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM event_participants").fetchone() == (0,)


def test_source_state_round_trip_last_entry_wins():
    con = db.connect(":memory:")
    db.upgrade(con)
    entry = {
        "source": "s",
        "key": "/a.txt",
        "size": 10,
        "mtime": 1.5,
        "content_hash": "h1",
        "etag": None,
        "last_modified": None,
    }
    db.save_source_state(con, "r1", [entry, {**entry, "size": 12, "content_hash": "h2"}])
    db.save_source_state(
        con,
        "r2",
        [{**entry, "key": "https://x.example/rss", "etag": '"v1"', "last_modified": "Wed, 14 Jan 2026 08:00:00 GMT"}],
    )
    state = sorted(db.load_source_state(con), key=lambda r: r["key"])
    assert state == [
        {**entry, "size": 12, "content_hash": "h2"},
        {**entry, "key": "https://x.example/rss", "etag": '"v1"', "last_modified": "Wed, 14 Jan 2026 08:00:00 GMT"},
    ]
    assert con.execute("SELECT run_id FROM source_state ORDER BY key").fetchall() == [("r1",), ("r2",)]


def test_replayed_records_that_pass_leave_quarantine_and_failing_ones_stay(con):
    fixed = quarantine_row("normalize", "test", "a.jsonl:1", "a.jsonl:1: bad date", "{raw 1}")
    still_bad = quarantine_row("normalize", "test", "a.jsonl:2", "a.jsonl:2: bad date", "{raw 2}")
    untouched = quarantine_row("extract", "test", "b.txt", "b.txt: no header", "raw b")
    load(con, "r1", [], [], [fixed, still_bad, untouched])
    db.load_batch(
        con,
        db.Batch.now("r2", 1, {}),
        BatchTables.of(
            articles=pa.Table.from_pylist([article()], schema=ARTICLE_BATCH_SCHEMA),
            mentions=pa.Table.from_pylist([mention()], schema=MENTIONS_SCHEMA),
            entities=pa.Table.from_pylist(
                [{"entity_id": "e1", "type": "PER", "name": "Владимир Путин"}], schema=ENTITIES_SCHEMA
            ),
            quarantine=quarantine_table([still_bad]),
            replayed_quarantine=pa.table({"quarantine_id": [fixed["quarantine_id"], still_bad["quarantine_id"]]}),
        ),
    )
    left = {row[0] for row in con.execute("SELECT record_key FROM quarantine").fetchall()}
    assert left == {"a.jsonl:2", "b.txt"}
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_replayable_quarantine_is_of_the_stages_asked_for_without_child_table_rows(con):
    from flows.settings import REPLAYABLE_STAGES

    rows = [
        quarantine_row("normalize", "test", "a.jsonl:1", "bad date", "{raw 1}"),
        quarantine_row("validate", "test", "a.jsonl:2", "articles a.jsonl:2: failed ...", "{raw 2}"),
        quarantine_row("validate", "mentions", "a1/0/5", "mentions a1/0/5: failed ...", "{}"),
        quarantine_row("extract", "test", "c.jsonl", "c.jsonl: cannot decode: ...", "\\xff"),
    ]
    load(con, "r1", [], [], rows)
    everything = db.replayable_quarantine(con, REPLAYABLE_STAGES, ["mentions", "entities"])
    assert sorted(r["record_key"] for r in everything) == ["a.jsonl:1", "a.jsonl:2"]
    (validate_only,) = db.replayable_quarantine(con, ["validate"], ["mentions", "entities"])
    assert validate_only["payload"] == "{raw 2}" and validate_only["stage"] == "validate"


def test_reloading_an_article_clears_its_old_quarantined_mentions(con):
    old_mention = quarantine_row(
        "validate", "mentions", "a1/0/9", "mentions a1/0/9: failed ...", '{"article_id": "a1", "start": 0}'
    )
    other_article = quarantine_row(
        "validate", "mentions", "a2/0/5", "mentions a2/0/5: failed ...", '{"article_id": "a2", "start": 0}'
    )
    raw_record = quarantine_row(
        "validate", "test", "d.jsonl:1", "articles d.jsonl:1: failed ...", '{"id": "1", "text": "x"}'
    )
    seed = quarantine_row("normalize", "files", "b.txt", "b.txt: bad date", " date 2026-02-30 Текст")
    load(con, "r1", [], [], [old_mention, other_article, raw_record, seed])
    load(con, "r2", [article(text="Путин в Москве!", content_hash="h2")], [mention()])
    left = sorted(row[0] for row in con.execute("SELECT record_key FROM quarantine").fetchall())
    assert left == ["a2/0/5", "b.txt", "d.jsonl:1"]


def test_reading_the_warehouse_loads_no_models_and_no_prefect():
    """`newsetl sql` and any reader import warehouse.query: the schemas it needs come without natasha (1.2 s)."""
    import subprocess
    import sys

    heavy = ("natasha", "yargy", "slovnet", "great_expectations", "prefect")
    code = f"import sys, warehouse.query, warehouse.lake, warehouse.recovery; print(*[m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_an_unfinished_run_is_closed_with_the_counts_of_its_batches(con):
    db.start_run(con, "r1", "news_etl", {}, "test")
    # a batch's counts also hold figures the runs table has no column for (mentions before validation)
    batch = db.Batch.now("r1", 1, {"n_read": 2, "n_loaded": 1, "n_quarantined": 1, "n_mentions_tagged": 7})
    db.load_batch(con, batch, BatchTables.of(articles=pa.Table.from_pylist([article()], schema=ARTICLE_BATCH_SCHEMA)))
    assert db.close_unfinished_runs(con) == ["r1"]
    (row,) = con.execute("SELECT status, n_read, n_loaded, n_duplicates, n_quarantined, n_events FROM runs").fetchall()
    assert row == ("interrupted", 2, 1, 0, 1, 0)
    with pytest.raises(ValueError, match="not a count of the runs table: n_mentions_tagged"):
        db.finish_run(con, "r1", "completed", {"n_mentions_tagged": 7})
