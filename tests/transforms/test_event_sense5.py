"""Word sense of event triggers: kinds of events, rights, properties and medical examinations are no events.

Sentences written for these tests."""

from tests.transforms.test_events import by_trigger, run


def triggers(events):
    return [e["trigger"] for e in events]


def test_some_or_many_unnamed_people_doing_something_now_is_a_kind_of_event(tagger):
    for text, trigger in [
        ("Некоторые водители жалуются в прокуратуру на долгие очереди.", "жалуются"),
        ("Многие жители требуют новые остановки.", "требуют"),
    ]:
        assert trigger not in triggers(run(tagger, text)), text
    # a named doer, or the past tense, is one event
    assert by_trigger(run(tagger, "Иван Петров жалуется в прокуратуру на долгие очереди."), "жалуется")
    assert by_trigger(run(tagger, "Некоторые водители пожаловались в прокуратуру на очереди."), "пожаловались")


def test_vstrechatsya_with_no_one_met_is_to_be_found(tagger):
    found = run(tagger, "Встречаются и такие продавцы, которые обманывают покупателей.")
    assert "Встречаются" not in triggers(found)
    met = run(tagger, "Министры встречаются с фермерами в Орле.")
    assert by_trigger(met, "встречаются")["type"] == "04 CONSULT"
    # «которые» stands for the people its clause describes
    named = run(tagger, "Решение примут Иван Петров и Олег Сидоров, которые сегодня встречаются в Орле.")
    assert by_trigger(named, "встречаются")["type"] == "04 CONSULT"


def test_a_right_to_an_act_is_no_act(tagger):
    text = "Прокурор напомнил, что закон защищает право граждан на обращение в суд."
    assert "обращение" not in triggers(run(tagger, text))
    appeal = run(tagger, "Жители направили в суд обращение с просьбой закрыть свалку.")
    assert by_trigger(appeal, "обращение")["type"] == "02 APPEAL"


def test_examining_a_person_or_an_animal_is_no_investigation(tagger):
    for text in ["Врачи осмотрели пострадавшего мальчика.", "Ветеринар осмотрел собаку и наложил повязку."]:
        assert not {"осмотрели", "осмотрел"} & set(triggers(run(tagger, text))), text
    scene = run(tagger, "Следователи осмотрели место происшествия.")
    assert by_trigger(scene, "осмотрели")["type"] == "09 INVESTIGATE"


def test_a_present_participle_describing_a_thing_is_its_property(tagger):
    text = "Врачи вывели пациента из состояния, угрожающего его жизни."
    assert "угрожающего" not in triggers(run(tagger, text))
    threat = run(tagger, "Полиция задержала мужчину, угрожавшего соседям ножом.")
    assert by_trigger(threat, "угрожавшего")["type"] == "13 THREATEN"


def test_preparing_an_event_is_not_the_event(tagger):
    for text, trigger in [
        ("Министры обсудили подготовку к саммиту в Минске.", "саммиту"),
        ("Его обвиняют в приготовлении к теракту.", "теракту"),
    ]:
        assert trigger not in triggers(run(tagger, text)), text
    assert by_trigger(run(tagger, "Министры обсудили итоги саммита в Минске."), "саммита")["type"] == "04 CONSULT"


def test_the_future_passive_is_planned(tagger):
    text = "Суд арестовал его заочно, мера начнет действовать после того, как он будет задержан."
    assert by_trigger(run(tagger, text), "задержан")["modality"] == "planned"
    assert by_trigger(run(tagger, "Вчера он был задержан в Орле."), "задержан")["modality"] == "occurred"


def test_an_imperfective_infinitive_under_moch_is_what_may_be_done(tagger):
    assert "посещать" not in triggers(run(tagger, "Врач разрешил: ребенок может посещать детский сад."))
    visit = by_trigger(run(tagger, "Министр может посетить Орел в мае."), "посетить")
    assert (visit["type"], visit["modality"]) == ("04 CONSULT", "planned")


def test_vyskazat_is_a_statement(tagger):
    events = run(tagger, "Депутат Иван Петров высказал мнение, что мост нужно отремонтировать.")
    said = by_trigger(events, "высказал")
    assert (said["type"], said["roles"]["actor"]) == ("01 MAKE PUBLIC STATEMENT", {"Иван Петров"})
    assert by_trigger(run(tagger, "Против закрытия школы высказались родители."), "высказались")


def test_a_fine_is_coercion(tagger):
    fined = by_trigger(run(tagger, "Суд оштрафовал чиновника на десять тысяч рублей."), "оштрафовал")
    assert (fined["type"], fined["roles"]["actor"]) == ("17 COERCE", {"суд"})


def test_what_a_text_says_is_no_ones_act(tagger):
    for text in [
        "Она дала в газету объявление, где обещала вернуть удачу и обещала гадание.",
        "Он услышал по радио объявление, в котором обещали быстрый заработок.",
    ]:
        assert not {"обещала", "обещали"} & set(triggers(run(tagger, text))), text
    # a writer named in the clause makes the appeal
    note = run(tagger, "Жители передали записку, в которой они попросили губернатора о помощи.")
    assert by_trigger(note, "попросили")["type"] == "02 APPEAL"


def test_a_forbidden_act_is_no_event_however_far_below_the_ban(tagger):
    banned = run(tagger, "Охранники запретили им обращаться куда-либо и общаться с журналистами.")
    assert "общаться" not in triggers(banned)
    spoke = run(tagger, "Охранники запретили съемку, а потом общались с журналистами.")
    assert by_trigger(spoke, "общались")["type"] == "04 CONSULT"


def test_the_title_of_an_article_of_a_code_names_a_crime_not_an_event(tagger):
    for text in [
        "Дело возбуждено по ч. 1 ст. 105 УК РФ (убийство).",
        "Дело возбуждено по статье «Убийство».",
    ]:
        assert not any(t.lower() == "убийство" for t in triggers(run(tagger, text))), text
    crime = run(tagger, "Следователи считают, что убийство произошло ночью.")
    assert by_trigger(crime, "убийство")["type"] == "18 ASSAULT"
