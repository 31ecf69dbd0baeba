import pyarrow as pa
import pytest

from transforms.entities import ENTITIES_SCHEMA, MENTIONS_SCHEMA, entity_id, tag_entities
from transforms.normalize import ARTICLE_BATCH_SCHEMA


def batch(*texts, language="ru"):
    rows = [
        {"article_id": f"a{i}", "source": "test", "text": text, "language": language, "record_key": f"k{i}", "payload": text}
        for i, text in enumerate(texts)
    ]
    return pa.Table.from_pylist(rows, schema=ARTICLE_BATCH_SCHEMA)


def test_mentions_offsets_normal_forms_and_sentences(models):
    text = "Президент Франции Эмманюэль Макрон прилетел в Париж. Вечером Макрон выступил в Лувре."
    mentions, entities, rejected, tagged = tag_entities(batch(text), models)
    assert mentions.schema == MENTIONS_SCHEMA and entities.schema == ENTITIES_SCHEMA
    assert rejected.num_rows == 0 and tagged.num_rows == 1
    rows = mentions.to_pylist()
    for row in rows:
        assert text[row["start"] : row["stop"]] == row["text"]
    by_text = {row["text"]: row for row in rows}
    assert by_text["Эмманюэль Макрон"]["type"] == "PER"
    assert by_text["Эмманюэль Макрон"]["sentence"] == 0
    assert by_text["Париж"]["type"] == "LOC"
    short = by_text["Макрон"]
    assert short["normal"] == "Макрон" and short["sentence"] == 1
    # the surname alone resolves to the full name of the same article
    assert short["entity_id"] == by_text["Эмманюэль Макрон"]["entity_id"] == entity_id("PER", "Эмманюэль Макрон")
    names = {(row["type"], row["name"]) for row in entities.to_pylist()}
    assert ("PER", "Эмманюэль Макрон") in names and ("PER", "Макрон") not in names


def test_ambiguous_surname_stays_its_own_entity(models):
    text = "Петр Иванов и Сергей Иванов пришли на встречу. Иванов выступил первым."
    mentions, _, _, _ = tag_entities(batch(text), models)
    ids = {row["text"]: row["entity_id"] for row in mentions.to_pylist()}
    assert ids["Иванов"] == entity_id("PER", "Иванов")
    assert len({ids["Петр Иванов"], ids["Сергей Иванов"], ids["Иванов"]}) == 3


def test_non_russian_articles_are_not_tagged(models):
    mentions, entities, rejected, tagged = tag_entities(batch("Barack Obama visited Paris.", language="en"), models)
    assert mentions.num_rows == 0 and entities.num_rows == 0 and tagged.num_rows == 1


def test_a_failing_article_is_quarantined_and_the_batch_goes_on(models):
    articles = batch("Владимир Путин прибыл в Москву.", None)
    # a None text makes natasha fail on that article only
    mentions, _, rejected, tagged = tag_entities(articles, models)
    assert tagged.column("article_id").to_pylist() == ["a0"]
    assert mentions.num_rows >= 2
    assert rejected.column("record_key").to_pylist() == ["k1"]
    assert "entity tagger failed" in rejected.column("reason")[0].as_py()


def test_entity_id_ignores_case_and_yo():
    assert entity_id("PER", "Пётр Иванов") == entity_id("PER", "петр иванов")
    assert entity_id("PER", "Пётр Иванов") != entity_id("LOC", "Пётр Иванов")


@pytest.mark.parametrize("count", [0])
def test_empty_batch(models, count):
    mentions, entities, rejected, tagged = tag_entities(batch(), models)
    assert mentions.num_rows == entities.num_rows == rejected.num_rows == tagged.num_rows == count
