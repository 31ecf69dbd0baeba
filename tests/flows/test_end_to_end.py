"""The golden end-to-end run: the whole flow over the bundled examples, twice."""

import json
from datetime import date

import duckdb
import pytest

from transforms.events import CONFIDENT
from transforms.names import entity_id

pytestmark = pytest.mark.e2e

SEED_START = "Посланники президента США Стив Уиткофф"
TABLES = (
    "articles",
    "mentions",
    "entities",
    "quarantine",
    "date_mentions",
    "article_signatures",
    "events",
    "event_participants",
)


@pytest.fixture(scope="session")
def run_flow(run_settings):
    """`run_flow(inputs, directory, **settings)`: news_etl in batches of 4, its warehouse and lake in `directory`."""
    from flows.etl import news_etl

    def run(inputs, directory, **fields):
        fields.setdefault("batch_size", 4)
        return news_etl(run_settings(directory, inputs, **fields))

    return run


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
def examples_run(prefect_server, tmp_path_factory, run_flow):
    """Two runs over a copy of the examples (in batches of 4, so the duplicate spans batches), then a full one."""
    import shutil

    from flows.settings import EXAMPLES_DIR

    tmp_path = tmp_path_factory.mktemp("e2e")
    shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    first = run_flow([tmp_path / "articles"], tmp_path)
    after_first = snapshot(tmp_path / "w.duckdb")
    second = run_flow([tmp_path / "articles"], tmp_path)
    full = run_flow([tmp_path / "articles"], tmp_path, full=True, batch_chars=1)  # every record a batch of its own
    return {
        "dir": tmp_path,
        "db": tmp_path / "w.duckdb",
        "first": first,
        "second": second,
        "full": full,
        "after_first": after_first,
    }


def test_counts_add_up(examples_run):
    first = examples_run["first"]
    assert (first["n_read"], first["n_loaded"], first["n_duplicates"], first["n_quarantined"]) == (11, 9, 1, 1)
    assert first["n_mentions"] > 50 and first["n_entities"] > 20
    assert (first["n_near_duplicates"], first["n_no_date"]) == (1, 0)
    assert first["languages"] == {"ru": 8, "uk": 1}
    # 4 in the seed («в ближайшее время», soon, is no period), 1 in 001, 1 in 005 (the duration «за сутки»), 2 each
    # in 004 and its repost 010
    assert first["n_date_mentions"] == 10
    rows = query(
        examples_run["db"],
        "SELECT status, n_read, n_loaded, n_duplicates, n_quarantined, n_mentions FROM runs ORDER BY started_at",
    )
    for status, n_read, n_loaded, n_duplicates, n_quarantined, _ in rows:
        assert status == "completed"
        assert n_read == n_loaded + n_duplicates + n_quarantined
    assert rows[0][1:] == (11, 9, 1, 1, first["n_mentions"])
    assert query(examples_run["db"], "SELECT languages::VARCHAR FROM runs ORDER BY started_at LIMIT 1") == [
        ('{"ru": 8, "uk": 1}',)
    ]


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
        ids = query(
            db,
            "SELECT DISTINCT entity_id FROM mentions WHERE article_id = $a AND normal ILIKE '%' || $s",
            {"a": seed_id, "s": surname},
        )
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


def test_second_run_reads_nothing_new_and_full_changes_nothing(examples_run):
    second, full = examples_run["second"], examples_run["full"]
    assert (second["n_read"], second["n_loaded"], second["n_duplicates"], second["n_quarantined"]) == (0, 0, 0, 0)
    assert (full["n_read"], full["n_loaded"], full["n_duplicates"], full["n_quarantined"]) == (11, 0, 10, 1)
    assert snapshot(examples_run["db"]) == examples_run["after_first"]
    # the full run's batches ended at batch_chars=1, not at batch_size=4
    assert query(examples_run["db"], "SELECT count(*) FROM batches WHERE run_id = $r", {"r": full["run_id"]}) == [(11,)]


