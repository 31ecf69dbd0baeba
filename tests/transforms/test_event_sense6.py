"""Word sense of event triggers (sense6): services, captions, things freed up, private visits, experts in general.

Each case pairs a sentence where the word is no event with one where it is, so a rule that drops too much fails too.
"""

from tests.transforms.test_events import run


def triggers(tagger, text):
    return {e["trigger"]: e["type"][:2] for e in run(tagger, text)}


def test_aid_as_the_name_of_a_body_or_a_service_is_no_aid(tagger):
    assert "помощи" not in triggers(tagger, "Подросток ушел из центра помощи семьям и пропал.")
    assert "помощь" not in triggers(tagger, "В больнице открыли отделение, где оказывают паллиативную помощь.")
    assert triggers(tagger, "Евросоюз выделил Сербии помощь на ремонт дорог.").get("помощь") == "07"


def test_a_signed_photo_is_a_caption_not_an_agreement(tagger):
    assert "подписала" not in triggers(tagger, "Певица выложила снимок с моря и подписала фото словами о лете.")
    assert triggers(tagger, "Министры двух стран подписали соглашение о торговле.").get("подписали") == "05"


def test_a_thing_freed_up_is_no_release(tagger):
    assert "освободили" not in triggers(tagger, "Рабочие освободили склад для новых станков.")
    assert "освободил" not in triggers(tagger, "Чиновник освободил кабинет в пятницу.")
    assert "освободивший" not in triggers(tagger, "Пост занял Иван Петров, освободивший должность директора завода.")
    assert triggers(tagger, "Боевики освободили двух заложников.").get("освободили") == "08"


def test_a_visit_in_gosti_is_private(tagger):
    assert "приехал" not in triggers(tagger, "Вечером он приехал в гости к брату.")
    assert triggers(tagger, "Премьер-министр Индии приехал в Москву.").get("приехал") == "04"


def test_professions_in_general_say_no_event(tagger):
    assert "отмечают" not in triggers(tagger, "Медики отмечают, что сон важен для здоровья.")
    assert "утверждают" not in triggers(tagger, "Как утверждают ученые, кофе полезен для сердца.")
    said = triggers(tagger, "Медики городской больницы отмечают, что состояние пострадавшего тяжелое.")
    assert said.get("отмечают") == "01"


def test_people_ships_and_crews_released_are_a_release(tagger):
    assert triggers(tagger, "Повстанцы освободили сотни пленных солдат.").get("освободили") == "08"
    assert triggers(tagger, "Власти освободили задержанный экипаж танкера.").get("освободили") == "08"
    assert triggers(tagger, "Суд обязал страну освободить военные корабли.").get("освободить") == "08"


def test_professions_quoted_make_a_statement(tagger):
    said = triggers(tagger, "«Это открытие изменит медицину на годы вперед», – заявляют ученые.")
    assert said.get("заявляют") == "01"


def test_a_meeting_in_a_fight_report_is_a_bout(tagger):
    text = "Турнир в Казани закончился нокаутом. Встреча с Ивановым стала для бойца третьим поединком за год."
    assert "Встреча" not in triggers(tagger, text)
    assert triggers(tagger, "Встреча министров прошла в Казани.").get("Встреча") == "04"


def actors(tagger, text, trigger):
    return next(e["roles"].get("actor", set()) for e in run(tagger, text) if e["trigger"] == trigger)


def test_a_quoted_outlet_after_the_verb_is_spoken_to_not_the_speaker(tagger):
    assert actors(tagger, "Водитель скрылся, сообщили «Регион online» в пресс-службе МВД.", "сообщили") == {"МВД"}
    speaker = actors(tagger, "«Он рапорт не писал», — сказал «URA.RU» Иван Петров, глава пресс-службы.", "сказал")
    assert speaker == {"Иван Петров"}
    assert actors(tagger, "Компания готова снизить цены, сообщила «Роснефть».", "сообщила") == {"Роснефть"}


