"""Throughput benchmark: bare natasha in one process vs the whole pipeline on every core.

Measured in the same run, over N articles of a JSON Lines file (the first N,
those after the first K with --skip K, or one in every E with --every E):
- bare natasha: segment + morphology + NER + span normalization, one process,
  a plain loop (the linguistic work the pipeline needs, nothing else), on one
  core: OpenBLAS limited to one thread (printed too with its default of one
  thread per core, which spreads natasha's matrix products over every core);
- the pipeline: `newsetl run` end to end (extract to load, every stage on),
  timed from the `runs` row (started_at to finished_at), so Prefect's server
  start is not counted;
- their ratio, and the peak memory of each (the pipeline's: the flow process
  plus its tagging workers, summed, sampled every 0.2 s; Prefect's own server
  process is reported apart).

Bare natasha (one BLAS thread) runs right before the pipeline and again right
after it, and the ratio is against the mean of the two: a machine whose speed
drifts over the minutes of the bench slows or speeds both sides alike, and the
two figures show by how much it drifted.

Example: .venv/bin/python -m bench.throughput --n 2000
         .venv/bin/python -m bench.throughput --pipeline-only --n 1000 --skip 5000
         .venv/bin/python -m bench.throughput --pipeline-only --n 1000 --every 6
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import psutil

from bench import history

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSONL = PROJECT_ROOT.parent / "shared" / "corpora" / "news_bulk_dev.jsonl.gz"


def copy_lines(path: Path, n: int, target: Path, skip: int = 0, every: int = 1) -> int:
    """Copy `n` non-blank lines of a (possibly gzipped) JSONL file, after the first `skip`, one in every `every`;
    return how many."""
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    count = seen = 0
    with opener(path, "rt", encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for line in source:
            if count == n:
                break
            if not line.strip():
                continue
            seen += 1
            if seen <= skip or (seen - skip - 1) % every:
                continue
            out.write(line if line.endswith("\n") else line + "\n")
            count += 1
    return count


def bare_natasha(jsonl: Path, blas_threads: int | None) -> tuple[int, float]:
    """Tag every article's text with natasha in a plain loop; return (articles, seconds).

    `blas_threads` limits OpenBLAS's threads (None: its default, one per core).
    """
    from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter
    from threadpoolctl import threadpool_limits

    embedding = NewsEmbedding()
    segmenter, morph_vocab = Segmenter(), MorphVocab()
    morph_tagger, ner_tagger = NewsMorphTagger(embedding), NewsNERTagger(embedding)
    texts = [json.loads(line).get("text") or "" for line in jsonl.read_text(encoding="utf-8").splitlines()]
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        started = time.perf_counter()
        for text in texts:
            doc = Doc(text)
            doc.segment(segmenter)
            doc.tag_morph(morph_tagger)
            doc.tag_ner(ner_tagger)
            for span in doc.spans:
                span.normalize(morph_vocab)
        return len(texts), time.perf_counter() - started


def is_prefect_server(process: psutil.Process) -> bool:
    """Whether the process is Prefect's server (psutil.Error when its command line cannot be read)."""
    command = " ".join(process.cmdline())
    return "uvicorn" in command or "prefect.server" in command or " server start" in command