def test_lake_holds_the_loaded_articles(examples_run):
    lake = examples_run["dir"] / "lake"
    partitions = sorted(p.name for p in (lake / "articles").iterdir())
    assert "published_date=2026-01-14" in partitions
    count = query(
        examples_run["db"],
        "SELECT count(*) FROM read_parquet($p, hive_partitioning = true)",
        {"p": str(lake / "articles" / "*" / "*.parquet")},
    )
    assert count == [(9,)]


def test_seed_dates_resolve_against_the_publication_date(examples_run):
    db = examples_run["db"]
    (seed_id,) = query(db, "SELECT article_id FROM articles WHERE starts_with(text, $s)", {"s": SEED_START})[0]
    found = set(
        query(db, "SELECT text, value::VARCHAR, precision FROM date_mentions WHERE article_id = $a", {"a": seed_id})
    )
    assert {
        ("6 января", "2026-01-06", "day"),
        ("в декабре", "2025-12-01", "month"),
        ("в прошлом году", "2025-01-01", "year"),
    } <= found
    bad = query(
        db,
        "SELECT d.text FROM date_mentions d JOIN articles a USING (article_id) "
        "WHERE substring(a.text, d.start + 1, d.stop - d.start) <> d.text",
    )
    assert bad == []


def test_ukrainian_article_is_loaded_untagged(examples_run):
    db = examples_run["db"]
    rows = query(db, "SELECT article_id, language FROM articles WHERE starts_with(text, 'Київська міська рада')")
    assert [language for _, language in rows] == ["uk"]
    (article_id, _) = rows[0]
    assert query(db, "SELECT count(*) FROM mentions WHERE article_id = $a", {"a": article_id}) == [(0,)]
    assert query(db, "SELECT count(*) FROM date_mentions WHERE article_id = $a", {"a": article_id}) == [(0,)]


def test_repost_is_marked_as_a_near_duplicate_and_counted_once(examples_run):
    db = examples_run["db"]
    rows = query(
        db,
        "SELECT a.duplicate_of = k.article_id FROM articles a, articles k "
        "WHERE a.text LIKE '%ценах на бензин.' AND k.text LIKE '%проведет в феврале.'",
    )
    assert rows == [(True,)]
    assert query(
        db,
        "SELECT count(DISTINCT sa.story_id) FROM story_articles sa JOIN articles a USING (article_id) "
        "WHERE a.text LIKE 'Банк России на заседании%'",
    ) == [(1,)]


def test_the_examples_stories(examples_run):
    """The seed and the White House briefing of the same day are one story; the December talks, six weeks
    earlier, a story of their own; every article is in exactly one story."""
    db = examples_run["db"]

    def story(pattern):
        (found,) = query(
            db,
            "SELECT sa.story_id FROM story_articles sa JOIN articles a USING (article_id) WHERE a.text LIKE $p",
            {"p": pattern},
        )
        return found[0]

    seed, briefing = story("Посланники президента США Стив Уиткофф%"), story("Пресс-секретарь Белого дома%")
    december = story("Спецпосланник президента США Стив Уиткофф и Джаред Кушнер встретились%")
    assert seed == briefing != december
    assert query(db, "SELECT count(*) FROM story_articles WHERE story_id = $s", {"s": december}) == [(1,)]
    assert query(
        db, "SELECT count(*) FROM articles WHERE article_id NOT IN (SELECT article_id FROM story_articles)"
    ) == [(0,)]
    assert query(db, "SELECT count(*) FROM events WHERE group_id IS NULL") == [(0,)]


