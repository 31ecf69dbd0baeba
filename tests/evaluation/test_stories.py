"""`newsetl eval stories`: a composed warehouse and composed gold pairs, with figures worked out by hand."""

import json

import pytest
from typer.testing import CliRunner

from evaluation.stories import part_of, read_gold
from flows.cli import app
from warehouse import db

runner = CliRunner()

# (article_id, story_id, duplicate_of, content_hash)
ARTICLES = (
    ("x1", "S1", None, "h1"),
    ("x2", "S1", None, "h2"),
    ("x3", "S1", "x1", "h3"),  # a near copy of x1, in its story
    ("x4", "S3", None, "h4"),
    ("x5", "S3", None, "h5"),
    ("x6", "S6", None, "h5"),  # the same text as x5, in another story
)
# (a, b, same); record ids are "<article>:42", chosen so that the first five pairs are in the holdout
# part and the last (an article the warehouse lacks) in tune: the test pins the split.
PAIRS = (
    ("x1", "x2", True),  # system right, baseline misses it
    ("x1", "x3", True),  # both right
    ("x2", "x4", False),  # both right to keep them apart
    ("x4", "x5", False),  # system wrong, baseline right
    ("x5", "x6", True),  # system misses it, baseline right (identical text)
    ("x1", "gone", True),  # missing from the warehouse
)


def gold_text(pairs=PAIRS) -> str:
    return "".join(
        f'[[pair]]\na = "{a}:42"\nb = "{b}:42"\na_article = "{a}"\nb_article = "{b}"\nsame = {str(same).lower()}\n'
        for a, b, same in pairs
    )


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.upgrade(con)
    for article_id, story_id, duplicate_of, content_hash in ARTICLES:
        con.execute(
            "INSERT INTO articles (article_id, source, language, text, content_hash, duplicate_of, run_id) "
            "VALUES ($id, 'outlet', 'ru', 'текст', $hash, $dup, 'r1')",
            {"id": article_id, "hash": content_hash, "dup": duplicate_of},
        )
        con.execute(
            "INSERT INTO story_articles (article_id, story_id, joined_by, vector, run_id) "
            "VALUES ($id, $story, 'founded', $vector, 'r1')",
            {"id": article_id, "story": story_id, "vector": [0.0] * 300},
        )
    con.close()
    return path


def test_the_split_is_fixed_and_symmetric():
    assert [part_of(f"{a}:42", f"{b}:42") for a, b, _ in PAIRS] == ["holdout"] * 5 + ["tune"]
    assert part_of("x2:42", "x1:42") == part_of("x1:42", "x2:42")


def test_eval_stories_scores_system_and_baseline_per_part(tmp_path, warehouse):
    gold = tmp_path / "gold.toml"
    gold.write_text(gold_text(), encoding="utf-8")
    result = runner.invoke(app, ["eval", "stories", str(gold), "--db", str(warehouse), "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["tune"]["missing"] == 1 and figures["tune"]["pairs"] == 0
    holdout = figures["holdout"]
    assert (holdout["pairs"], holdout["same"], holdout["missing"]) == (5, 3, 0)
    # system joins x1-x2, x1-x3, x4-x5: 2 of 3 right, 2 of the 3 gold pairs found
    assert holdout["system"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "support": 3, "predicted": 3}
    # the baseline joins x1-x3 (a near copy) and x5-x6 (identical text): both right
    assert holdout["near_duplicates"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "support": 3, "predicted": 2}
    table = runner.invoke(app, ["eval", "stories", str(gold), "--db", str(warehouse)])
    assert table.exit_code == 0 and "holdout" in table.output and "1.000" in table.output and "0.667" in table.output


def test_bad_gold_is_refused(tmp_path, warehouse):
    gold = tmp_path / "gold.toml"
    gold.write_text(gold_text() + 'text = "an article"\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", "stories", str(gold), "--db", str(warehouse)])
    assert result.exit_code == 1 and "holds text" in result.output
    gold.write_text(gold_text(PAIRS + (("x2", "x1", False),)), encoding="utf-8")
    with pytest.raises(ValueError, match="given twice"):
        read_gold(gold)
    missing = runner.invoke(app, ["eval", "stories", str(tmp_path / "none.toml"), "--db", str(warehouse)])
    assert missing.exit_code == 2 and "gold file does not exist" in missing.output
