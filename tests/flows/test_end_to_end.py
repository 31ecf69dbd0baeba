"""The golden end-to-end run: the whole flow over the bundled examples, twice."""

import json

import duckdb
import pytest

from transforms.entities import entity_id

pytestmark = pytest.mark.e2e

SEED_START = "Посланники президента США Стив Уиткофф"
TABLES = ("articles", "mentions", "entities", "quarantine", "events", "event_participants")


def run_flow(inputs, tmp_path, batch_size=4):
    from flows.etl import news_etl

    return news_etl(
        inputs=[str(p) for p in inputs],
        db_path=str(tmp_path / "w.duckdb"),
        lake_dir=str(tmp_path / "lake"),
        batch_size=batch_size,
    )


def snapshot(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}  # noqa: S608 (fixed names)
    finally:
        con.close()


def query(db_path, sql, params=None):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def examples_run(prefect_server, tmp_path_factory):
    """Two runs over a copy of the examples (in batches of 4, so the duplicate spans batches)."""
    import shutil

    from flows.settings import EXAMPLES_DIR

    tmp_path = tmp_path_factory.mktemp("e2e")
    shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    first = run_flow([tmp_path / "articles"], tmp_path)
    after_first = snapshot(tmp_path / "w.duckdb")
    second = run_flow([tmp_path / "articles"], tmp_path)
    return {"dir": tmp_path, "db": tmp_path / "w.duckdb", "first": first, "second": second, "after_first": after_first}


def test_counts_add_up(examples_run):
    first = examples_run["first"]
    assert (first["n_read"], first["n_loaded"], first["n_duplicates"], first["n_quarantined"]) == (9, 7, 1, 1)
    assert first["n_mentions"] > 50 and first["n_entities"] > 20
    rows = query(examples_run["db"], "SELECT status, n_read, n_loaded, n_duplicates, n_quarantined, n_mentions FROM runs ORDER BY started_at")
    for status, n_read, n_loaded, n_duplicates, n_quarantined, _ in rows:
        assert status == "completed"
        assert n_read == n_loaded + n_duplicates + n_quarantined
    assert rows[0][1:] == (9, 7, 1, 1, first["n_mentions"])


def test_seed_people_and_places(examples_run):
    db = examples_run["db"]
    (seed_id,) = query(db, "SELECT article_id FROM articles WHERE starts_with(text, $s)", {"s": SEED_START})[0]
    found = set(query(db, "SELECT type, normal FROM mentions WHERE article_id = $a", {"a": seed_id}))
    expected = {
        ("PER", "Владимир Путин"), ("PER", "Стив Уиткофф"), ("PER", "Джаред Кушнер"), ("PER", "Дональд Трамп"),
        ("PER", "Кир Стармер"), ("PER", "Эмманюэль Макрон"), ("PER", "Владимир Зеленский"),
        ("LOC", "Москва"), ("LOC", "Париж"), ("LOC", "Украина"), ("LOC", "Россия"), ("LOC", "Иран"),
        ("ORG", "Bloomberg"), ("ORG", "Европейская правда"),
    }  # fmt: skip
    assert expected <= found
    assert ("Владимиром Путиным", "Владимир Путин") in set(
        query(db, "SELECT text, normal FROM mentions WHERE article_id = $a", {"a": seed_id})
    )
    # every mention of Путин, Уиткофф and Кушнер carries the full name's entity
    for surname, full in [("Путин", "Владимир Путин"), ("Уиткофф", "Стив Уиткофф"), ("Кушнер", "Джаред Кушнер")]:
        ids = query(db, "SELECT DISTINCT entity_id FROM mentions WHERE article_id = $a AND normal ILIKE '%' || $s", {"a": seed_id, "s": surname})
        assert ids == [(entity_id("PER", full),)], surname
    names = set(query(db, "SELECT type, name FROM entities"))
    assert {("PER", "Владимир Путин"), ("PER", "Стив Уиткофф"), ("ORG", "Bloomberg"), ("LOC", "Париж")} <= names


def test_offsets_point_at_the_surface_form(examples_run):
    bad = query(
        examples_run["db"],
        "SELECT m.text, substring(a.text, m.start + 1, m.stop - m.start) FROM mentions m JOIN articles a USING (article_id) "
        "WHERE substring(a.text, m.start + 1, m.stop - m.start) <> m.text",
    )
    assert bad == []


def test_exact_copy_is_a_duplicate(examples_run):
    rows = query(examples_run["db"], "SELECT count(*) FROM articles WHERE starts_with(text, 'В Иране вторую неделю')")
    assert rows == [(1,)]