def test_near_copy_in_a_later_run_is_marked(prefect_server, tmp_path, run_flow):
    text = (
        "Городской совет утвердил план строительства новой линии трамвая от вокзала до университета. "
        "Работы начнутся весной и займут около двух лет, сообщили в мэрии. Стоимость проекта оценивают "
        "в двенадцать миллиардов рублей, часть денег выделит областной бюджет."
    )
    day_one, day_two = tmp_path / "day1.jsonl", tmp_path / "day2.jsonl"
    original = {
        "id": "1",
        "source": "a",
        "url": "https://a.test/1",
        "title": "Трамвай",
        "published": "2026-01-13T09:00:00+03:00",
        "text": text,
    }
    copy = {
        "id": "9",
        "source": "b",
        "url": "https://b.test/9",
        "title": "Новый трамвай",
        "published": "14 января 2026, 10:15",
        "text": text.replace("сообщили в мэрии", "сообщила пресс-служба мэрии") + " Подписывайтесь на наш канал.",
    }
    day_one.write_text(json.dumps(original, ensure_ascii=False), encoding="utf-8")
    day_two.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    run_flow([day_one], tmp_path)
    second = run_flow([day_two], tmp_path)
    assert (second["n_loaded"], second["n_near_duplicates"]) == (1, 1)
    rows = query(tmp_path / "w.duckdb", "SELECT url, duplicate_of, published_at::VARCHAR FROM articles ORDER BY url")
    kept_id = query(tmp_path / "w.duckdb", "SELECT article_id FROM articles WHERE url = 'https://a.test/1'")[0][0]
    assert rows == [
        ("https://a.test/1", None, "2026-01-13 06:00:00+00"),
        ("https://b.test/9", kept_id, "2026-01-14 10:15:00+00"),
    ]


def test_changed_article_replaces_its_row_and_mentions(prefect_server, tmp_path, run_flow):
    dump = tmp_path / "dump.jsonl"

    def write(second_text):
        records = [
            {
                "id": "1",
                "source": "test",
                "url": "https://example.test/1",
                "title": "Первая",
                "published": "2026-01-10T09:00:00+03:00",
                "text": "Президент России Владимир Путин провел совещание в Москве.",
            },
            {
                "id": "2",
                "source": "test",
                "url": "https://example.test/2",
                "title": "Вторая",
                "published": "2026-01-11",
                "text": second_text,
            },
        ]
        dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")

    write("Эмманюэль Макрон прилетел в Париж.")
    first = run_flow([dump], tmp_path)
    write("Кир Стармер прилетел в Лондон.")
    second = run_flow([dump], tmp_path)
    assert (first["n_loaded"], second["n_loaded"], second["n_duplicates"]) == (2, 1, 1)
    db = tmp_path / "w.duckdb"
    assert query(db, "SELECT url, text FROM articles ORDER BY url")[1] == (
        "https://example.test/2",
        "Кир Стармер прилетел в Лондон.",
    )
    normals = {
        row[0]
        for row in query(db, "SELECT normal FROM mentions m JOIN articles a USING (article_id) WHERE a.url LIKE '%/2'")
    }
    assert normals == {"Кир Стармер", "Лондон"}
    assert query(db, "SELECT published_at::VARCHAR FROM articles WHERE url LIKE '%/1'") == [("2026-01-10 06:00:00+00",)]


def test_entity_views_and_aliases_answer_the_readme_queries(examples_run):
    db = examples_run["db"]
    top = query(
        db,
        "SELECT name, type, sum(articles) articles FROM entity_daily WHERE date BETWEEN '2026-01-01' AND '2026-01-31' "
        "GROUP BY ALL ORDER BY articles DESC, sum(mentions) DESC LIMIT 3",
    )
    assert ("Стив Уиткофф", "PER", 3) in top
    pairs = {(a, b): n for a, b, n in query(db, "SELECT name_a, name_b, articles FROM entity_cooccurrence")}
    assert pairs.get(("Стив Уиткофф", "Джаред Кушнер"), pairs.get(("Джаред Кушнер", "Стив Уиткофф"))) >= 3
    aliases = set(
        query(
            db, "SELECT a.alias FROM entity_aliases a JOIN entities e USING (entity_id) WHERE e.name = 'Владимир Путин'"
        )
    )
    assert {("Путин",), ("Владимиром Путиным",)} <= aliases
    # the alias table counts every mention once per kind
    assert query(db, "SELECT sum(n_mentions) FROM entity_aliases WHERE kind = 'surface'") == query(
        db, "SELECT count(*) FROM mentions"
    )


