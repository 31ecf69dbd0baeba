"""The hostile corpus: files written to break the readers, each with the end its records must reach.

Usage: python tests/hostile/make_corpus.py DIR   (writes the corpus into DIR, prints one line per case)

Every case writes one directory entry (a file, a link, a FIFO, a directory) and
says what each record read from it must become: loaded (found by a phrase of
its text), a duplicate, or quarantined at a stage with a reason matching a
pattern. tests/hostile/test_hostile_corpus.py runs `news_etl` over the corpus
and checks every case. All texts are ours, written here; nothing is copied.

Harmless to the machine: compression bombs are gzip members of a repeated
block, written member by member (a few megabytes on disk that inflate to
4 GiB; the readers must stop at max_file_bytes), loops are symbolic links
inside DIR, and a FIFO is never opened.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LOADED, DUPLICATE, QUARANTINED = "loaded", "duplicate", "quarantined"
BOMB_INFLATED = 4 << 30  # bytes a bomb inflates to: far over any max_file_bytes a test sets
OVER_FILE_LIMIT = r"over max_file_bytes \(268,435,456 bytes once (decompressed|decoded)\); reading stopped there"


@dataclass(frozen=True)
class End:
    """What one record read from a case must become."""

    outcome: str  # LOADED, DUPLICATE or QUARANTINED
    phrases: tuple[str, ...] = ()  # LOADED: phrases of the article's text (as stored: normalized)
    stage: str | None = None  # QUARANTINED: the stage
    reason: str | None = None  # QUARANTINED: a regular expression the reason matches (after the record key)


@dataclass(frozen=True)
class Case:
    name: str  # the entry written in the corpus directory
    what: str  # what is hostile about it
    ends: tuple[End, ...]  # one per record read from it
    write: Callable[[Path], None]


def loaded(*phrases: str) -> End:
    return End(LOADED, phrases=phrases)


def quarantined(stage: str, reason: str) -> End:
    return End(QUARANTINED, stage=stage, reason=reason)


DUPLICATED = End(DUPLICATE)

# ---------------------------------------------------------------- our texts

PEOPLE = ("Анна Смирнова", "Игорь Волков", "Ольга Петрова", "Сергей Кузнецов", "Мария Соколова", "Павел Морозов")
CITIES = ("Казани", "Самаре", "Томске", "Калуге", "Твери", "Перми", "Омске", "Ярославле", "Рязани", "Тюмени")
TOPICS = (
    "открыла новую библиотеку для школьников",
    "рассказала о ремонте моста через реку",
    "представила план посадки деревьев в парке",
    "объявила конкурс молодых художников",
    "открыла выставку старых фотографий города",
    "провела встречу с жителями микрорайона",
)


def story(n: int) -> str:
    """A short news text of our own, different for each n; «заметка N» is its phrase."""
    person, city, topic = PEOPLE[n % len(PEOPLE)], CITIES[n % len(CITIES)], TOPICS[(n // 2) % len(TOPICS)]
    return (
        f"Городская администрация в {city} {topic}. Об этом сообщила руководитель проекта {person}. "
        f"По её словам, работа продлится до конца года, а жители смогут следить за ней на сайте мэрии. "
        f"Это заметка {n} нашей ленты."
    )


def phrase(n: int) -> str:
    return f"заметка {n} нашей ленты"


def seed(n: int, date: str = "2026-03-14", text: str | None = None) -> str:
    """A seed-format file: the date header, then the text."""
    return f" date {date} {text if text is not None else story(n)}"


def record(n: int, **fields) -> dict:
    return {"id": f"r{n}", "source": "hostile", "published": "2026-03-14T10:00:00+03:00", "text": story(n), **fields}


def jsonl(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def rss(items: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel><title>Лента</title>'
        f"{items}</channel></rss>"
    ).encode()


def rss_item(n: int, **fields) -> str:
    fields.setdefault("description", story(n))
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in fields.items())
    return f"<item><guid>item-{n}</guid><pubDate>Sat, 14 Mar 2026 10:00:00 +0300</pubDate>{inner}</item>"


def page(n: int, head: str = "", body_extra: str = "") -> str:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in story(n).split(". "))
    return (
        f"<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>Заметка {n}</title>{head}</head>"
        f"<body><nav><a href='/'>Главная</a></nav><article><h1>Заметка {n}</h1>{paragraphs}</article>{body_extra}"
        "</body></html>"
    )


def write_bomb(path: Path, block: bytes, header: bytes = b"") -> None:
    """A gzip file inflating to about BOMB_INFLATED bytes: one small member repeated (gzip allows many)."""
    member = gzip.compress(block * max(1, (1 << 20) // len(block)), compresslevel=9)
    inflated_per_member = len(block) * max(1, (1 << 20) // len(block))
    with path.open("wb") as f:
        if header:
            f.write(gzip.compress(header))
        for _ in range(BOMB_INFLATED // inflated_per_member):
            f.write(member)


# ---------------------------------------------------------------- the cases

CASES: list[Case] = []


def case(name: str, what: str, *ends: End):
    def register(write: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES.append(Case(name, what, ends, write))
        return write

    return register


def bytes_case(name: str, what: str, data: bytes, *ends: End) -> None:
    CASES.append(Case(name, what, ends, lambda path: path.write_bytes(data)))


# Encodings
for number, encoding in enumerate(("cp1251", "koi8-r", "utf-16", "utf-32", "utf-8-sig"), start=1):
    bytes_case(
        f"enc_{encoding}.txt", f"a seed file in {encoding}", seed(number).encode(encoding), loaded(phrase(number))
    )
bytes_case(
    "enc_bom_then_cp1251.txt",
    "a UTF-8 byte-order mark, then cp1251 bytes",
    codecs.BOM_UTF8 + seed(6).encode("cp1251"),
    quarantined("extract", r"cannot decode: invalid utf-8-sig after its byte-order mark"),
)
bytes_case(
    "enc_binary.txt",
    "random bytes named .txt",
    random.Random(19).randbytes(50_000),
    quarantined("extract", r"cannot decode: binary data"),
)
bytes_case(
    "enc_stray_byte.txt",
    "UTF-8 with one byte that is no UTF-8: no encoding reads it cleanly",
    seed(7).encode("utf-8") + b"\xff" + story(7).encode("utf-8"),
    quarantined("extract", r"cannot decode: .*\(not UTF-8: byte 0xff at [\d,]+ is invalid start byte\)"),
)
bytes_case(
    "enc_cp1251_dump.jsonl",
    "a JSON Lines dump in cp1251 (not streamed: read whole and decoded)",
    "".join(json.dumps(record(8), ensure_ascii=False) + "\n").encode("cp1251"),
    loaded(phrase(8)),
)

# XML: entities, external references, broken feeds
bytes_case(
    "xml_external_entity.rss",
    "an external entity reading /etc/passwd (XXE)",
    rss(rss_item(9, title="&x;"), '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
    quarantined("extract", r"unsafe XML refused"),
)
bytes_case(
    "xml_billion_laughs.rss",
    "nested entity expansion («billion laughs»)",
    rss(
        rss_item(10, title="&l9;"),
        "<!DOCTYPE rss [<!ENTITY l0 'ха'>"
        + "".join(f"<!ENTITY l{i} '{('&l' + str(i - 1) + ';') * 10}'>" for i in range(1, 10))
        + "]>",
    ),
    quarantined("extract", r"unsafe XML refused"),
)
bytes_case(
    "xml_parameter_entity.rss",
    "an external parameter entity",
    rss(rss_item(11), '<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'),
    quarantined("extract", r"unsafe XML refused"),
)
bytes_case(
    "xml_external_dtd.rss",
    "a DOCTYPE naming an external DTD on 127.0.0.1:9 (never fetched); the items are read",
    rss(rss_item(12), '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd">'),
    loaded(phrase(12)),
)
bytes_case(
    "xml_truncated.rss",
    "a feed cut in the middle of an item",
    rss(rss_item(13))[:-60],
    quarantined("extract", r"invalid XML"),
)
bytes_case(
    "xml_item_without_text.rss",
    "a feed with one good item and one with neither content nor summary",
    rss(rss_item(14) + "<item><guid>empty</guid><title>Пусто</title></item>"),
    loaded(phrase(14)),
    quarantined("extract", r"the feed item has no text"),
)

# HTML
bytes_case(
    "html_no_text.html",
    "a page of menus and scripts, no article",
    b"<html><head><title>Menu</title><script>var x = 1;</script></head><body><nav>Home</nav></body></html>",
    quarantined("extract", r"no main text found"),
)
bytes_case(
    "html_deep_json_ld.html",
    "a page whose JSON-LD nests 5,000 levels deep (the page is still read)",
    page(15, head='<script type="application/ld+json">' + '{"a":' * 5000 + "1" + "}" * 5000 + "</script>").encode(),
    loaded(phrase(15)),
)
bytes_case(
    "html_deep_nesting.html",
    "text under 5,000 nested <div>s: deeper than the HTML parser goes",
    ("<html><body>" + "<div>" * 5000 + "<p>" + story(16) + "</p>" + "</div>" * 5000 + "</body></html>").encode(),
    quarantined("extract", r"no main text found"),
)
bytes_case(
    "html_lying_charset.html",
    "a page that declares windows-1251 and is UTF-8",
    page(17).replace("charset='utf-8'", "charset='windows-1251'").encode("utf-8"),
    loaded(phrase(17)),
)

# gzip
BOMB = OVER_FILE_LIMIT


@case("gz_bomb.txt.gz", "4 MB of gzip inflating to 4 GiB of text", quarantined("extract", BOMB))
def _(path: Path) -> None:
    write_bomb(path, b"\xd0\xb0" * 4096, header=b" date 2026-03-14 ")


@case("gz_bomb.jsonl.gz", "gzip inflating to 4 GiB of JSON Lines records", quarantined("extract", BOMB))
def _(path: Path) -> None:
    write_bomb(path, jsonl(record(18)))


@case("gz_bomb.csv.gz", "gzip inflating to 4 GiB of CSV rows", quarantined("extract", BOMB))
def _(path: Path) -> None:
    write_bomb(path, f'"{story(19)}",2026-03-14\n'.encode(), header=b"text,published\n")


@case("gz_bomb_no_newline.jsonl.gz", "gzip inflating to 4 GiB without one newline", quarantined("extract", BOMB))
def _(path: Path) -> None:
    write_bomb(path, b"x" * 4096, header=b'{"text": "')


bytes_case(
    "gz_truncated.txt.gz",
    "a gzip file cut short",
    gzip.compress(seed(20).encode())[:-20],
    quarantined("extract", r"cannot decompress"),
)
bytes_case(
    "gz_trailing_garbage.txt.gz",
    "a gzip member followed by bytes that are no gzip",
    gzip.compress(seed(21).encode()) + b"this is not gzip",
    quarantined("extract", r"cannot decompress"),
)
bytes_case(
    "gz_not_gzip.txt.gz",
    "named .gz, holds plain text",
    seed(22).encode(),
    loaded(phrase(22)),
)
bytes_case(
    "gz_two_members.jsonl.gz",
    "two gzip members, a record in each: both are read",
    gzip.compress(jsonl(record(23))) + gzip.compress(jsonl(record(24))),
    loaded(phrase(23)),
    loaded(phrase(24)),
)
bytes_case(
    "gz_twice.txt.gz",
    "gzip of gzip: once inflated it is still binary",
    gzip.compress(gzip.compress(seed(25).encode())),
    quarantined("extract", r"cannot decode: binary data"),
)

# JSON records
bytes_case(
    "json_records.jsonl",
    "one line per oddity: deep nesting (100,000 and 100 levels), a lone surrogate, a list, a 5,000-digit number,"
    " no text, NUL escapes, a 20 kB URL",
    b"\n".join(
        [
            json.dumps({**record(26), "extra": None}).replace("null", "[" * 100_000 + "]" * 100_000).encode(),
            json.dumps({**record(27), "extra": None}).replace("null", "[" * 100 + "]" * 100).encode(),
            json.dumps(record(28, title="Половина пары \ud83d")).encode(),
            json.dumps([record(29)]).encode(),
            json.dumps(record(30)).replace('"id": "r30"', '"id": ' + "7" * 5000).encode(),
            json.dumps({"id": "r31", "title": "Без текста"}).encode(),
            json.dumps(record(32, title="Нуль\u0000в заголовке", text=story(32).replace(" ", "\u0000 ", 3))).encode(),
            json.dumps(record(33, url="https://hostile.example/" + "a" * 20_000)).encode(),
        ]
    ),
    quarantined("extract", r"nests deeper than max_json_depth \(64 levels\)"),
    quarantined("extract", r"nests deeper than max_json_depth \(64 levels\)"),
    quarantined("extract", r"the title holds a lone surrogate \(\\ud83d\), which is not text"),
    quarantined("extract", r"a JSON object was expected, got list"),
    quarantined("extract", r"Exceeds the limit \(4300 digits\)"),
    quarantined("extract", r"the record has no 'text'"),
    loaded(phrase(32)),
    loaded(phrase(33)),
)
bytes_case(
    "json_many_lines.jsonl",
    "a million and one empty records: over max_lines_per_file before any record is read",
    b"{}\n" * 1_000_001,
    quarantined("extract", r"the file has more than max_lines_per_file \(1,000,000 lines\)"),
)
bytes_case(
    "json_long_texts.jsonl",
    "a text of 10 million characters, one of 1.5 million, a title of 5 million, a date of 100,000",
    jsonl(
        record(34, text=story(34) * 40_000),
        record(35, text=story(35) * 6_000),
        record(36, title="Заголовок " * 500_000),
        record(37, published="14 марта 2026 " * 7_000),
    ),
    quarantined("normalize", r"the text has 9,840,000 characters before cleaning, more than 4 times max_article_chars"),
    quarantined("normalize", r"the text has 1,\d{3},\d{3} characters, more than max_article_chars \(1,000,000\)"),
    quarantined("normalize", r"the title has 5,000,000 characters before cleaning"),
    quarantined("normalize", r"invalid publication date .*no date is so long"),
)

# Control, invisible and direction characters
bytes_case(
    "text_nul_bytes.txt",
    "three NUL bytes in UTF-8 text (removed)",
    seed(38, text=((story(38) + " ") * 8).replace(" ", "\x00 ", 3)).encode(),
    loaded(phrase(38)),
)
bytes_case(
    "text_control_flood.txt",
    "text where every tenth character is a control character",
    "".join(ch + ("\x07" if i % 10 == 0 else "") for i, ch in enumerate(seed(39))).encode(),
    quarantined("extract", r"binary data, not text \(too many control characters"),
)
bytes_case(
    "text_invisible.txt",
    "zero-width spaces, soft hyphens, right-to-left marks and overrides inside words (removed)",
    seed(40, text=story(40).replace("администрация", "адми\u200bнист\u00adра\u200fция\u202e")).encode(),
    loaded(phrase(40), "Городская администрация в Казани"),
)
bytes_case(
    "text_markup_only.txt",
    "a seed file whose text is only tags and invisible characters",
    seed(41, text="<p>\u200b</p><div>&nbsp;</div>\u2060").encode(),
    quarantined("normalize", r"the text is empty after normalization"),
)
bytes_case(
    "text_only_bom.txt",
    "a byte-order mark and nothing else",
    codecs.BOM_UTF8,
    quarantined("extract", r"no ' date YYYY-MM-DD ' header"),
)
bytes_case("text_empty.txt", "an empty file", b"", quarantined("extract", r"empty file"))
bytes_case("text_blank.txt", "only spaces and newlines", b"  \n\t\n  ", quarantined("extract", r"empty file"))

# Dates
bytes_case(
    "date_impossible.txt",
    "30 February",
    seed(42, date="2026-02-30").encode(),
    quarantined("normalize", r"invalid publication date '2026-02-30'"),
)
bytes_case(
    "date_far_future.txt",
    "published in 2099",
    seed(43, date="2099-01-01").encode(),
    quarantined("normalize", r"more than a day after the fetch time"),
)
bytes_case(
    "date_too_old.txt",
    "published in 1970",
    seed(44, date="1970-01-01").encode(),
    quarantined("normalize", r"is before 1990"),
)

# CSV
bytes_case(
    "csv_long_field.csv",
    "a title of 140,000 characters: over the csv module's own field limit (131,072), under max_article_chars",
    ("text,published,title\n" + f'"{story(45)}",2026-03-14,"{"Очень длинный заголовок. " * 5_600}"\n').encode(),
    loaded(phrase(45)),
)
bytes_case(
    "csv_nul.csv",
    "a NUL inside a quoted field",
    ("text,published\n" + f'"{story(46)}\x00",2026-03-14\n').encode(),
    loaded(phrase(46)),
)

# Parquet


@case(
    "parquet_bomb.parquet",
    "1 kB of Parquet whose dictionary-encoded text decodes to 8 GB",
    quarantined("extract", OVER_FILE_LIMIT),
)
def _(path: Path) -> None:
    text = pa.DictionaryArray.from_arrays(pa.array([0] * 4000, pa.int32()), pa.array(["а" * (1 << 20)]))
    pq.write_table(pa.table({"text": text}), path, compression="zstd")


@case(
    "parquet_odd_values.parquet",
    "a timestamp no Python date can hold, beside a good row",
    quarantined("extract", r"a value cannot be read"),
    loaded(phrase(47)),
)
def _(path: Path) -> None:
    when = pa.array([-(10**17), 1_773_475_200_000_000], pa.timestamp("us"))  # year -1200, then 2026-03-14
    pq.write_table(pa.table({"text": [story(48), story(47)], "published": when}), path)


bytes_case(
    "parquet_truncated.parquet",
    "a Parquet file cut short",
    b"PAR1" + bytes(200),
    quarantined("extract", r"invalid Parquet"),
)

# Files that are no files


@case("link_broken.txt", "a symbolic link to nothing", quarantined("extract", r"a symbolic link to nothing"))
def _(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.txt")


@case(
    "link_loop_a.txt",
    "a symbolic link to a link back to it",
    quarantined("extract", r"Too many levels of symbolic links"),
)
def _(path: Path) -> None:
    path.symlink_to(path.parent / "link_loop_b.txt")
    (path.parent / "link_loop_b.txt").symlink_to(path)


CASES.append(
    Case(
        "link_loop_b.txt",
        "the other half of the loop",
        (quarantined("extract", r"Too many levels of symbolic links"),),
        lambda path: None,
    )
)


@case("link_dir_loop", "a directory holding a link to itself and one article: read once", loaded(phrase(49)))
def _(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text(seed(49), encoding="utf-8")
    (path / "again").symlink_to(path, target_is_directory=True)


@case("special_fifo.txt", "a FIFO named like an article (opening it would block)", quarantined("extract", r"a FIFO"))
def _(path: Path) -> None:
    os.mkfifo(path)


UNREADABLE_END = (
    loaded(phrase(50)) if os.geteuid() == 0 else quarantined("extract", r"cannot read file: Permission denied")
)


@case("special_unreadable.txt", "mode 000 (root reads it anyway)", UNREADABLE_END)
def _(path: Path) -> None:
    path.write_text(seed(50), encoding="utf-8")
    path.chmod(0)


@case(
    "special_changes_while_read.jsonl.gz",
    "a dump cut after it was scanned (the test cuts it): what was read loads, the rest is quarantined",
    loaded(phrase(51)),
    quarantined("extract", r"cannot read file after line 1"),
)
def _(path: Path) -> None:
    # the second record is 20,000 characters of words in no order (they compress little), so the cut falls in it
    words = random.Random(52).choices(story(52).split(), k=2_000)
    path.write_bytes(gzip.compress(jsonl(record(51), record(52, text=" ".join(words)))))


# Duplicates
bytes_case("dup_copy_a.txt", "an article…", seed(53).encode(), loaded(phrase(53)))
bytes_case("dup_copy_b.txt", "…and its exact copy", seed(53).encode(), DUPLICATED)
bytes_case(
    "dup_same_line_twice.jsonl",
    "the same record twice in one dump",
    jsonl(record(54), record(54)),
    loaded(phrase(54)),
    DUPLICATED,
)
bytes_case(
    "dup_same_id.jsonl",
    "two records with the same id and URL and different texts: the later replaces the earlier",
    jsonl(record(55, url="https://hostile.example/same"), record(56, id="r55", url="https://hostile.example/same")),
    DUPLICATED,
    loaded(phrase(56)),
)


def write_corpus(directory: Path) -> list[Case]:
    """Write every case into `directory` (which must be empty or missing); return the cases."""
    directory.mkdir(parents=True, exist_ok=True)
    for one in CASES:
        one.write(directory / one.name)
    return CASES


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[2])
    for one in write_corpus(Path(sys.argv[1])):
        print(f"{one.name:40} {', '.join(end.outcome for end in one.ends):40} {one.what}")


if __name__ == "__main__":
    main()