def test_broken_header_is_quarantined_naming_the_file(examples_run):
    rows = query(examples_run["db"], "SELECT stage, record_key, reason, payload FROM quarantine")
    assert len(rows) == 1
    stage, record_key, reason, payload = rows[0]
    assert stage == "normalize"
    assert record_key.endswith("008_broken_header.txt")
    assert "008_broken_header.txt" in reason and "2026-02-30" in reason
    assert payload == (examples_run["dir"] / "articles" / "008_broken_header.txt").read_text(encoding="utf-8")


def test_second_run_changes_nothing(examples_run):
    second = examples_run["second"]
    assert (second["n_read"], second["n_loaded"], second["n_duplicates"], second["n_quarantined"]) == (9, 0, 8, 1)
    assert snapshot(examples_run["db"]) == examples_run["after_first"]


def test_lake_holds_the_loaded_articles(examples_run):
    lake = examples_run["dir"] / "lake"
    partitions = sorted(p.name for p in (lake / "articles").iterdir())
    assert "published_date=2026-01-14" in partitions
    count = query(examples_run["db"], "SELECT count(*) FROM read_parquet($p, hive_partitioning = true)", {"p": str(lake / "articles" / "*" / "*.parquet")})
    assert count == [(7,)]


def test_changed_article_replaces_its_row_and_mentions(prefect_server, tmp_path):
    dump = tmp_path / "dump.jsonl"

    def write(second_text):
        records = [
            {"id": "1", "source": "test", "url": "https://example.test/1", "title": "Первая", "published": "2026-01-10T09:00:00+03:00",
             "text": "Президент России Владимир Путин провел совещание в Москве."},
            {"id": "2", "source": "test", "url": "https://example.test/2", "title": "Вторая", "published": "2026-01-11", "text": second_text},
        ]
        dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")

    write("Эмманюэль Макрон прилетел в Париж.")
    first = run_flow([dump], tmp_path)
    write("Кир Стармер прилетел в Лондон.")
    second = run_flow([dump], tmp_path)
    assert (first["n_loaded"], second["n_loaded"], second["n_duplicates"]) == (2, 1, 1)
    db = tmp_path / "w.duckdb"
    assert query(db, "SELECT url, text FROM articles ORDER BY url")[1] == ("https://example.test/2", "Кир Стармер прилетел в Лондон.")
    normals = {row[0] for row in query(db, "SELECT normal FROM mentions m JOIN articles a USING (article_id) WHERE a.url LIKE '%/2'")}
    assert normals == {"Кир Стармер", "Лондон"}
    assert query(db, "SELECT published_at::VARCHAR FROM articles WHERE url LIKE '%/1'") == [("2026-01-10 06:00:00+00",)]


def test_seed_events(examples_run):
    """The events the seed must yield (issue 6), read through the event_timeline view."""
    seed = query(examples_run["db"], "SELECT article_id FROM articles WHERE starts_with(text, $s)", {"s": SEED_START})[0][0]
    rows = query(
        examples_run["db"],
        "SELECT cameo_code, trigger, actors, targets, place, modality, date FROM event_timeline WHERE article_id = $a",
        {"a": seed},
    )
    assert ("040", "встречи", "Джаред Кушнер, Стив Уиткофф", "Владимир Путин", "Москва", "planned", None) in rows
    assert ("040", "встретились", None, None, "Париж", "occurred", None) in rows  # event_date waits for issue 4
    assert ("057", "подписали", "Владимир Зеленский, Кир Стармер, Эмманюэль Макрон", None, None, "occurred", None) in rows
    assert any(r[1] == "встреча" and r[5] == "negated" for r in rows)
    assert any(r[0].startswith("14") and r[1] == "протесты" for r in rows)
    iran = query(examples_run["db"], "SELECT place FROM event_timeline WHERE trigger = 'протесты' AND place IS NOT NULL")
    assert ("Иран",) in iran
    counts = query(examples_run["db"], "SELECT n_events, n_event_participants FROM runs ORDER BY started_at LIMIT 1")[0]
    assert counts == (examples_run["first"]["n_events"], query(examples_run["db"], "SELECT count(*) FROM event_participants")[0][0])
    assert counts[0] == query(examples_run["db"], "SELECT count(*) FROM events")[0][0] > 30
    lake_events = query(examples_run["db"], "SELECT count(*) FROM read_parquet($p, hive_partitioning = true)", {"p": str(examples_run["dir"] / "lake" / "events" / "*" / "*.parquet")})
    assert lake_events == [(counts[0],)]
