"""Tagging speed: the foundation's tagging (segment, morph, NER, normalize) beside the pipeline's, in one run.

Usage: python bench/entities_speed.py ARTICLES.jsonl [N] [--baseline DIR] [--rounds R]
       (JSON Lines with a `text` field; first N, default 300)

The pipeline adds span repair, the re-tagger, syntax (only for sentences
holding a multi-word organisation), name parsing and resolution; a third line
parses syntax for every sentence, as `Doc.parse_syntax` would, to show what the
restriction saves. Figures are articles per second on one core.

With --baseline DIR (a checkout of another version of this project, e.g.
`git archive main | tar -x -C DIR`), it instead times the pipeline's tagging
(`tag_article` over the same N articles) of DIR's code against this one's, in
alternating fresh processes (R rounds, default 3; the order swaps each round),
models loaded and warmed up before the clock starts, and prints each round's
CPU seconds (and wall seconds) and their ratio: on a shared machine only a
ratio measured in one run means anything, and CPU time drifts less than wall
time when other jobs compete for the cores.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows.settings import configure_environment

configure_environment()

from natasha import Doc  # noqa: E402

from transforms.entities import tag_article  # noqa: E402
from transforms.models import load_models  # noqa: E402


def natasha_tagging(text, models, *, syntax: bool):
    """Segment, morph, NER and normalize, as the foundation did; `syntax` parses every sentence first."""
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_morph(models.morph_tagger)
    if syntax:
        doc.parse_syntax(models.syntax_parser)
    doc.tag_ner(models.ner_tagger)
    for span in doc.spans:
        span.normalize(models.morph_vocab)
    return doc.spans


def read_texts(path: str, limit: int) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        rows = (json.loads(line) for line in lines if line.strip())
        return [row["text"] for row in itertools.islice((r for r in rows if r.get("text")), limit)]


def main(path: str, limit: int) -> None:
    texts = read_texts(path, limit)
    models = load_models()
    natasha_tagging("Прогрев моделей.", models, syntax=False)
    print(f"{len(texts)} articles from {path} ({sum(map(len, texts)) / len(texts):.0f} characters on average)")
    for name, tag in (
        ("foundation (no syntax)", functools.partial(natasha_tagging, syntax=False)),
        ("pipeline (syntax for ORG sentences)", tag_article),
        ("every sentence parsed for syntax", functools.partial(natasha_tagging, syntax=True)),
    ):
        failures = 0
        started = time.perf_counter()
        for text in texts:
            try:
                tag(text, models)
            except Exception:  # counted, as the pipeline quarantines such an article
                failures += 1
        elapsed = time.perf_counter() - started
        print(f"{name:38} {len(texts) / elapsed:6.1f} articles/s  ({elapsed:.1f} s, {failures} failed)")


# Run in a fresh process with one version's code first on the path: the seconds its tag_article takes.
TIMER = """
import json, sys, time
import transforms
from transforms.entities import tag_article
from transforms.models import load_models
texts = json.load(open(sys.argv[1], encoding="utf-8"))
models = load_models()
tag_article("Прогрев моделей.", models)
failed = 0
started, cpu = time.perf_counter(), time.process_time()
for text in texts:
    try:
        tag_article(text, models)
    except Exception:
        failed += 1
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "failed": failed,
                  "code": transforms.__file__}))
"""


def _time_version(code_dir: Path, texts_file: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    done = subprocess.run(
        [sys.executable, "-c", TIMER, texts_file], cwd=code_dir, env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["code"].startswith(str(code_dir.resolve())):
        raise RuntimeError(f"{code_dir}: the timed code came from {result['code']}")
    return result


def against_baseline(path: str, limit: int, baseline: Path, rounds: int) -> None:
    texts = read_texts(path, limit)
    here = Path(__file__).resolve().parent.parent
    print(f"tag_article over {len(texts)} articles from {path}: {baseline} (baseline) against {here} (this)")
    ratios = []
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as texts_file:
        json.dump(texts, texts_file, ensure_ascii=False)
        texts_file.flush()
        for n in range(rounds):
            order = [("baseline", baseline.resolve()), ("this", here)]
            timed = {name: _time_version(code, texts_file.name) for name, code in order[:: 1 - 2 * (n % 2)]}
            base, this = timed["baseline"], timed["this"]
            ratios.append(this["cpu"] / base["cpu"])
            print(
                f"round {n + 1}: baseline {base['cpu']:.1f} s CPU ({base['seconds']:.1f} s wall), "
                f"this {this['cpu']:.1f} s CPU ({this['seconds']:.1f} s wall), ratio {ratios[-1]:.3f}"
            )
    print(f"median CPU-time ratio this/baseline: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("articles", help="JSON Lines with a `text` field")
    parser.add_argument("n", nargs="?", type=int, default=300, help="how many articles (the first N)")
    parser.add_argument("--baseline", type=Path, help="a checkout of another version to time against")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.baseline:
        against_baseline(args.articles, args.n, args.baseline, args.rounds)
    else:
        main(args.articles, args.n)
