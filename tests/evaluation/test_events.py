"""Event scoring: matching on trigger offset and type, then participants, place, date, modality."""

from datetime import date

from evaluation.events import meeting_facts, read_gold, score, trigger_offset
from flows.settings import PROJECT_ROOT


def test_trigger_offset_counts_whole_words():
    text = "Встреча. Встречами встреча, встреча"
    assert trigger_offset(text, "встреча") == 19
    assert trigger_offset(text, "встреча", 2) == 28


def test_score_counts_each_figure():
    gold = [
        {
            "id": "a",
            "events": [
                {
                    "start": 0,
                    "type": "04",
                    "actors": ["Стив Уиткофф"],
                    "place": "Москва",
                    "date": "2026-01-06",
                    "modality": "planned",
                },
                {"start": 20, "type": "14", "modality": "occurred"},
            ],
        }
    ]
    system = {
        "a": [
            {"start": 0, "type": "04 CONSULT", "participants": {("actor", "стив уиткофф"), ("target", "владимир путин")},
             "place": "москва", "event_date": date(2026, 1, 6), "modality": "occurred"},
            {"start": 40, "type": "19 FIGHT", "participants": set(), "place": None, "event_date": None, "modality": "occurred"},
        ]
    }  # fmt: skip
    figures = score(gold, system)
    assert figures["detection"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert figures["participants"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert figures["place"]["f1"] == 1.0 and figures["date"]["f1"] == 1.0
    assert figures["modality"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}


def test_the_gold_file_reads_and_has_at_least_80_events():
    articles = read_gold(PROJECT_ROOT / "tests" / "gold" / "events.toml", PROJECT_ROOT)
    assert sum(len(a["events"]) for a in articles) >= 80
    seed = next(a for a in articles if a["id"] == "seed")
    assert seed["text"].startswith("Посланники президента США")
    for article in articles:
        for event in article["events"]:
            assert article["text"][event["start"] :].startswith(event["trigger"])
            assert event["modality"] in ("occurred", "planned", "negated", "uncertain")


def test_meeting_facts_keep_participant_spans():
    doc = {"facts": [{"type": "Meeting", "slots": [
        {"type": "Participant", "values": [{"mentions": [{"start": 0, "stop": 5}]}]},
        {"type": "Time", "values": [{"start": 9, "stop": 12}]},
    ]}, {"type": "Deal", "slots": []}]}  # fmt: skip
    assert meeting_facts(doc) == [[[(0, 5)]]]


def test_run_tagger_dates_events_against_the_publication_date():
    from evaluation.events import run_tagger
    from transforms.events import load_event_tagger

    text = "6 января министры встретились в Париже."
    tagged = run_tagger({"a": text}, load_event_tagger(), {"a": "2026-01-14"})
    dates = {event["event_date"] for event in tagged["events"].to_pylist()}
    assert date(2026, 1, 6) in dates