def test_seed_events(examples_run):
    """The events the seed must yield (issue 6), read through the event_timeline view."""
    seed = query(examples_run["db"], "SELECT article_id FROM articles WHERE starts_with(text, $s)", {"s": SEED_START})[
        0
    ][0]
    rows = query(
        examples_run["db"],
        "SELECT cameo_code, trigger, actors, targets, place, modality, date FROM event_timeline WHERE article_id = $a",
        {"a": seed},
    )
    assert ("040", "встречи", "Джаред Кушнер, Стив Уиткофф", "Владимир Путин", "Москва", "planned", None) in rows
    # dates come from date_mentions (issue 4): the Paris meeting of 6 January, the December visit
    # «представители 35 стран встретились»: no named doer, so a ROLE participant named by the noun (issue 21)
    assert ("040", "встретились", "представитель", None, "Париж", "occurred", date(2026, 1, 6)) in rows
    assert ("042", "посещали", "Джаред Кушнер, Стив Уиткофф", None, "Москва", "occurred", date(2025, 12, 1)) in rows
    assert (
        "057",
        "подписали",
        "Владимир Зеленский, Кир Стармер, Эмманюэль Макрон",
        None,
        None,
        "occurred",
        None,
    ) in rows
    # The seed's denied meeting and protests, and the protests in Iran (another example), are found, but
    # the model gives such events less confidence (negated events and protests are wrong more often on the
    # tune part): `events` holds them, and the timeline shows each only when it reaches CONFIDENT.
    found = query(
        examples_run["db"],
        "SELECT e.event_id, e.article_id = $a, e.type, e.trigger, e.modality, place.name, e.confidence FROM events AS e"
        " LEFT JOIN entities AS place ON place.entity_id = e.place_entity_id"
        " WHERE e.trigger IN ('встреча', 'протесты')",
        {"a": seed},
    )
    denied = [r for r in found if r[1] and r[3] == "встреча" and r[4] == "negated"]
    protests = [r for r in found if r[1] and r[3] == "протесты" and r[2].startswith("14")]
    in_iran = [r for r in found if r[3] == "протесты" and r[5] == "Иран"]
    assert len(denied) == 1 and protests and in_iran
    shown = {row[0] for row in query(examples_run["db"], "SELECT event_id FROM event_timeline")}
    for event_id, *_, confidence in (*denied, *protests, *in_iran):
        assert (event_id in shown) == (confidence >= CONFIDENT), (event_id, confidence)
    counts = query(examples_run["db"], "SELECT n_events, n_event_participants FROM runs ORDER BY started_at LIMIT 1")[0]
    assert counts == (
        examples_run["first"]["n_events"],
        query(examples_run["db"], "SELECT count(*) FROM event_participants")[0][0],
    )
    assert counts[0] == query(examples_run["db"], "SELECT count(*) FROM events")[0][0] > 30
    lake_events = query(
        examples_run["db"],
        "SELECT count(*) FROM read_parquet($p, hive_partitioning = true)",
        {"p": str(examples_run["dir"] / "lake" / "events" / "*" / "*.parquet")},
    )
    assert lake_events == [(counts[0],)]


