"""Quarantine rows, and the taggers' article-by-article loop that makes them (no models: a tagger written here)."""

import pyarrow as pa

from transforms.quarantine import REASON_CHARS, preview, quarantine_row, tag_each_article
from transforms.schemas import ARTICLE_BATCH_SCHEMA, QUARANTINE_SCHEMA
from transforms.stages import Stage


def batch(*rows):
    """Articles of (text, language); a text «breaks» makes the tagger below raise."""
    return pa.Table.from_pylist(
        [
            {
                "article_id": f"a{i}",
                "source": "test",
                "text": text,
                "language": language,
                "record_key": f"k{i}",
                "payload": f"raw {i}",
            }
            for i, (text, language) in enumerate(rows)
        ],
        schema=ARTICLE_BATCH_SCHEMA,
    )


def words(article: dict) -> list[str]:
    if article["text"] == "breaks":
        raise ValueError("no words")
    return article["text"].split()


def tag(articles, failures=None):
    return tag_each_article(
        articles, words, stage=Stage.TAG_ENTITIES, tagger_name="word tagger", languages={"ru"}, failures=failures or {}
    )


def test_an_article_that_breaks_the_tagger_goes_to_quarantine_with_its_payload_and_the_batch_goes_on():
    results, quarantine, tagged = tag(batch(("один два", "ru"), ("breaks", "ru"), ("три", "ru")))
    assert results == {"a0": ["один", "два"], "a2": ["три"]}
    assert tagged.column("article_id").to_pylist() == ["a0", "a2"] and tagged.schema == ARTICLE_BATCH_SCHEMA
    assert quarantine.schema == QUARANTINE_SCHEMA
    [row] = quarantine.to_pylist()
    assert (row["stage"], row["source"], row["record_key"], row["payload"]) == ("tag-entities", "test", "k1", "raw 1")
    assert row["reason"] == "k1: word tagger failed (ValueError: no words)"


def test_articles_in_other_languages_pass_untagged():
    results, quarantine, tagged = tag(batch(("breaks", "en"), ("один", "ru")))
    assert results == {"a1": ["один"]} and quarantine.num_rows == 0
    assert tagged.column("article_id").to_pylist() == ["a0", "a1"]


def test_an_article_a_batched_step_failed_on_is_quarantined_with_that_failure():
    results, quarantine, tagged = tag(
        batch(("один", "ru"), ("два", "ru")), failures={"a0": RuntimeError("parser broke")}
    )
    assert results == {"a1": ["два"]} and tagged.column("article_id").to_pylist() == ["a1"]
    assert quarantine.column("reason").to_pylist() == ["k0: word tagger failed (RuntimeError: parser broke)"]


def test_an_empty_batch():
    results, quarantine, tagged = tag(batch())
    assert results == {} and quarantine.num_rows == 0 and tagged.num_rows == 0


def test_a_reason_is_cut_and_says_how_long_it_was_but_the_payload_stays_whole():
    record = "x" * 3_000_000
    row = quarantine_row(Stage.NORMALIZE, "files", "big.txt", f"big.txt: cannot parse {record}", record)
    assert len(row["reason"]) == REASON_CHARS
    assert row["reason"].startswith("big.txt: cannot parse xxx") and row["reason"].endswith("x… (3,000,022 characters)")
    assert row["payload"] == record
    assert row["quarantine_id"] == quarantine_row(Stage.NORMALIZE, "files", "big.txt", "other", record)["quarantine_id"]


def test_a_preview_is_the_start_and_the_length_in_limit_characters_and_its_own_preview():
    assert preview("короткий текст", 14) == "короткий текст"
    cut = preview("короткий текст " * 3, 25)
    assert cut == "короткий… (45 characters)" and preview(cut, 25) == cut
    assert preview("короткий", 30, length=1_000_000) == "коротк… (1,000,000 characters)"  # the start of a longer text
