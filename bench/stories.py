"""Stories on real text: run the pipeline over a corpus's first articles, then print what a person judges.

Usage: python -m bench.stories CORPUS [--n 1000] [--db FILE] [--lake DIR] [--sample 30] [--seed 1]
       [--threshold X] [--window DAYS]

Writes the corpus's first --n records to a file beside --db, runs `newsetl run` over it (unless --db
exists: then it only reports), and prints: the run's seconds of assign-stories against the tagging
stages (the workers' seconds, summed); how many stories, of what sizes; --sample random stories of
two or more articles (title, outlet and time of each article) to judge whether each is one happening;
and --sample random pairs of articles in different stories, within the window, whose pair score
(cosine of their document vectors plus the entity bonus) is just below the threshold (within 0.1),
to judge whether they should have been together. docs/stories.md holds the judgements.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np

from transforms import stories

TAGGING = ("tag-entities", "tag-dates", "tag-events")


def first_records(corpus: str, n: int, out: Path) -> None:
    opener = gzip.open if corpus.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as source, out.open("w", encoding="utf-8") as target:
        for i, line in enumerate(source):
            if i >= n:
                break
            target.write(line)


def pair_score(a: dict, b: dict, rarity: dict[str, float]) -> float:
    """An article-to-article score as the assignment computes article-to-story ones (b as a one-article story)."""
    cosine = float(np.dot(a["vector"], b["vector"]))
    if not a["entities"]:
        return cosine
    weights = {e: rarity.get(stories.ENTITY_TERM + e, 1.0) for e in a["entities"]}
    shared = sum(w for e, w in weights.items() if e in set(b["entities"]))
    return cosine + stories.ENTITY_BONUS * shared / sum(weights.values())


def report(db: Path, sample: int, seed: int, threshold: float, window_days: float) -> None:
    con = duckdb.connect(str(db), read_only=True)
    (stage_seconds,) = con.execute("SELECT stage_seconds FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    seconds = json.loads(stage_seconds)
    tagging = sum(seconds.get(stage, 0.0) for stage in TAGGING)
    assign = seconds.get("assign-stories", 0.0)
    print(f"assign-stories {assign:.2f} s, tagging {tagging:.2f} s (workers' seconds): {assign / tagging:.1%}")
    print(f"load {seconds.get('load', 0.0):.2f} s (includes storing the stories)")
    sizes = Counter(n for (n,) in con.execute("SELECT n_articles FROM stories").fetchall())
    n_articles = sum(k * v for k, v in sizes.items())
    print(f"{n_articles} articles in {sum(sizes.values())} stories; sizes: {dict(sorted(sizes.items()))}")
    (merges,) = con.execute("SELECT count(*) FROM story_merges").fetchone()
    print(f"{merges} merges")
    rng = random.Random(seed)

    multi = [row[0] for row in con.execute("SELECT story_id FROM stories WHERE n_articles >= 2 ORDER BY 1").fetchall()]
    print(f"\n== {min(sample, len(multi))} random stories of two or more articles (of {len(multi)})")
    for number, story_id in enumerate(sorted(rng.sample(multi, min(sample, len(multi)))), start=1):
        rows = con.execute(
            "SELECT position, source, published_at, title, joined_by, score FROM story_timeline "
            "WHERE story_id = $s ORDER BY position",
            {"s": story_id},
        ).fetchall()
        print(f"S{number} {story_id}")
        for position, source, when, title, how, score in rows:
            note = f"{how} {score:.3f}" if score is not None else how
            print(f"   {position}. {source} {when:%Y-%m-%d %H:%M} [{note}] {title}")

    articles = [
        {"article_id": a, "story_id": s, "vector": np.asarray(v), "when": w, "title": t, "source": src}
        for a, s, v, w, t, src in con.execute(
            "SELECT sa.article_id, sa.story_id, sa.vector, a.published_at, a.title, a.source "
            "FROM story_articles sa JOIN articles a USING (article_id) "
            "WHERE a.published_at IS NOT NULL AND a.duplicate_of IS NULL ORDER BY 1"
        ).fetchall()
    ]
    mentions = con.execute(
        "SELECT article_id, article_entity_id FROM mentions ORDER BY article_id, start"
    ).to_arrow_table()
    entities = stories.main_entities(mentions.rename_columns(["article_id", "entity_id"]))
    (n_documents,) = con.execute("SELECT count(*) FROM story_articles").fetchone()
    rarity = {
        term: stories.idf(n, n_documents)
        for term, n in con.execute("SELECT term, n_articles FROM story_terms WHERE term LIKE '@%'").fetchall()
    }
    for article in articles:
        article["entities"] = entities.get(article["article_id"], [])
    window = window_days * 86400
    near = []
    for i, a in enumerate(articles):
        for b in articles[i + 1 :]:
            if a["story_id"] == b["story_id"] or abs((a["when"] - b["when"]).total_seconds()) > window:
                continue
            score = max(pair_score(a, b, rarity), pair_score(b, a, rarity))
            if threshold - 0.1 <= score < threshold:
                near.append((score, a, b))
    print(f"\n== {min(sample, len(near))} random pairs in different stories scoring in [{threshold - 0.1:.2f}, "
          f"{threshold:.2f}) (of {len(near)})")  # fmt: skip
    for number, (score, a, b) in enumerate(sorted(rng.sample(near, min(sample, len(near))), key=lambda p: -p[0]), 1):
        print(f"P{number} {score:.3f}\n   {a['source']} {a['when']:%Y-%m-%d} {a['title']}\n"
              f"   {b['source']} {b['when']:%Y-%m-%d} {b['title']}")  # fmt: skip
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/newsetl-stories/news.duckdb"))
    parser.add_argument("--lake", default=None)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=stories.DEFAULT_THRESHOLD)
    parser.add_argument("--window", type=float, default=stories.DEFAULT_WINDOW_DAYS)
    args = parser.parse_args()
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        records = args.db.with_suffix(".input.jsonl")
        first_records(args.corpus, args.n, records)
        lake = args.lake or str(args.db.with_suffix(".lake"))
        command = [str(Path(sys.executable).parent / "newsetl"), "run", str(records), "--db", str(args.db), "--lake", lake,
                   "--story-threshold", str(args.threshold), "--story-window", str(args.window)]  # fmt: skip
        subprocess.run(command, check=True)
    report(args.db, args.sample, args.seed, args.threshold, args.window)


if __name__ == "__main__":
    main()