def test_a_talk_with_the_press_or_the_police_is_no_consultation(tagger):
    said = triggers(tagger, "Политолог Иван Петров в беседе с журналистами отметил, что выборы пройдут спокойно.")
    assert "беседе" not in said and said.get("отметил") == "01"
    assert "беседы" not in triggers(tagger, "В ходе беседы с полицейскими мужчина признался в краже.")
    assert triggers(tagger, "Беседа президента с премьер-министром длилась час.").get("Беседа") == "04"


def test_an_outlet_recalling_its_own_story_is_no_statement(tagger):
    assert "рассказывал" not in triggers(tagger, "Ранее «Городской вестник» рассказывал, что мост закроют.")
    assert triggers(tagger, "Ранее министр рассказывал, что мост закроют.").get("рассказывал") == "01"
    said = triggers(tagger, "Жители Ярославля в соцсетях рассказывают, что птицы гуляют по тротуару.")
    assert said.get("рассказывают") == "01"


def test_an_application_filed_is_no_public_statement(tagger):
    assert "заявление" not in triggers(tagger, "Пострадавший подал заявление о краже велосипеда.")
    assert "заявление" not in triggers(tagger, "В полицию поступило заявление жителя поселка.")
    assert "заявлений" not in triggers(tagger, "Сообщение внесено в журнал учета заявлений.")
    assert triggers(tagger, "Министр сделал заявление о повышении пенсий.").get("заявление") == "01"


def test_a_statement_of_claim_is_a_lawsuit(tagger):
    assert triggers(tagger, "Компания направила в суд исковое заявление к подрядчику.").get("заявление") == "11"
    assert triggers(tagger, "В суд поступило исковое заявление завода.").get("заявление") == "11"


def test_beginning_to_meet_is_dating(tagger):
    assert "встречаться" not in triggers(tagger, "Певец и модель начали встречаться прошлой весной.")
    assert triggers(tagger, "Министры будут встречаться каждый месяц.").get("встречаться") == "04"


def test_reaching_a_scene_is_no_visit(tagger):
    assert "прибыли" not in triggers(tagger, "Полицейские прибыли на место через десять минут.")
    assert "приехали" not in triggers(tagger, "Спасатели приехали на вызов ночью.")
    assert triggers(tagger, "Премьер-министр Индии прибыл в Москву.").get("прибыл") == "04"


def test_a_session_with_a_professional_is_a_service(tagger):
    assert "встречи" not in triggers(tagger, "Для участниц клуба проведут встречи с психологом.")
    assert triggers(tagger, "Президент провел встречи с губернаторами.").get("встречи") == "04"


def test_a_journalists_call_is_no_consultation(tagger):
    assert "звонок" not in triggers(tagger, "В пресс-службе суда на звонок корреспондента не ответили.")


def test_a_price_asked_is_no_appeal(tagger):
    assert "просят" not in triggers(tagger, "На рынке за доллар просят 27 гривен.")
    assert "запросили" not in triggers(tagger, "За аренду зала владельцы запросили 200 тысяч рублей.")
    assert triggers(tagger, "Прокурор запросил для подсудимого восемь лет колонии.").get("запросил") == "02"


def test_a_product_offered_to_customers_is_no_proposal(tagger):
    assert "предложил" not in triggers(tagger, "Банк предложил клиентам новую карту.")
    assert triggers(tagger, "Министр предложил губернаторам новую программу.").get("предложил") == "02"


def test_a_contract_in_a_basketball_report_is_no_agreement(tagger):
    text = "Форвард провел в НБА пять лет. Баскетболист подписал контракт с клубом из Бостона."
    assert "подписал" not in triggers(tagger, text)


def test_a_lawful_demand_names_an_offence(tagger):
    text = "Его оштрафовали за неповиновение законному требованию сотрудника полиции."
    assert "требованию" not in triggers(tagger, text)
    assert triggers(tagger, "Профсоюз выдвинул требование повысить зарплаты.").get("требование") == "10"
