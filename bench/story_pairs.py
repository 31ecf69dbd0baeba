"""Propose article pairs for the stories gold set (tests/gold/stories_news_bulk.toml) and print them to judge.

Usage: python -m bench.story_pairs CORPUS WAREHOUSE [--seed 22] [--per-kind a=90,b=60,c=60,d=60,e=50,f=40]
       [--text 300]
       python -m bench.story_pairs CORPUS WAREHOUSE --check GOLD

--check GOLD checks instead that each gold pair's record ids (`a`, `b`) are the records of its
article ids (`a_article`, `b_article`) as `newsetl run` computes them from CORPUS, and prints how many
of the gold's articles WAREHOUSE holds.

CORPUS holds the records WAREHOUSE was loaded from (a JSON Lines file such as the first 1,000 records
of news_bulk_dev.jsonl.gz); each pair is printed with both sides' corpus `id`, warehouse `article_id`,
source, publication time, title and the first --text characters, for a person to judge whether both
tell the same real-world happening. The system's answer is not printed beside them.

The kinds (each sampled with random.Random(seed), candidates sorted first, so the same inputs give
the same pairs; a pair is proposed once, under the first kind that takes it):
- a: pairs the system put in one story;
- b: pairs in different stories, within the story window, whose pair score (bench.stories.pair_score:
  cosine plus the entity bonus, the larger of both directions) is just below the threshold (0.1 below);
- c: pairs in different stories within the window that share a main entity rarer than 1 article in 20;
- d: pairs in different stories published the same day whose cosine is at least 0.4 but whose word
  sets (title and first 1,000 characters, words of 4 letters or more) overlap little (Jaccard < 0.1);
- e: random pairs of loaded articles;
- f: pairs in different stories within the window whose pair score reaches the threshold (kept apart
  by the entity condition, or by a story centroid that moved away from the article).
Kind f comes last so that adding it left the pairs of a to e as they were.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import duckdb
import numpy as np

from bench.stories import pair_score
from evaluation.news_events import read_articles
from transforms import stories

WORD = re.compile(r"\w{4,}")
KINDS = ("a", "b", "c", "d", "e", "f")


def load(corpus: Path, db: Path) -> list[dict]:
    """The warehouse's articles with their story, vector, main entities, corpus id, title and text."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT sa.article_id, sa.story_id, sa.vector, a.published_at, a.title, a.source, a.text "
        "FROM story_articles sa JOIN articles a USING (article_id) ORDER BY 1"
    ).fetchall()
    mentions = con.sql("SELECT article_id, article_entity_id AS entity_id FROM mentions ORDER BY article_id, start")
    entities = stories.main_entities(mentions.to_arrow_table())
    (n_documents,) = con.execute("SELECT count(*) FROM story_articles").fetchone()
    terms = con.execute("SELECT term, n_articles FROM story_terms WHERE term LIKE '@%'").fetchall()
    con.close()
    rarity = {term: stories.idf(n, n_documents) for term, n in terms}
    frequency = {term[1:]: n / n_documents for term, n in terms}
    records = read_articles(corpus, _corpus_ids(corpus))
    corpus_id = dict(
        zip(records.column("article_id").to_pylist(), records.column("corpus_id").to_pylist(), strict=True)
    )
    articles = []
    for article_id, story_id, vector, when, title, source, text in rows:
        articles.append({
            "article_id": article_id, "story_id": story_id, "vector": np.asarray(vector), "when": when,
            "title": title or "", "source": source, "text": text, "id": corpus_id.get(article_id),
            "entities": entities.get(article_id, []),
            "words": set(WORD.findall(f"{title or ''} {text[:1000]}".lower())),
        })  # fmt: skip
    for article in articles:
        article["rare"] = {e for e in article["entities"] if frequency.get(e, 1.0) < 0.05}
    return articles, rarity


def _corpus_ids(corpus: Path) -> set[str]:
    import json

    with corpus.open(encoding="utf-8") as lines:
        return {json.loads(line)["id"] for line in lines if line.strip()}


