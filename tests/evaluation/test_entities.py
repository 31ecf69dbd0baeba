import json

import pytest

from evaluation.entities import read_gold, score


def test_strict_and_overlap_figures_by_hand():
    gold = [[(0, 14, "PER"), (20, 26, "LOC"), (30, 35, "ORG")], [(0, 5, "LOC")]]
    predicted = [[(9, 14, "PER"), (20, 26, "LOC"), (40, 45, "ORG")], [(0, 5, "LOC"), (7, 9, "PER")]]
    figures = score(gold, predicted)
    assert figures["LOC"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert figures["PER"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert figures["ORG"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # strict: 2 of 5 predictions right, 2 of 4 gold found
    assert figures["micro"] == {"precision": 0.4, "recall": 0.5, "f1": 0.4444, "support": 4}
    # overlap: «Путин» inside «Владимир Путин» counts; the stray PER and ORG do not
    assert figures["overlap"]["PER"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert figures["overlap"]["micro"] == {"precision": 0.6, "recall": 0.75, "f1": 0.6667, "support": 4}


def test_one_gold_span_matches_one_prediction_under_overlap():
    figures = score([[(0, 20, "ORG")]], [[(0, 5, "ORG"), (10, 20, "ORG")]])
    assert figures["overlap"]["ORG"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}


def test_a_broken_gold_line_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"doc_id": "1", "text": "x", "entities": []}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold.jsonl:2: not a gold document"):
        read_gold(path)
