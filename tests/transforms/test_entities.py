import dataclasses

import pyarrow as pa
import pytest

from transforms.analysis import analyze
from transforms.entities import prepare_docs, tag_article, tag_entities
from transforms.names import entity_id
from transforms.normal_forms import NormalForms
from transforms.schemas import ARTICLE_BATCH_SCHEMA, ENTITIES_SCHEMA, MENTIONS_SCHEMA


def batch(*texts, language="ru"):
    rows = [
        {
            "article_id": f"a{i}",
            "source": "test",
            "text": text,
            "language": language,
            "record_key": f"k{i}",
            "payload": text,
        }
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


def names_by_text(text, models):
    return {m["text"]: m["entity_name"] for m in tag_article(text, models)}


def test_inflected_surname_that_natasha_leaves_alone_still_resolves(models):
    names = names_by_text("Эмманюэль Макрон прилетел в Берлин. Макрона встретили в аэропорту.", models)
    assert names["Макрона"] == "Эмманюэль Макрон"


def test_middle_name_is_dropped_from_the_canonical_name(models):
    names = names_by_text("Владимира Владимировича Путина поздравили. Путину вручили цветы.", models)
    assert names["Владимира Владимировича Путина"] == names["Путину"] == "Владимир Путин"


def test_two_people_next_to_each_other_stay_two(models):
    names = names_by_text(
        "Дональд Трамп и его зять Джаред Кушнер, зятем Трампа Джаред Кушнер назван. Кушнер уехал.", models
    )
    assert names["Кушнер"] == "Джаред Кушнер"
    assert "Трампа Джаред Кушнер" not in names


def test_abbreviation_in_brackets_resolves_to_the_full_name(models):
    text = "Организация Объединённых Наций (ООН) провела сессию в Женеве. Руководство ООН сделало заявление."
    mentions = tag_article(text, models)
    orgs = [(m["text"], m["entity_name"]) for m in mentions if m["type"] == "ORG"]
    # the name keeps its «ё» (the models read it as «е», so they know the word); its id folds «ё» anyway
    assert orgs == [
        ("Организация Объединённых Наций", "Организация Объединённых Наций"),
        ("ООН", "Организация Объединённых Наций"),
        ("ООН", "Организация Объединённых Наций"),
    ]


def test_organisation_normal_form_uses_syntax(models):
    mentions = tag_article("Он был членом Организации украинских националистов.", models)
    assert [m["normal"] for m in mentions] == ["Организация украинских националистов"]


def test_brackets_make_one_entity_only_of_an_abbreviation_or_a_transliteration(models):
    names = names_by_text(
        "Центральное разведывательное управление (ЦРУ) и завод в Астуджи (Япония). "
        "Томас Винье (Thomas Vinje) выступил. ЦРУ промолчало, Япония тоже.",
        models,
    )
    assert names["ЦРУ"] == "Центральное разведывательное управление"
    assert names["Thomas Vinje"] == "Томас Винье"
    assert names["Япония"] == "Япония" and names["Астуджи"] == "Астуджи"


def test_a_name_parse_that_misses_words_is_not_used(models):
    names = names_by_text("Клайв Стейплз Льюис написал книгу. Льюис жил в Оксфорде.", models)
    assert names["Льюис"] == names["Клайв Стейплз Льюис"] == "Клайв Стейплз Льюис"


def test_an_abbreviation_with_a_case_ending_keeps_its_capitals(models):
    mentions = tag_article("Глава МИДа Японии прилетел в Москву.", models)
    assert [m["normal"] for m in mentions if m["type"] == "ORG"] == ["МИД"]


class CountingParser:
    """natasha's syntax parser, counting the sentences it is given; breaks on a sentence holding `breaks_on`."""

    def __init__(self, parser, breaks_on=None):
        self.parser, self.breaks_on, self.sentences, self.calls = parser, breaks_on, 0, 0

    def map(self, chunk):
        if self.breaks_on and any(self.breaks_on in words for words in chunk):
            raise RuntimeError("parser broke")
        self.sentences += len(chunk)
        self.calls += 1
        return self.parser.map(chunk)


ORG_TEXTS = (
    "Он был членом Организации украинских националистов.",
    "Представители Министерства иностранных дел России прибыли в Женеву.",
    "Вчера шёл дождь.",
)


def test_a_batch_parses_the_sentences_with_an_inflected_organisation_once_and_together(models):
    counting = CountingParser(models.syntax_parser)
    mentions, _, rejected, _ = tag_entities(batch(*ORG_TEXTS), dataclasses.replace(models, syntax_parser=counting))
    assert counting.sentences == 2 and rejected.num_rows == 0  # the third has no organisation
    assert counting.calls == 1
    normals = {row["text"]: row["normal"] for row in mentions.to_pylist()}
    assert normals["Организации украинских националистов"] == "Организация украинских националистов"
    assert normals["Министерства иностранных дел"] == "Министерство иностранных дел"


def test_an_article_whose_syntax_parse_fails_is_quarantined_alone(models):
    breaking = CountingParser(models.syntax_parser, breaks_on="сломает")
    texts = (*ORG_TEXTS[:2], "Это сломает представителей Министерства иностранных дел.")
    mentions, _, rejected, tagged = tag_entities(batch(*texts), dataclasses.replace(models, syntax_parser=breaking))
    assert tagged.column("article_id").to_pylist() == ["a0", "a1"]
    assert rejected.column("record_key").to_pylist() == ["k2"]
    assert rejected.column("reason")[0].as_py() == "k2: entity tagger failed (RuntimeError: parser broke)"
    assert set(mentions.column("article_id").to_pylist()) == {"a0", "a1"}


def test_remembered_normal_forms_equal_fresh_ones(models):
    texts = [
        "Он встретился с представителями Министерства обороны России в Москве.",
        "Министерство обороны России сообщило об учениях. Министру обороны России доложили.",
        "Сергею Иванову и Сергея Иванова поздравили в Государственной думе. Государственная дума приняла закон.",
        "Вчера в Москву приехала Иванова.",  # the same word, another case and gender: another normal form
        "Мы встретили Иванова в Москве.",
        *ORG_TEXTS,
    ]
    warm = [[m["normal"] for m in tag_article(text, models)] for text in texts * 2]
    fresh = []
    for text in texts * 2:
        remembering_nothing = dataclasses.replace(models, normal_forms=NormalForms(models.morph_vocab))
        fresh.append([m["normal"] for m in tag_article(text, remembering_nothing)])
    assert warm == fresh
    assert "Министерство обороны" in warm[0] and "Государственная дума" in warm[2]
    assert "Иванова" in warm[3] and "Иванов" in warm[4]


def test_normal_forms_keep_the_most_recently_used(models):
    doc = analyze(["Макрону, Путину и Трампу позвонили."], models)[0]
    assert prepare_docs({"a": doc}, models) == {}
    macron, putin, trump = doc.spans
    forms = NormalForms(models.morph_vocab, kept=2)
    for span in (macron, putin, macron, trump):  # Макрону is used again before Трампу comes: Путину goes
        forms.normal(span)
    assert len(forms) == 2
    for span in doc.spans:
        span.normal = None
    assert [forms.normal(span) for span in (macron, trump, putin)] == ["Макрон", "Трамп", "Путин"]
    # remembered ones do not ask natasha again; a forgotten one does
    assert (macron.normal, trump.normal, putin.normal) == (None, None, "Путин")


@pytest.mark.parametrize(
    ("text", "person", "normal"),
    [
        ("Визит Барака Обамы в Киев отложен.", "Барака Обамы", "Барак Обама"),  # natasha: «Барак Обамы»
        ("Книга Анны Лисиной вышла.", "Анны Лисиной", "Анна Лисина"),  # natasha: «Анна Лисиной»
        ("Визит Нельсона Мбеки отложен.", "Нельсона Мбеки", "Нельсон Мбеки"),  # «-и»: left as it is
    ],
)
def test_a_surname_natasha_leaves_in_an_oblique_case_gets_its_nominative(models, text, person, normal):
    assert {m["text"]: m["normal"] for m in tag_article(text, models)}[person] == normal
