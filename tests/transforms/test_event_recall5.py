"""Events the tune part's recall errors showed missing (issue 21, round recall5), on sentences written for these tests."""

import pytest

from tests.transforms.test_events import run


def found(tagger, text):
    return [(e["trigger"], e["type"][:2]) for e in run(tagger, text)]


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("Губернатор написал в своем блоге, что дорогу откроют весной.", [("написал", "01")]),
        ("«Мост откроют весной», — написал губернатор.", [("написал", "01")]),
        ("Писатель написал роман о войне.", []),  # writing a book says nothing
        ("На вопрос журналистов министр ответил, что реформа продолжится.", [("ответил", "01")]),
        ("«Реформа продолжится», — ответил министр.", [("ответил", "01")]),
        ("Виновные ответят за преступление.", []),  # «ответить за» is to be punished
        ("Адвокат настаивал, что его клиент невиновен.", [("настаивал", "01")]),
        ("Депутат напоминает, что закон вступил в силу в марте.", [("напоминает", "01")]),
        ("Этот дом напоминает замок.", []),  # a likeness, no statement
    ],
)
def test_speech_verbs_with_another_sense_are_statements_only_with_a_clause_or_a_quotation(tagger, text, events):
    assert found(tagger, text) == events


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("Суд обязал администрацию убрать свалку.", [("обязал", "17")]),
        ("Директор обязал сотрудников носить форму.", []),  # an order at work, no court's measure
        ("Мера пресечения избрана судом.", [("избрана", "17")]),
        ("Жители избрали его депутатом.", []),  # an election
    ],
)
def test_a_courts_measure_needs_its_word_beside_the_verb(tagger, text, events):
    assert found(tagger, text) == events


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("Во дворе дома произошла перестрелка.", [("перестрелка", "18")]),
        ("Преступник расстрелял двух охранников.", [("расстрелял", "18")]),
    ],
)
def test_words_of_shooting_are_assaults(tagger, text, events):
    assert found(tagger, text) == events


def test_a_picket_is_a_protest(tagger):
    events = run(tagger, "Активисты провели пикет у здания мэрии.")
    assert [(e["trigger"], e["cameo_code"]) for e in events] == [("пикет", "141")]


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("Совет министров одобрил соглашение с Канадой.", [("одобрил", "05")]),
        ("Депутаты одобрили законопроект о такси.", []),  # ordinary legislation is no event (the guide)
    ],
)
def test_approving_an_agreement_is_cooperation_approving_a_bill_is_not(tagger, text, events):
    assert found(tagger, text) == events


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("«Я извиняюсь перед пассажирами», — сказал водитель.", [("извиняюсь", "05"), ("сказал", "01")]),
        ("«Прошу жителей не выходить на лед», — сказал глава района.", [("Прошу", "02"), ("сказал", "01")]),
        ("«Мы хорошо общаемся», — сказал водитель.", [("сказал", "01")]),  # other verbs of «я», «мы» stay out
    ],
)
def test_asking_and_apologising_in_the_first_person_are_the_acts_themselves(tagger, text, events):
    assert found(tagger, text) == events


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("Президент поручил правительству снизить налоги.", [("поручил", "02")]),
        ("Прокурор запросил для подсудимого восемь лет колонии.", [("запросил", "02")]),
    ],
)
def test_an_order_and_a_prosecutors_request_are_appeals(tagger, text, events):
    assert found(tagger, text) == events
