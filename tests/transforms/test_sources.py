"""Readers: every kind of source, every encoding, bad input, incremental state (no network)."""

import gzip
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.extract import iter_chunks, parse_items
from transforms.sources.config import Source, SourceConfigError, load_sources, select_sources
from transforms.sources.decode import UndecodableError, decode_bytes
from transforms.sources.read import ReadContext, detect_kind

SEED = " date 2026-01-14 Центральный банк сохранил ключевую ставку. Решение принято в Москве."

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>Лента</title><link>https://feed.example/</link>
<item><guid>a-1</guid><link>https://feed.example/a/1</link><title>Снегопад в Петербурге</title>
<pubDate>Wed, 14 Jan 2026 08:15:00 +0300</pubDate><author>Анна Петрова</author>
<description><![CDATA[<p>Ночью выпал снег.</p><p>Службы работали всю ночь.</p>]]></description></item>
<item><guid>a-2</guid><link>https://feed.example/a/2</link><title>Без текста</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Атом</title><id>urn:feed</id><updated>2026-01-14T10:00:00Z</updated>
<entry><id>urn:e1</id><title>Выставка в Новосибирске</title><link href="https://atom.example/e1"/>
<published>2026-01-14T12:40:00+07:00</published><author><name>Иван Сидоров</name></author>
<content type="html">&lt;p&gt;В музее открылась выставка пейзажей.&lt;/p&gt;</content></entry></feed>"""

PAGE = """<!DOCTYPE html><html lang="ru"><head><meta charset="{charset}">
<title>В Казани открыли станцию метро | Городские новости</title>
<meta property="og:title" content="В Казани открыли станцию метро">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"datePublished": "2026-01-15T10:00:00+03:00", "author": {{"@type": "Person", "name": "Мария Иванова"}}}}</script>
</head><body><nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>
<article><h1>В Казани открыли станцию метро</h1>
<p>В Казани открылась новая станция метро, строительство которой заняло четыре года.</p>
<p>Мэр города Ильсур Метшин назвал её самой ожидаемой стройкой года и поблагодарил строителей.</p>
<p>Станция соединила центр города с новыми жилыми кварталами на юге Казани.</p>
</article><footer>© Городские новости</footer></body></html>"""


def read(*inputs, context=None, batch_size=100, http=None):
    raws, rejected = [], []
    for chunk in iter_chunks(inputs, batch_size, context):
        raw, quarantine = parse_items(chunk, http)
        raws.extend(raw.to_pylist())
        rejected.extend(quarantine.to_pylist())
    return raws, rejected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "koi8-r"])
def test_seed_files_in_every_encoding(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(SEED.encode(encoding))
    raws, rejected = read(path)
    assert rejected == []
    assert raws[0]["raw_text"] == "Центральный банк сохранил ключевую ставку. Решение принято в Москве."
    assert raws[0]["published_raw"] == "2026-01-14"


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_short_legacy_text_is_not_mistaken_for_another_script(encoding):
    assert decode_bytes("Привет, мир".encode(encoding)) == ("Привет, мир", encoding.replace("-", "_"))


def test_a_declared_charset_is_used_when_utf8_fails():
    data = '<meta charset="windows-1251"><p>Курс рубля</p>'.encode("cp1251")
    assert decode_bytes(data)[0] == '<meta charset="windows-1251"><p>Курс рубля</p>'


@pytest.mark.parametrize("data", [bytes(range(256)) * 3, b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_binary_data_is_refused(data):
    with pytest.raises(UndecodableError, match="binary"):
        decode_bytes(data)


def test_empty_file_is_quarantined(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    raws, rejected = read(path)
    assert raws == [] and rejected[0]["reason"] == f"{path}: empty file" and rejected[0]["stage"] == "extract"


def test_unreadable_file_is_quarantined(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "locked.txt"
    path.write_text(SEED)
    path.chmod(0)
    raws, rejected = read(path)
    assert raws == [] and "cannot read file" in rejected[0]["reason"]


def test_csv_dump_with_a_column_mapping(tmp_path):
    path = tmp_path / "wire.csv"
    path.write_text(
        "link,headline,date,body\n"
        'https://w.example/1,Ставка,2026-01-15T13:30:00,"Банк России сохранил ставку.\nВторой абзац."\n'
        "https://w.example/2,Пусто,2026-01-16,\n",
        encoding="cp1251",
    )
    source = Source(
        "wire",
        str(path),
        columns={"text": "body", "title": "headline", "published": "date", "url": "link"},
        timezone="Europe/Moscow",
    )
    raws, rejected = read(source)
    assert [(r["source"], r["url"], r["title"], r["published_raw"], r["raw_text"]) for r in raws] == [
        (
            "wire",
            "https://w.example/1",
            "Ставка",
            "2026-01-15T13:30:00+03:00",
            "Банк России сохранил ставку.\nВторой абзац.",
        )
    ]
    assert [(r["record_key"], r["reason"]) for r in rejected] == [(f"{path}:4", f"{path}:4: the record has no 'body'")]


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Анна Петрова", "Анна Петрова"),
        (["Анна Петрова", " Иван Сидоров "], "Анна Петрова, Иван Сидоров"),
        ("", None),
        (None, None),
    ],
)
def test_dump_authors(tmp_path, author, expected):
    (tmp_path / "dump.jsonl").write_text(json.dumps({"text": "Текст новости.", "byline": author}), encoding="utf-8")
    raws, rejected = read(Source("d", str(tmp_path / "dump.jsonl"), columns={"author": "byline"}))
    assert rejected == [] and raws[0]["author"] == expected


def test_parquet_and_gzipped_jsonl_dumps(tmp_path):
    rows = [
        {"story": "Текст первой новости.", "when": "2026-01-01", "site": "a.example"},
        {"story": None, "when": None, "site": "b"},
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "dump.parquet")
    (tmp_path / "dump.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode())
    )
    columns = {"text": "story", "published": "when", "source": "site"}
    raws, rejected = read(
        Source("p", str(tmp_path / "dump.parquet"), columns=columns),
        Source("j", str(tmp_path / "dump.jsonl.gz"), columns=columns),
    )
    assert [(r["source"], r["published_raw"], r["raw_text"]) for r in raws] == [
        ("a.example", "2026-01-01", "Текст первой новости.")
    ] * 2
    assert sorted(r["record_key"] for r in rejected) == [
        f"{tmp_path / 'dump.jsonl.gz'}:2",
        f"{tmp_path / 'dump.parquet'}:2",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251", "koi8-r"])
def test_rss_feed_items(tmp_path, encoding):
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS.format(encoding=encoding).encode(encoding))
    raws, rejected = read(path)
    assert [(r["source"], r["url"], r["title"], r["published_raw"], r["raw_text"]) for r in raws] == [
        (
            "Лента",
            "https://feed.example/a/1",
            "Снегопад в Петербурге",
            "2026-01-14T05:15:00+00:00",
            "Ночью выпал снег.\nСлужбы работали всю ночь.",
        )
    ]
    assert raws[0]["record_key"] == f"{path}#a-1"
    assert "Анна Петрова" in raws[0]["payload"]  # the author is kept with the record
    assert raws[0]["author"] == "Анна Петрова"
    assert [r["reason"] for r in rejected] == [
        f"{path}#a-2: the feed item has no text (no content or summary) and no page was fetched"
    ]


def test_atom_feed_with_html_content(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    raws, rejected = read(path)
    assert rejected == []
    assert [(r["url"], r["published_raw"], r["raw_text"]) for r in raws] == [
        ("https://atom.example/e1", "2026-01-14T05:40:00+00:00", "В музее открылась выставка пейзажей.")
    ]
    assert raws[0]["author"] == "Иван Сидоров"


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>',
            "unsafe XML refused",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>',
            "unsafe XML refused",
        ),
        ('<?xml version="1.0"?><rss version="2.0"><channel><title>Обрыв</title><item><title>Нов', "invalid XML"),
        ('<?xml version="1.0"?><catalog><book>Не лента</book></catalog>', "not an RSS or Atom feed"),
    ],
)
def test_unsafe_and_invalid_feeds_are_quarantined(tmp_path, xml, reason):
    path = tmp_path / "bad.rss"
    path.write_text(xml, encoding="utf-8")
    raws, rejected = read(path)
    assert raws == []
    assert len(rejected) == 1 and rejected[0]["reason"].startswith(f"{path}: {reason}")
    assert rejected[0]["payload"] == xml
    assert "root:" not in json.dumps(rejected)  # the external entity was never resolved


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251"])
def test_html_page_text_title_date(tmp_path, encoding):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(charset=encoding).encode(encoding))
    raws, rejected = read(path)
    assert rejected == []
    row = raws[0]
    assert row["title"] == "В Казани открыли станцию метро"
    assert row["published_raw"] == "2026-01-15T10:00:00+03:00"
    assert row["author"] == "Мария Иванова"
    assert "Ильсур Метшин" in row["raw_text"] and "Главная" not in row["raw_text"]


def test_html_without_main_text_is_quarantined(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Пусто</title></head><body><nav>Меню</nav></body></html>", encoding="utf-8")
    raws, rejected = read(path)
    assert raws == [] and rejected[0]["reason"].startswith(f"{path}: no main text found")


def test_directories_mix_every_kind(tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED.encode("cp1251"))
    (tmp_path / "feed.rss").write_text(RSS.format(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "page.htm").write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not read")
    raws, rejected = read(tmp_path)
    assert sorted(r["record_key"].rsplit("/", 1)[1] for r in raws) == ["a.txt", "feed.rss#a-1", "page.htm"]
    assert len(rejected) == 1  # the feed item without text


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("x.dat", b"<?xml version='1.0'?><rss", "feed"),
        ("x", b"<!DOCTYPE html><html>", "html"),
        ("x.bin", b"PAR1", "parquet"),
        ("x", b'{"text": 1}', "jsonl"),
        ("x.csv", b"a,b", "csv"),
        ("x", b" date 2026-01-01", "txt"),
    ],
)
def test_kind_detection(name, head, kind):
    assert detect_kind(name, head) == kind


def test_incremental_reads_only_new_or_changed(tmp_path):
    (tmp_path / "a.txt").write_text(SEED, encoding="utf-8")
    (tmp_path / "feed.rss").write_text(RSS.format(encoding="utf-8"), encoding="utf-8")
    source = Source("s", str(tmp_path))
    first = ReadContext()
    raws, rejected = read(source, context=first)
    assert len(raws) + len(rejected) == 3
    known = {(e.source, e.key): e for e in first.updates}

    again = ReadContext(known=known)
    assert read(source, context=again) == ([], [])

    os.utime(tmp_path / "a.txt", (1, 1))  # touched, same bytes
    (tmp_path / "b.txt").write_text(SEED.replace("ставку", "ставку снова"), encoding="utf-8")
    feed = RSS.format(encoding="utf-8").replace(
        "</channel>",
        "<item><guid>a-3</guid><title>Новое</title><description>Новая заметка.</description></item></channel>",
    )
    (tmp_path / "feed.rss").write_text(feed, encoding="utf-8")
    third = ReadContext(known=known)
    raws, rejected = read(source, context=third)
    assert sorted(r["record_key"].rsplit("/", 1)[1] for r in raws) == ["b.txt", "feed.rss#a-3"]
    assert rejected == []  # the old item without text is not read again


def test_sources_toml(tmp_path):
    (tmp_path / "in").mkdir()
    config = tmp_path / "sources.toml"
    config.write_text(
        '[sources.local]\nlocation = "in"\ntimezone = "Europe/Moscow"\n'
        '[sources.remote]\nlocation = "https://agency.example/rss"\nfollow_links = true\n'
        "[sources.remote.columns]\n"
        "[http]\ntimeout = 5\nhost_delay = 0.5\n",
        encoding="utf-8",
    )
    sources, http = load_sources(config)
    assert [(s.name, s.location, s.follow_links) for s in sources] == [
        ("local", str(tmp_path / "in"), False),
        ("remote", "https://agency.example/rss", True),
    ]
    assert (http.timeout, http.host_delay, http.retries) == (5, 0.5, 3)
    assert [s.name for s in select_sources(sources, ["remote"])] == ["remote"]
    with pytest.raises(SourceConfigError, match="no source named nope"):
        select_sources(sources, ["nope"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sources.a]\nkind = "txt"\n', "'location' .* is required"),
        ('[sources.a]\nlocation = "x"\nkind = "pdf"\n', "kind 'pdf' is not one of"),
        ('[sources.a]\nlocation = "x"\ntimezone = "Mars/Base"\n', "unknown timezone"),
        ('[sources.a]\nlocation = "x"\n[sources.a.columns]\nbody = "text"\n', "columns can map"),
        ('[sources.a]\nlocation = "x"\nlocatoin = "y"\n', "unknown setting"),
        ("[sources.a\n", "invalid TOML"),
    ],
)
def test_bad_sources_toml_says_why(tmp_path, text, message):
    config = tmp_path / "sources.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SourceConfigError, match=message):
        load_sources(config)


def test_a_localised_feed_date_is_read(tmp_path):
    path = tmp_path / "pt.rss"
    path.write_text(
        RSS.format(encoding="utf-8").replace("Wed, 14 Jan 2026 08:15:00 +0300", "Qua, 14 Jan 2026 08:15:00 -0300"),
        encoding="utf-8",
    )
    raws, _ = read(path)
    assert raws[0]["published_raw"] == "2026-01-14T11:15:00+00:00"


@pytest.mark.parametrize(
    ("found", "stated", "chosen"),
    [
        ("Вести Ru", ["Вести.Ru"], "Вести.Ru"),
        (
            "Константин Нагаев; Владимир Дергачев",
            ["Константин Нагаев, Владимир Дергачев"],
            "Константин Нагаев, Владимир Дергачев",
        ),
        ("INFORM KZ", ["Казинформ"], "INFORM KZ"),
        (None, ["RT"], "RT"),
        (None, [], None),
    ],
)
def test_author_keeps_the_pages_spelling(found, stated, chosen):
    from transforms.sources.html import choose_author

    assert choose_author(found, stated) == chosen


def test_published_prefers_a_stated_timestamp_of_the_same_day():
    from datetime import datetime

    from transforms.sources.html import choose_published

    stated = [datetime.fromisoformat("2026-01-15T10:00:00+03:00")]
    assert choose_published("2026-01-15", stated) == "2026-01-15T10:00:00+03:00"
    assert choose_published("2026-01-14", stated) == "2026-01-14"
    assert choose_published(None, stated) == "2026-01-15T10:00:00+03:00"
    assert choose_published(None, []) is None


def test_a_named_source_whose_location_is_missing_is_quarantined_and_the_others_are_read(tmp_path):
    (tmp_path / "a.txt").write_text(SEED, encoding="utf-8")
    raws, rejected = read(Source("gone", str(tmp_path / "unmounted")), Source("here", str(tmp_path)))
    assert [r["source"] for r in raws] == ["here"]
    assert [r["reason"] for r in rejected] == [f"{tmp_path / 'unmounted'}: the location does not exist"]


def test_a_feed_that_follows_links_saves_no_state_for_what_failed(tmp_path):
    path = tmp_path / "feed.rss"
    feed = (
        RSS.format(encoding="utf-8")
        .replace("<link>https://feed.example/a/1</link>", "")
        .replace("<link>https://feed.example/a/2</link>", "")
    )
    feed = feed.replace("<guid>", '<guid isPermaLink="false">')
    path.write_text(feed, encoding="utf-8")
    context = ReadContext()
    for chunk in iter_chunks([Source("agency", str(path), follow_links=True)], 10, context):
        raw, rejected = parse_items(chunk)
        context.settle(chunk, set(rejected.column("record_key").to_pylist()))
    assert raw.column("record_key").to_pylist() == [f"{path}#a-1"]
    assert rejected.column("record_key").to_pylist() == [f"{path}#a-2"]
    # the feed item that loaded is remembered; the one that failed and the feed itself are not, so both are read again
    assert [entry.key for entry in context.to_save()] == [f"{path}#a-1"]


def jsonl_dump(rows, encoding="utf-8", newline="\n"):
    return newline.join(json.dumps(r, ensure_ascii=False) for r in rows).encode(encoding)


@pytest.mark.parametrize("compress", [False, True])
def test_a_utf8_jsonl_dump_is_streamed_never_read_whole(tmp_path, monkeypatch, compress):
    # a raw U+2028 inside a JSON string must not split its record; CRLF, blank lines and line numbers as a whole read gives them
    rows = [{"text": "Первая\u2028новость.", "published": "2026-01-01"}, {"text": "Вторая новость."}]
    data = jsonl_dump(rows[:1]) + b"\r\n\n" + jsonl_dump(rows[1:])
    path = tmp_path / ("dump.jsonl.gz" if compress else "dump.jsonl")
    path.write_bytes(gzip.compress(data) if compress else data)
    whole, whole_rejected = read(str(path))

    def refuse(self):
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    streamed, streamed_rejected = read(str(path))
    assert streamed == whole and streamed_rejected == whole_rejected == []
    assert [(r["record_key"], r["raw_text"]) for r in streamed] == [
        (f"{path}:1", "Первая\u2028новость."),
        (f"{path}:3", "Вторая новость."),
    ]


@pytest.mark.parametrize(
    "data",
    [
        jsonl_dump([{"text": "Новость в кодировке Windows."}], "cp1251"),
        b"\xef\xbb\xbf" + jsonl_dump([{"text": "С меткой порядка байтов."}]),
    ],
)
def test_a_jsonl_dump_not_in_plain_utf8_is_read_whole_and_decoded(tmp_path, data):
    (tmp_path / "dump.jsonl").write_bytes(data)
    raws, rejected = read(str(tmp_path / "dump.jsonl"))
    assert (
        rejected == []
        and raws[0]["raw_text"] == json.loads(data.decode("cp1251" if data[:1] != b"\xef" else "utf-8-sig"))["text"]
    )


def test_a_dump_cut_after_it_was_scanned_quarantines_the_rest_and_keeps_what_was_read(tmp_path, monkeypatch):
    from transforms.sources import read as read_module

    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl_dump([{"text": "Первая новость."}, {"text": "Вторая новость."}])))
    scan = read_module._scan_file

    def scan_then_cut(source, scanned, limits):
        result = scan(source, scanned, limits)
        scanned.write_bytes(scanned.read_bytes()[:-12])  # the gzip trailer and some data gone
        return result

    monkeypatch.setattr(read_module, "_scan_file", scan_then_cut)
    raws, rejected = read(str(path))
    assert [r["reason"] for r in rejected] and "cannot read file after line" in rejected[-1]["reason"]
    assert all(r["raw_text"] in ("Первая новость.", "Вторая новость.") for r in raws)