class PeakMemory(threading.Thread):
    """Samples a process tree: resident memory (pipeline processes summed, server apart) and CPU seconds by role."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.every = every
        self.peak_pipeline = 0
        self.peak_server = 0
        self.peak_processes = 0
        self.peak_pss_total = 0  # proportional set size, every process of the tree (server included), summed
        self.cpu_seconds: dict[int, tuple[str, float]] = {}  # pid -> (role, last CPU seconds seen)
        self.peak_by_role: dict[str, int] = {}  # role -> peak resident memory, its processes summed
        self.done = threading.Event()

    def role(self, process: psutil.Process) -> str:
        """flow, workers or Prefect server; asked at every sample (a process's command line changes at exec)."""
        if process.pid == self.root.pid:
            return "flow"
        return "Prefect server" if is_prefect_server(process) else "workers"

    def run(self) -> None:
        while not self.done.is_set():
            pipeline = server = processes = pss_total = 0
            by_role: dict[str, int] = {}
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for process in tree:
                try:
                    memory = process.memory_full_info()  # smaps_rollup: rss, and pss
                    rss = memory.rss
                    pss_total += memory.pss
                    cpu = process.cpu_times()
                    role = self.role(process)
                    self.cpu_seconds[process.pid] = (role, cpu.user + cpu.system)
                except psutil.Error:
                    continue
                by_role[role] = by_role.get(role, 0) + rss
                if role == "Prefect server":
                    server += rss
                else:
                    pipeline += rss
                    processes += 1
            self.peak_pipeline = max(self.peak_pipeline, pipeline)
            self.peak_server = max(self.peak_server, server)
            self.peak_processes = max(self.peak_processes, processes)
            self.peak_pss_total = max(self.peak_pss_total, pss_total)
            for role, rss in by_role.items():
                self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
            self.done.wait(self.every)

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds per role (as last sampled: a process's last 0.2 s before it exits is missed)."""
        totals: dict[str, float] = {}
        for role, seconds in self.cpu_seconds.values():
            totals[role] = totals.get(role, 0.0) + seconds
        return totals


def pipeline(jsonl: Path, workdir: Path, workers: int | None, batch_size: int, batch_chars: int | None) -> dict:
    """Run `newsetl run` on the file; return its counts, seconds (from the runs row) and peak memory."""
    db_path = workdir / "bench.duckdb"
    command = [
        str(Path(sys.executable).with_name("newsetl")), "run", str(jsonl),
        "--db", str(db_path), "--lake", str(workdir / "lake"), "--batch-size", str(batch_size),
    ]  # fmt: skip
    if workers:
        command += ["--workers", str(workers)]
    if batch_chars:
        command += ["--batch-chars", str(batch_chars)]
    log = (workdir / "run.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    sampler = PeakMemory(process.pid)
    sampler.start()
    try:
        code = process.wait()
    finally:  # interrupted: leave no run or worker behind
        sampler.done.set()
        sampler.join()
        for leftover in (
            [*psutil.Process(process.pid).children(recursive=True), process] if process.poll() is None else []
        ):
            leftover.kill()
    if code != 0:
        raise SystemExit(f"the pipeline run failed (exit {code}); see {workdir / 'run.log'}")
    con = duckdb.connect(str(db_path), read_only=True)
    n_read, n_loaded, seconds = con.execute(
        "SELECT n_read, n_loaded, epoch(finished_at) - epoch(started_at) FROM runs"
    ).fetchone()
    con.close()
    stage_lines = [
        line.split(" - ", 1)[-1] for line in (workdir / "run.log").read_text().splitlines() if " in, " in line
    ]
    return {
        "stages": stage_lines,
        "n_read": n_read,
        "n_loaded": n_loaded,
        "seconds": seconds,
        "peak_pipeline": sampler.peak_pipeline,
        "peak_server": sampler.peak_server,
        "peak_pss_total": sampler.peak_pss_total,
        "processes": sampler.peak_processes,
        "cpu_by_role": sampler.cpu_by_role(),
        "peak_by_role": sampler.peak_by_role,
    }


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL, help="JSON Lines articles (gzip allowed)")
    parser.add_argument(
        "--n",
        type=int,
        default=2000,
        help="articles to read (from the start of the file, after --skip, one in every --every)",
    )
    parser.add_argument(
        "--skip", type=int, default=0,
        help="articles to pass over first (compare memory over as many articles taken from elsewhere in the file)",
    )  # fmt: skip
    parser.add_argument(
        "--every", type=int, default=1,
        help="take one article in every E (compare memory over fewer articles of the same mix as the whole file)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=None, help="tagging processes (default: one per core)")
    parser.add_argument(
        "--batch-size", type=int, default=200,
        help="articles per batch (as `newsetl run`); keep N / batch size well above the workers, or they idle",
    )  # fmt: skip
    parser.add_argument(
        "--batch-chars",
        type=int,
        default=None,
        help="characters per batch at most (as `newsetl run`; default: its default)",
    )
    parser.add_argument("--pipeline-only", action="store_true", help="skip bare natasha (memory checks at large N)")
    args = parser.parse_args()
    if not args.jsonl.exists():
        raise SystemExit(f"no articles at {args.jsonl}: pass --jsonl FILE")
    if args.every < 1:
        raise SystemExit("--every takes a positive number")
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
        workdir = Path(tmp)
        subset = workdir / "articles.jsonl"
        n = copy_lines(args.jsonl, args.n, subset, args.skip, args.every)
        cores = len(os.sched_getaffinity(0))
        where = f"articles {args.skip + 1} to {args.skip + n}" if args.skip else f"{n} articles"
        if args.every > 1:
            where = f"{n} articles, one in every {args.every} after the first {args.skip}"
        print(f"{where} from {args.jsonl}; {cores} cores; load average {os.getloadavg()[0]:.2f} at start")
        bare_rates: list[float] = []
        bare_peak = 0

        def measure_bare(when: str) -> None:  # each run loads the models afresh, so both start alike
            n_bare, bare_seconds = bare_natasha(subset, blas_threads=1)
            bare_rates.append(n_bare / bare_seconds)
            label = f"bare natasha, {when}:"
            print(
                f"{label:<29}{bare_rates[-1]:7.1f} articles/s  ({n_bare} in {bare_seconds:.1f} s, 1 process, 1 BLAS thread)"
            )

        if not args.pipeline_only:
            measure_bare("before")
            bare_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # one copy of the models
        result = pipeline(subset, workdir, args.workers, args.batch_size, args.batch_chars)
        rate = result["n_read"] / result["seconds"]
        print(
            f"pipeline, end to end:        {rate:7.1f} articles/s  ({result['n_read']} read, {result['n_loaded']} loaded "
            f"in {result['seconds']:.1f} s)"
        )
        print(
            f"pipeline peak memory:        {mib(result['peak_pipeline'])} over {result['processes']} processes "
            f"(flow + tagging workers); Prefect server {mib(result['peak_server'])}"
        )
        print(
            f"  shared pages counted once:  {mib(result['peak_pss_total'])} over every process, Prefect server included "
            "(peak of the summed proportional set sizes: a page two processes share counts half in each)"
        )
        peaks = result["peak_by_role"]
        print("  peak by role: " + ", ".join(f"{role} {mib(peak)}" for role, peak in sorted(peaks.items())))
        cpu = result["cpu_by_role"]
        print(
            f"pipeline CPU seconds:        {sum(cpu.values()):.1f} on {cores} cores over {result['seconds']:.1f} s of wall time ("
            + ", ".join(f"{role} {seconds:.1f}" for role, seconds in sorted(cpu.items()))
            + "; process start included)"
        )
        for line in result["stages"]:
            print(f"  {line}")
        if not args.pipeline_only:
            measure_bare("after")
            bare_rate = sum(bare_rates) / len(bare_rates)
            print(
                f"bare natasha, 1 process:     {bare_rate:7.1f} articles/s  (mean of before and after, "
                f"which differ by {abs(bare_rates[1] - bare_rates[0]) / bare_rate:.0%}; peak {mib(bare_peak)})"
            )
            n_bare, bare_seconds = bare_natasha(subset, blas_threads=None)
            bare_rate_all_threads = n_bare / bare_seconds
            print(
                f"  same, OpenBLAS threads on:  {bare_rate_all_threads:7.1f} articles/s  ({n_bare} in {bare_seconds:.1f} s; "
                "its matrix products then use every core)"
            )
            print(f"ratio pipeline / bare:       {rate / bare_rate:7.2f}  (target on 2 cores: >= 2.0)")
            print(f"  against bare with OpenBLAS threads on: {rate / bare_rate_all_threads:.2f}")
        print(f"load average at the end {os.getloadavg()[0]:.2f} (other work on the machine slows both sides)")
        figures = {
            "n_articles": result["n_read"],
            "pipeline_rate": round(rate, 2),
            "wall_seconds": round(result["seconds"], 1),
            "peak_mib": round(result["peak_pipeline"] / 2**20),
            "server_peak_mib": round(result["peak_server"] / 2**20),
            "peak_pss_total_mib": round(result["peak_pss_total"] / 2**20),
            "batch_size": args.batch_size,
            "skip": args.skip,
            "every": args.every,
        }
        if not args.pipeline_only:
            figures |= {"bare_natasha_rate": round(bare_rate, 2), "ratio": round(rate / bare_rate, 3)}
        history.record("throughput", figures)
        print(f"recorded in {history.HISTORY.relative_to(PROJECT_ROOT)} (`make bench-report` prints the history)")


if __name__ == "__main__":
    main()
