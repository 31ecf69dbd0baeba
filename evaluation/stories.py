"""Scoring story assignment against gold pairs of articles (tests/gold/stories_news_bulk.toml).

Each gold pair names two articles (corpus record ids `a`, `b`; warehouse ids `a_article`,
`b_article`) and says whether they tell the same real-world happening (`same`). Each pair belongs to
one part, `tune` or `holdout` (`part_of`, a fixed split). For each part, two predictors are scored
pairwise (`score`):
- `system`: the pair is together when both articles have the same `story_id` in story_articles;
- `near_duplicates`, the baseline: together only when one article is the other's `duplicate_of`,
  both are near copies of one original, or both have the same `content_hash` (identical text).
A pair is *predicted* when a predictor puts it together; precision = predicted pairs that are gold
same / predicted pairs, recall = gold same pairs predicted / gold same pairs (evaluation.metrics).
`predicted` says how many pairs a predictor joined: with none, its precision (0.0) is undefined.
Pairs with an article the warehouse lacks are counted in `missing`, not scored.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path

from evaluation.metrics import precision_recall_f1

PARTS = ("tune", "holdout")
PREDICTORS = ("system", "near_duplicates")
SPLIT_SALT = "stories-gold-22"  # the fixed seed of the split: changing it would put tuned-on pairs in the holdout
FIELDS = ("a", "b", "a_article", "b_article", "same")


def part_of(a: str, b: str) -> str:
    """`tune` or `holdout`: the parity of the SHA-1 of SPLIT_SALT + the two record ids, sorted, joined by "|"."""
    key = SPLIT_SALT + "|".join(sorted((a, b)))
    return PARTS[int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2]


def read_gold(path: Path) -> list[dict]:
    """The gold pairs of a TOML file in the format of stories_news_bulk.toml, each with its `part`.

    Raises ValueError on a pair without its fields, with a non-boolean `same`, with text of its own,
    or given twice.
    """
    pairs, seen = [], set()
    for number, pair in enumerate(tomllib.loads(path.read_text(encoding="utf-8")).get("pair", []), start=1):
        missing = [field for field in FIELDS if field not in pair]
        if missing or "text" in pair:
            raise ValueError(f"pair {number}: " + (f"lacks {', '.join(missing)}" if missing else "holds text"))
        if not isinstance(pair["same"], bool):
            raise ValueError(f"pair {number}: `same` must be true or false")
        key = frozenset((pair["a_article"], pair["b_article"]))
        if key in seen or len(key) < 2:
            raise ValueError(f"pair {number}: {pair['a']} and {pair['b']} are the same article or given twice")
        seen.add(key)
        pairs.append({**pair, "part": part_of(pair["a"], pair["b"])})
    if not pairs:
        raise ValueError(f"{path}: no [[pair]]")
    return pairs


def together(a: Mapping, b: Mapping) -> dict[str, bool]:
    """Whether each predictor puts two articles in one story; each is {article_id, story_id, duplicate_of, content_hash}."""
    copies = (
        a["duplicate_of"] == b["article_id"]
        or b["duplicate_of"] == a["article_id"]
        or (a["duplicate_of"] is not None and a["duplicate_of"] == b["duplicate_of"])
        or a["content_hash"] == b["content_hash"]
    )
    return {"system": a["story_id"] == b["story_id"], "near_duplicates": copies}


def score(pairs: list[dict], articles: Mapping[str, Mapping]) -> dict:
    """Per part: {"pairs", "same", "missing", "system": {precision, recall, f1, support, predicted}, "near_duplicates"}.

    `articles` maps a warehouse article_id to its {article_id, story_id, duplicate_of, content_hash};
    `pairs` as read_gold gives them.
    """
    figures = {}
    for part in PARTS:
        counts = {name: {"right": 0, "predicted": 0} for name in PREDICTORS}
        scored = same = missing = 0
        for pair in (p for p in pairs if p["part"] == part):
            a, b = articles.get(pair["a_article"]), articles.get(pair["b_article"])
            if a is None or b is None:
                missing += 1
                continue
            scored += 1
            same += pair["same"]
            for name, joined in together(a, b).items():
                counts[name]["predicted"] += joined
                counts[name]["right"] += joined and pair["same"]
        figures[part] = {"pairs": scored, "same": same, "missing": missing}
        for name in PREDICTORS:
            right, predicted = counts[name]["right"], counts[name]["predicted"]
            figures[part][name] = {**precision_recall_f1(right, predicted, same), "predicted": predicted}
    return figures
