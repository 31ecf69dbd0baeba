"""Migrations: an empty file gets every one; a warehouse made by older code is upgraded in place."""

from datetime import date

import duckdb
import pyarrow as pa

from warehouse import db


def columns(con, table):
    return [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position",
            {"t": table},
        ).fetchall()
    ]


def migrated_before(path, prefix: str):
    """A warehouse as the release before migration `prefix` left it: the migrations before it applied."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
    for name, statements in db.migrations():
        if name.startswith(prefix):
            break
        con.execute(statements)
        con.execute("INSERT INTO schema_migrations VALUES ($name, now())", {"name": name})
    return con


def test_an_empty_file_gets_every_migration(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    assert [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()] == [
        n for n, _ in db.migrations()
    ]
    assert "005_lineage" in [n for n, _ in db.migrations()]
    assert "stage_seconds" in columns(con, "runs") and columns(con, "batches")[0] == "batch_key"
    con.close()


def test_an_older_warehouse_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    # A warehouse as the foundation release left it: only 001_init applied, one finished run.
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
    name, statements = db.migrations()[0]
    assert name == "001_init"
    old.execute(statements)
    old.execute("INSERT INTO schema_migrations VALUES ('001_init', now())")
    old.execute(
        "INSERT INTO runs (run_id, flow, started_at, status, n_read, n_loaded, n_duplicates, n_quarantined) VALUES ('r0', 'news_etl', now(), 'completed', 2, 1, 1, 0)"
    )
    old.execute("INSERT INTO articles VALUES ('a1', 's', NULL, NULL, NULL, NULL, 'ru', 'Текст.', 'h1', NULL, 'r0')")
    old.close()

    con = db.connect(path)
    db.upgrade(con)
    applied = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
    assert applied == [n for n, _ in db.migrations()]
    assert con.execute("SELECT run_id, status, n_read, stage_seconds FROM runs").fetchall() == [
        ("r0", "completed", 2, None)
    ]
    assert con.execute("SELECT article_id, text FROM articles").fetchall() == [("a1", "Текст.")]
    assert con.execute("SELECT count(*) FROM batches").fetchone() == (0,)
    assert db.migrate(con) == []  # nothing left to apply the second time
    con.close()


def test_quarantine_stages_are_renamed_as_the_lake_reader_renames_them(tmp_path):
    """Migration 010 and `with_current_stage_names` (a rebuild from an older lake) give the same rows."""
    from transforms.quarantine import RENAMED_STAGES, quarantine_row, quarantine_table, with_current_stage_names

    old_rows = [
        quarantine_row(stage, "files", f"{stage}.txt", "failed", f"payload of {stage}")
        for stage in (*RENAMED_STAGES, "normalize")
    ]
    old_rows.append(quarantine_row("tag", "files", "no-payload.txt", "failed", None))
    con = migrated_before(tmp_path / "old.duckdb", "010")
    with db.registered(con, old=quarantine_table(old_rows)):
        con.execute(
            "INSERT INTO quarantine SELECT quarantine_id, 'r0', stage, source, record_key, reason, payload, now() FROM old"
        )
    assert db.upgrade(con)[0].startswith("010")
    migrated = con.execute(
        "SELECT quarantine_id, stage, source, record_key, reason, payload FROM quarantine ORDER BY record_key"
    ).fetchall()
    renamed = with_current_stage_names(quarantine_table(old_rows)).sort_by("record_key").to_pylist()
    assert migrated == [tuple(row.values()) for row in renamed]
    assert {row[1] for row in migrated} == {"tag-entities", "tag-events", "normalize"}


def test_quarantine_previews_and_cut_reasons_are_the_same_migrated_as_loaded(tmp_path):
    """Migration 016 gives stored rows what loading gives new ones (and a rebuild, the lake's older rows):
    the payload's length and first characters, and a reason cut as `quarantine_row` cuts it."""
    from transforms.quarantine import REASON_CHARS, quarantine_row, quarantine_table, with_cut_reasons
    from warehouse.batches import BatchTables

    long_reason = "normalize.txt: дата «" + "2026-02-30 " * 500 + "» не разбирается"
    old_rows = [  # as an older version wrote them: reasons whole
        {**quarantine_row("normalize", "files", "long.txt", "", "Текст статьи. " * 200), "reason": long_reason},
        {**quarantine_row("normalize", "files", "short.txt", "", "короткий"), "reason": "short.txt: нет даты"},
        {**quarantine_row("extract", "files", "empty.txt", "", None), "reason": "empty.txt: empty file"},
    ]
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
    for name, statements in db.migrations():
        if name.startswith("016"):
            break
        con.execute(statements)
        con.execute("INSERT INTO schema_migrations VALUES ($name, now())", {"name": name})
    with db.registered(con, old=quarantine_table(old_rows)):
        con.execute(
            "INSERT INTO quarantine SELECT quarantine_id, 'r0', stage, source, record_key, reason, payload, now() FROM old"
        )
    assert db.upgrade(con)[0].startswith("016")
    compared = "SELECT record_key, reason, payload, payload_chars, payload_preview FROM quarantine ORDER BY record_key"
    migrated = con.execute(compared).fetchall()
    con.close()

    loaded = db.connect(tmp_path / "new.duckdb")
    db.upgrade(loaded)
    db.load_batch(
        loaded, db.Batch.now("r0", 1, {}), BatchTables.of(quarantine=with_cut_reasons(quarantine_table(old_rows)))
    )
    assert loaded.execute(compared).fetchall() == migrated
    loaded.close()
    long_row = migrated[1]
    assert len(long_row[1]) == REASON_CHARS and long_row[1].endswith(f"… ({len(long_reason):,} characters)")
    assert long_row[3] == 2800 and long_row[4] == ("Текст статьи. " * 200)[: db.PAYLOAD_PREVIEW_CHARS]
    assert migrated[2][1:] == ("short.txt: нет даты", "короткий", 8, "короткий")


def test_the_run_counts_are_the_runs_tables_count_columns(tmp_path):
    from flows.counts import QUARANTINED_BY_STAGE, RUN_COUNTS

    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    count_columns = [name for name in columns(con, "runs") if name.startswith(db.COUNT_PREFIX)]
    assert sorted(RUN_COUNTS) == sorted(count_columns)
    assert set(QUARANTINED_BY_STAGE.values()) <= set(RUN_COUNTS)


def test_each_tables_arrow_schema_matches_its_warehouse_table(tmp_path):
    """The columns a transform produces are the warehouse table's (which may add its own, e.g. same_as)."""
    from transforms import schemas
    from warehouse.batches import EMPTY

    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    # replayed_quarantine is what a batch takes out of quarantine, no table of its own
    produced = {**EMPTY, "articles": schemas.ARTICLES_SCHEMA}
    del produced["replayed_quarantine"]
    for table, schema in produced.items():
        stored = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema  # noqa: S608 (the batch's table names)
        for field in schema:
            assert field.name in stored.names, f"{table}.{field.name} is no warehouse column"
            kind = stored.field(field.name).type
            if pa.types.is_timestamp(kind):  # DuckDB names the zone Etc/UTC
                kind = pa.timestamp(kind.unit, tz="UTC")
            assert kind == field.type, (
                f"{table}.{field.name}: {kind} in the warehouse, {field.type} in transforms.schemas"
            )


def test_every_view_is_a_file_of_its_own_and_no_migration_makes_one(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == set(db.create_views(con))
    assert {"top_stories", "story_timeline", "entity_aliases", "entity_mentions_per_day", "event_timeline"} <= views
    assert not [name for name, sql in db.migrations() if "CREATE VIEW" in sql.upper() or "REPLACE VIEW" in sql.upper()]


def test_near_copies_of_a_missing_or_copied_original_are_repaired(tmp_path):
    """Migration 011: a warehouse made before the integrity checks had near copies of articles it never loaded."""
    con = migrated_before(tmp_path / "old.duckdb", "011")
    for article_id, duplicate_of in (("a", None), ("b", "a"), ("c", "b"), ("d", "never-loaded")):
        con.execute(
            "INSERT INTO articles (article_id, source, language, text, content_hash, duplicate_of, run_id) "
            "VALUES ($id, 's', 'ru', 'Текст.', $id, $of, 'r0')",
            {"id": article_id, "of": duplicate_of},
        )
    db.upgrade(con)
    assert con.execute("SELECT article_id, duplicate_of FROM articles ORDER BY 1").fetchall() == [
        ("a", None), ("b", "a"), ("c", "a"), ("d", None),
    ]  # fmt: skip


def test_the_event_views_count_confident_events_and_durations_have_no_value(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    con.execute(
        "INSERT INTO articles (article_id, source, language, text, content_hash, run_id) VALUES ('a', 's', 'ru', 'Текст.', 'h', 'r')"
    )
    for event_id, confidence in (("sure", 0.9), ("doubtful", 0.2), ("old", None)):
        con.execute(
            "INSERT INTO events (event_id, article_id, type, cameo_code, cameo_name, trigger, start, stop, sentence,"
            " sentence_start, sentence_stop, modality, run_id, confidence)"
            " VALUES ($id, 'a', '04 CONSULT', '040', 'Consult', 'встреча', 0, 7, 0, 0, 6, 'occurred', 'r', $c)",
            {"id": event_id, "c": confidence},
        )
    shown = {row[0] for row in con.execute("SELECT event_id FROM event_timeline").fetchall()}
    assert shown == {"sure", "old"}  # events loaded before confidence existed count as before
    con.execute("INSERT INTO date_mentions VALUES ('a', 0, 8, 'три года', NULL, 'duration', 'r')")
    assert con.execute("SELECT count(*) FROM date_mentions WHERE value IS NULL").fetchone() == (1,)
    con.close()


def test_an_article_published_long_after_every_date_it_writes_is_suspect(tmp_path):
    """suspect_publication_dates: at least three dates written with a year, the latest over a year old."""
    con = db.connect(tmp_path / "w.duckdb")
    db.upgrade(con)
    mentions = {
        # published 2019-11-18; its written dates end in 2014: a collection date or history
        "old": [("в 2011 году", "2011-01-01", "year"), ("12 мая 2013 года", "2013-05-12", "day"),
                ("в марте 2014 года", "2014-03-01", "month"), ("вчера", "2019-11-17", "day")],
        # «в 2018 году» ends on 2018-12-31, less than a year before the publication
        "recent": [("в 2011 году", "2011-01-01", "year"), ("в 2012 году", "2012-01-01", "year"),
                   ("в 2018 году", "2018-01-01", "year")],
        # two written dates are too few to say
        "few": [("в 2001 году", "2001-01-01", "year"), ("в 2002 году", "2002-01-01", "year"),
                ("в среду", "2019-11-13", "day"), ("90-х", "1990-01-01", "decade")],
    }  # fmt: skip
    for article_id, dated in mentions.items():
        con.execute(
            "INSERT INTO articles (article_id, source, published_date, language, text, content_hash, run_id)"
            " VALUES ($id, 's', DATE '2019-11-18', 'ru', 'Текст.', $id, 'r')",
            {"id": article_id},
        )
        for n, (text, value, precision) in enumerate(dated):
            con.execute(
                "INSERT INTO date_mentions VALUES ($id, $n, $n + 1, $text, CAST($value AS DATE), $precision, 'r')",
                {"id": article_id, "n": n, "text": text, "value": value, "precision": precision},
            )
    flagged = con.execute(
        "SELECT article_id, story_date, days_after_story, n_written_dates, n_dates_from_publication"
        " FROM suspect_publication_dates"
    ).fetchall()
    assert flagged == [("old", date(2014, 3, 1), 2058, 3, 1)]
    con.close()