def test_named_sources_incrementally_and_a_failed_run_keeps_the_state(prefect_server, tmp_path, run_flow):
    import shutil

    from flows.settings import PROJECT_ROOT

    shutil.copytree(PROJECT_ROOT / "examples", tmp_path / "examples")
    sources = str(tmp_path / "examples" / "sources.toml")
    not_a_dir = tmp_path / "lake-is-a-file"
    not_a_dir.write_text("")
    with pytest.raises(Exception):  # noqa: B017 - the lake cannot be written: the run fails
        run_flow([], tmp_path, sources_file=sources, lake_dir=str(not_a_dir))
    db = tmp_path / "w.duckdb"
    assert query(db, "SELECT status, count(*) FROM runs GROUP BY ALL") == [("failed", 1)]
    assert query(db, "SELECT count(*) FROM source_state") == [(0,)]

    first = run_flow([], tmp_path, sources_file=sources)
    assert (first["n_read"], first["n_loaded"], first["n_duplicates"], first["n_quarantined"]) == (16, 13, 1, 2)
    assert first["n_quarantined_extract"] == 1
    assert query(db, "SELECT record_key, reason FROM quarantine WHERE stage = 'extract'") == [
        (
            str(tmp_path / "examples" / "sources" / "wire.csv") + ":4",
            str(tmp_path / "examples" / "sources" / "wire.csv") + ":4: the record has no 'body'",
        )
    ]
    assert query(
        db,
        "SELECT source, title, published_at::VARCHAR FROM articles WHERE source IN ('wire', 'newsroom') ORDER BY published_at",
    ) == [
        ("newsroom", "В Санкт-Петербурге прошёл снегопад", "2026-01-14 05:15:00+00"),
        ("newsroom", "В Новосибирске открылась выставка", "2026-01-14 05:40:00+00"),
        ("wire", "В Казани открыли новую станцию метро", "2026-01-15 07:00:00+00"),
        ("wire", "Банк России сохранил ставку", "2026-01-15 10:30:00+00"),
    ]

    (tmp_path / "examples" / "sources" / "wire.csv").open("a", encoding="utf-8").write(
        'https://wire.example/2026/01/17/new,Новая заметка,2026-01-17T09:00:00,"Курс рубля укрепился на торгах Московской биржи."\n'
    )
    second = run_flow([], tmp_path, sources_file=sources, only=["wire", "newsroom"])
    # only the changed dump is read again: its two old rows are duplicates of themselves
    assert (second["n_read"], second["n_loaded"], second["n_duplicates"], second["n_quarantined"]) == (4, 1, 2, 1)


def test_a_feed_whose_items_link_to_pages_over_http(prefect_server, tmp_path, run_flow):
    from tests.transforms.test_http import Server
    from tests.transforms.test_sources import PAGE

    server = Server()
    server.thread.start()
    try:
        items = "".join(
            f"<item><guid>{n}</guid><link>{server.url}/news/{n}</link><title>Метро {n}</title>"
            f"<pubDate>Thu, 15 Jan 2026 07:0{n}:00 GMT</pubDate><description>Анонс.</description></item>"
            for n in (1, 2)
        )
        feed = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Агентство</title>{items}</channel></rss>'
        server.route("/rss", (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, feed.encode()))
        server.route("/news/1", (200, {"Content-Type": "text/html"}, PAGE.format(charset="utf-8").encode()))
        config = tmp_path / "sources.toml"
        config.write_text(
            f'[sources.agency]\nlocation = "{server.url}/rss"\nfollow_links = true\n[http]\nhost_delay = 0\nbackoff = 0.01\n',
            encoding="utf-8",
        )
        first = run_flow([], tmp_path, sources_file=str(config))
        db = tmp_path / "w.duckdb"
        [(source, title, text)] = query(db, "SELECT source, title, text FROM articles")
        assert source == "agency" and title == "Метро 1" and "Ильсур Метшин" in text
        assert query(db, "SELECT reason FROM quarantine") == [
            (f"{server.url}/rss#2: page {server.url}/news/2: HTTP 404 Not Found",)
        ]

        # the page that failed is retried by the next run (the feed is asked for unconditionally), the other one is not
        server.route(
            "/news/2",
            (200, {"Content-Type": "text/html"}, PAGE.format(charset="utf-8").replace("Казани", "Самаре").encode()),
        )
        second = run_flow([], tmp_path, sources_file=str(config))
        assert "If-None-Match" not in [headers for path, headers in server.requests if path == "/rss"][1]
        third = run_flow([], tmp_path, sources_file=str(config))
        assert server.requests[-1][1].get("If-None-Match") == '"v1"'
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    assert (first["n_read"], first["n_loaded"], first["n_quarantined_extract"]) == (2, 1, 1)
    assert (second["n_read"], second["n_loaded"], second["n_quarantined"]) == (1, 1, 0)
    assert [path for path, _ in server.requests].count("/news/1") == 1
    assert third["n_read"] == 0  # now the feed answers 304 Not Modified
