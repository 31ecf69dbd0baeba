"""`newsetl eval ner|events`: `ner` on a tiny gold file written for the test, with figures worked out by hand."""

import json

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()

GOLD = [
    {
        "doc_id": "d1",
        "text": "Владимир Путин прибыл в Москву.",
        # the PER span is deliberately short (strict miss, overlap hit); the ORG is not a name at all
        "entities": [
            {"type": "PER", "start": 9, "stop": 14, "text": "Путин"},
            {"type": "ORG", "start": 15, "stop": 21, "text": "прибыл"},
            {"type": "LOC", "start": 24, "stop": 30, "text": "Москву"},
        ],
    },
    {
        "doc_id": "d2",
        "text": "Сергей Лавров встретился с послом в Берлине.",
        "entities": [
            {"type": "PER", "start": 0, "stop": 13, "text": "Сергей Лавров"},
            {"type": "LOC", "start": 36, "stop": 43, "text": "Берлине"},
        ],
    },
]


def write_gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in GOLD), encoding="utf-8")
    return path


def test_eval_ner_json_has_known_figures(tmp_path, models):
    result = runner.invoke(app, ["eval", "ner", str(write_gold(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    # the pipeline finds «Владимир Путин», «Москву», «Сергей Лавров», «Берлине»
    assert figures["PER"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert figures["LOC"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert figures["ORG"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert figures["micro"] == {"precision": 0.75, "recall": 0.6, "f1": 0.6667, "support": 5}
    assert figures["overlap"]["PER"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert figures["overlap"]["micro"] == {"precision": 1.0, "recall": 0.8, "f1": 0.8889, "support": 5}


def test_eval_ner_table_and_bare_tagger(tmp_path, models):
    result = runner.invoke(app, ["eval", "ner", str(write_gold(tmp_path)), "--tagger", "bare"])
    assert result.exit_code == 0, result.output
    assert "bare on" in result.output and "micro" in result.output and "0.667" in result.output


def test_eval_ner_usage_errors(tmp_path):
    missing = runner.invoke(app, ["eval", "ner", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "gold file does not exist" in missing.output
    wrong = runner.invoke(app, ["eval", "ner", str(write_gold(tmp_path)), "--format", "xml"])
    assert wrong.exit_code == 2 and "'xml' is not one of 'table', 'json'" in wrong.output
    tagger = runner.invoke(app, ["eval", "ner", str(write_gold(tmp_path)), "--tagger", "mine"])
    assert tagger.exit_code == 2 and "'mine' is not one of 'pipeline', 'bare'" in tagger.output
    events = runner.invoke(app, ["eval", "events", str(tmp_path / "none.toml"), "--format", "json"])
    assert events.exit_code == 2 and "gold file does not exist" in events.output


def test_eval_ner_reads_a_brat_folder(tmp_path, models):
    text = "Сергей Лавров встретился с послом в Берлине."
    (tmp_path / "1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "1.ann").write_text("T1\tPERSON 0 13\tСергей Лавров\nT2\tCITY 36 43\tБерлине\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "ner", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["PER"]["support"] == 1 and figures["LOC"]["support"] == 1 and figures["micro"]["f1"] == 1.0


def test_eval_events_on_real_news_gold_needs_the_corpus():
    from flows.settings import PROJECT_ROOT

    result = runner.invoke(app, ["eval", "events", str(PROJECT_ROOT / "tests" / "gold" / "events_news_bulk.toml")])
    assert result.exit_code == 2 and "give it with --corpus FILE" in result.output
