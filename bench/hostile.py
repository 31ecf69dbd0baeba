"""A run over the hostile corpus (tests/hostile/make_corpus.py) against runs over the bundled examples, same session.

Usage: python -m bench.hostile [--workers N]

Writes the corpus into a temporary directory, then runs `newsetl run` three
times, each on a fresh warehouse: the examples, the hostile corpus, the
examples again (how much the machine drifted meanwhile). For each: records
read, loaded, duplicates, quarantined by stage, the run's seconds (its `runs`
row: Prefect's server start not counted), the seconds per stage, and the peak
memory of the flow and its tagging workers (sampled every 0.2 s, Prefect's
server apart). In the hostile corpus, the dump that the test cuts while it is
read is read whole here (nothing cuts it). Then `newsetl check` on each warehouse and lake.

Example: .venv/bin/python -m bench.hostile --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from bench.throughput import PROJECT_ROOT, mib, pipeline

COUNTS = (
    "n_read",
    "n_loaded",
    "n_duplicates",
    "n_quarantined",
    "n_quarantined_extract",
    "n_quarantined_normalize",
    "n_quarantined_tag",
    "n_quarantined_validate",
)


def measure(name: str, inputs: Path, workdir: Path, workers: int) -> dict:
    workdir.mkdir()
    result = pipeline(inputs, workdir, workers, batch_size=200, batch_chars=None)
    con = duckdb.connect(str(workdir / "bench.duckdb"), read_only=True)
    row = con.execute(f"SELECT {', '.join(COUNTS)}, stage_seconds FROM runs").fetchone()  # noqa: S608 (fixed names)
    con.close()
    counts = dict(zip(COUNTS, row[:-1], strict=True))
    stages = sorted(json.loads(row[-1]).items(), key=lambda item: -item[1])[:6]
    print(
        f"{name}: {counts['n_read']} read = {counts['n_loaded']} loaded + {counts['n_duplicates']} duplicates + "
        f"{counts['n_quarantined']} quarantined (extract {counts['n_quarantined_extract']}, normalize "
        f"{counts['n_quarantined_normalize']}, tagging {counts['n_quarantined_tag']}, validate "
        f"{counts['n_quarantined_validate']}); {result['seconds']:.1f} s; peak {mib(result['peak_pipeline'])} "
        f"(flow {mib(result['peak_by_role'].get('flow', 0))}, workers {mib(result['peak_by_role'].get('workers', 0))})"
    )
    print("  slowest stages: " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages))
    check = subprocess.run(
        [str(Path(sys.executable).with_name("newsetl")), "check", "--db", str(workdir / "bench.duckdb"),
         "--lake", str(workdir / "lake")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    print(f"  newsetl check: exit {check.returncode}, {check.stdout.strip().splitlines()[-1]}")
    return result


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--workers", type=int, default=1)
    options = args.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsetl-hostile-") as directory:
        root = Path(directory)
        corpus = root / "corpus"
        subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "tests" / "hostile" / "make_corpus.py"), str(corpus)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        examples = root / "examples"
        shutil.copytree(PROJECT_ROOT / "examples" / "articles", examples)
        measure("examples", examples, root / "examples-run", options.workers)
        measure("hostile corpus", corpus, root / "hostile-run", options.workers)
        measure("examples again", examples, root / "examples-again", options.workers)


if __name__ == "__main__":
    main()