def candidates(articles: list[dict], rarity: dict, threshold: float, window_days: float) -> dict[str, list]:
    """Candidate pairs (index, index) of each kind, sorted."""
    kinds = {kind: [] for kind in KINDS}
    window = window_days * 86400
    for i, a in enumerate(articles):
        for j in range(i + 1, len(articles)):
            b = articles[j]
            if a["story_id"] == b["story_id"]:
                kinds["a"].append((i, j))
                continue
            if a["when"] is None or b["when"] is None:
                continue
            apart = abs((a["when"] - b["when"]).total_seconds())
            if apart > window:
                continue
            score = max(pair_score(a, b, rarity), pair_score(b, a, rarity))
            if threshold - 0.1 <= score < threshold:
                kinds["b"].append((i, j))
            elif score >= threshold:
                kinds["f"].append((i, j))
            if a["rare"] & b["rare"]:
                kinds["c"].append((i, j))
            if a["when"].date() == b["when"].date() and float(np.dot(a["vector"], b["vector"])) >= 0.4:
                shared = len(a["words"] & b["words"]) / max(1, len(a["words"] | b["words"]))
                if shared < 0.1:
                    kinds["d"].append((i, j))
    kinds["e"] = [(i, j) for i in range(len(articles)) for j in range(i + 1, len(articles))]
    return kinds


def propose(kinds: dict[str, list], per_kind: dict[str, int], seed: int) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    taken: set[tuple[int, int]] = set()
    pairs = []
    for kind in KINDS:
        pool = [p for p in kinds[kind] if p not in taken]
        for pair in rng.sample(pool, min(per_kind.get(kind, 0), len(pool))):
            taken.add(pair)
            pairs.append((kind, *pair))
    return pairs


def check(corpus: Path, db: Path, gold: Path) -> None:
    """Exit non-zero when a gold pair's record id and article id name different articles."""
    from evaluation.stories import read_gold

    pairs = read_gold(gold)
    records = read_articles(corpus, {p[side] for p in pairs for side in ("a", "b")})
    article_of = dict(
        zip(records.column("corpus_id").to_pylist(), records.column("article_id").to_pylist(), strict=True)
    )
    wrong = [p for p in pairs for side in ("a", "b") if article_of[p[side]] != p[f"{side}_article"]]
    con = duckdb.connect(str(db), read_only=True)
    held = {row[0] for row in con.execute("SELECT article_id FROM story_articles").fetchall()}
    con.close()
    named = set(article_of.values())
    print(
        f"{len(pairs)} pairs, {len(named)} articles, {len(named & held)} of them in the warehouse, {len(wrong)} wrong ids"
    )
    for pair in wrong:
        print(f"  {pair['a']} {pair['a_article']} / {pair['b']} {pair['b_article']}")
    if wrong:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--per-kind", default="a=90,b=60,c=60,d=60,e=50,f=40")
    parser.add_argument("--text", type=int, default=300)
    parser.add_argument("--check", type=Path, metavar="GOLD")
    parser.add_argument("--threshold", type=float, default=stories.DEFAULT_THRESHOLD)
    parser.add_argument("--window", type=float, default=stories.DEFAULT_WINDOW_DAYS)
    args = parser.parse_args()
    if args.check:
        check(args.corpus, args.warehouse, args.check)
        return
    per_kind = {k: int(n) for k, n in (item.split("=") for item in args.per_kind.split(","))}
    articles, rarity = load(args.corpus, args.warehouse)
    kinds = candidates(articles, rarity, args.threshold, args.window)
    print("candidates: " + ", ".join(f"{k} {len(v)}" for k, v in kinds.items()))
    for number, (kind, i, j) in enumerate(propose(kinds, per_kind, args.seed), start=1):
        print(f"\n#{number:03d} kind={kind}")
        for side in (articles[i], articles[j]):
            when = f"{side['when']:%Y-%m-%d %H:%M}" if side["when"] else "undated"
            text = " ".join(side["text"][: args.text].split())
            print(f"  id={side['id']} article_id={side['article_id']} {side['source']} {when}")
            print(f"    {side['title']} | {text}")


if __name__ == "__main__":
    main()
