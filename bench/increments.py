"""Scheduled increments: `newsetl serve` over a folder that gets 50 new articles before each of ten runs.

What a data engineer's schedule does every 15 minutes, timed run by run:
- a private Prefect server (`newsetl ui`) on a free port of 127.0.0.1, its
  database in a temporary PREFECT_HOME;
- `newsetl serve` on a temporary folder (warehouse and lake beside it), as a
  user starts it (with --warm: its warm tagging workers, `--warm-workers`);
- then, --runs times: --per-run new articles (taken in order from the corpus)
  dropped into the folder as one JSON Lines file, the served deployment
  triggered (a triggered run of a served deployment costs what a scheduled one
  costs: the same process starts it the same way), and its completion awaited.

Printed per run: its wall time from the moment serve picked it up (Pending)
to its end, as the Prefect API records them (this includes the fresh process
Prefect starts for each run); Prefect's own Running→end; the `runs` row's
started_at→finished_at; the articles read and loaded. Bare natasha's speed
over the same articles is measured in the same session (one process, one
BLAS thread), so the seconds can be compared across machines.

Everything started is stopped at the end, also on Ctrl-C or a failure.

Example: .venv/bin/python -m bench.increments ../shared/corpora/news_bulk_dev.jsonl.gz
         .venv/bin/python -m bench.increments CORPUS --runs 3 --warm     (serve --warm-workers)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import httpx

from bench import history
from bench.throughput import DEFAULT_JSONL, bare_natasha
from flows.startup import free_port

BIN = Path(sys.executable).parent
DEPLOYMENT = "news_etl/bench-increments"
RARELY = "0 0 1 1 *"  # the schedule serve is given: the bench triggers every run itself


class Service:
    """A command in its own process group (its children go with it), its output in a log file."""

    def __init__(self, name: str, command: Sequence, log_dir: Path, env: dict[str, str]):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._out = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(c) for c in command], stdout=self._out, stderr=subprocess.STDOUT, env=env, cwd=log_dir,
            start_new_session=True,
        )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, ready, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            try:
                if ready():
                    return
            except Exception:  # noqa: S110 (not up yet)
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.name} not ready within {timeout:.0f} s:\n{self.output()[-3000:]}")

    def stop(self, timeout: float = 30) -> None:
        """SIGINT the group (serve and the server stop as on Ctrl-C), SIGKILL what is left after `timeout`."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # children that outlived their parent
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self._out.close()


def corpus_lines(path: Path, n: int) -> list[str]:
    """The first `n` non-blank lines of a (possibly gzipped) JSON Lines file."""
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    lines: list[str] = []
    with opener(path, "rt", encoding="utf-8") as source:
        for line in source:
            if len(lines) == n:
                break
            if line.strip():
                lines.append(line if line.endswith("\n") else line + "\n")
    return lines


def drop(lines: list[str], folder: Path, name: str) -> None:
    """Put a JSON Lines file into the served folder whole (written beside it, then renamed in)."""
    staging = folder.parent / f".{name}"
    staging.write_text("".join(lines), encoding="utf-8")
    staging.rename(folder / name)


def run_once(client, deployment_id, db_path: Path, timeout: float) -> dict:
    """Trigger one run of the served deployment, wait for its end; return its times and counts."""
    from prefect.client.schemas.objects import StateType

    triggered = time.monotonic()
    flow_run = client.create_flow_run_from_deployment(deployment_id)
    while True:
        flow_run = client.read_flow_run(flow_run.id)
        if flow_run.state and flow_run.state.is_final():
            break
        if time.monotonic() - triggered > timeout:
            raise SystemExit(f"run {flow_run.id} not finished within {timeout:.0f} s (state {flow_run.state_name})")
        time.sleep(0.25)
    if flow_run.state.type != StateType.COMPLETED:
        raise SystemExit(f"run {flow_run.id} ended {flow_run.state_name}: {flow_run.state.message}")
    states = client.read_flow_run_states(flow_run.id)
    picked_up = min(s.timestamp for s in states if s.type == StateType.PENDING)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        n_read, n_loaded, row_seconds, stage_seconds = con.execute(
            "SELECT n_read, n_loaded, epoch(finished_at) - epoch(started_at), stage_seconds FROM runs WHERE run_id = ?",
            [str(flow_run.id)],
        ).fetchone()
    finally:
        con.close()
    return {
        "wall_seconds": (flow_run.end_time - picked_up).total_seconds(),
        "running_seconds": (flow_run.end_time - flow_run.start_time).total_seconds(),
        "row_seconds": row_seconds,
        "n_read": n_read,
        "n_loaded": n_loaded,
        "stage_seconds": {k: round(v, 2) for k, v in json.loads(stage_seconds or "{}").items()},
    }


def top_stages(run: dict, n: int = 4) -> str:
    """The run's slowest stages (seconds of work, as its `runs` row records them)."""
    slowest = sorted(run["stage_seconds"].items(), key=lambda item: -item[1])[:n]
    return ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in slowest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpus", type=Path, nargs="?", default=DEFAULT_JSONL, help="JSON Lines articles (gzip allowed)"
    )
    parser.add_argument("--runs", type=int, default=10, help="increments (default 10)")
    parser.add_argument("--per-run", type=int, default=50, help="new articles per increment (default 50)")
    parser.add_argument("--workers", type=int, default=None, help="serve's tagging workers (default: one per core)")
    parser.add_argument("--warm", action="store_true", help="serve --warm-workers (one Dask cluster for every run)")
    parser.add_argument("--no-bare", action="store_true", help="skip bare natasha's speed (quicker comparisons)")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"no articles at {args.corpus}: pass the corpus path")
    lines = corpus_lines(args.corpus, args.runs * args.per_run)
    if len(lines) < args.runs * args.per_run:
        raise SystemExit(f"{args.corpus} holds {len(lines)} articles, fewer than {args.runs} x {args.per_run}")
    mode = "warm workers (--warm-workers)" if args.warm else "a pool per run"
    print(
        f"{args.runs} increments of {args.per_run} articles from {args.corpus}, serve with {mode}; "
        f"{len(os.sched_getaffinity(0))} cores; load average {os.getloadavg()[0]:.2f} at start",
        flush=True,
    )
    services: list[Service] = []
    # SIGTERM (a killed make, a CI timeout) stops everything as Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    with tempfile.TemporaryDirectory(prefix="newsetl-increments-") as tmp:
        work = Path(tmp)
        try:
            figures = bench(args, lines, work, services)
        finally:
            for service in reversed(services):
                service.stop()
    history.record("increments", figures)


def bench(args, lines: list[str], work: Path, services: list[Service]) -> dict:
    bare_rate = None
    if not args.no_bare:
        subset = work / "bare.jsonl"
        subset.write_text("".join(lines), encoding="utf-8")
        n_bare, bare_seconds = bare_natasha(subset, blas_threads=1)
        bare_rate = n_bare / bare_seconds
        print(f"bare natasha: {bare_rate:.1f} articles/s ({n_bare} in {bare_seconds:.1f} s, 1 process, 1 BLAS thread)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_", "DASK_"))}
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env.update(PYTHONUNBUFFERED="1", PREFECT_HOME=str(work / "prefect"), PREFECT_RUNNER_POLL_FREQUENCY="1")
    server = Service("prefect-server", [BIN / "newsetl", "ui", "--port", port, "--home", work / "prefect"], work, env)
    services.append(server)
    server.wait_for(lambda: httpx.get(f"{api}/health", timeout=5).status_code == 200, timeout=240)
    env["PREFECT_API_URL"] = api
    os.environ.update(PREFECT_API_URL=api, PREFECT_HOME=str(work / "prefect"))  # this process's client
    folder = work / "incoming"
    folder.mkdir()
    db_path = work / "news.duckdb"
    command = [BIN / "newsetl", "serve", folder, "--cron", RARELY, "--name", DEPLOYMENT.split("/")[1],
               "--db", db_path, "--lake", work / "lake"]  # fmt: skip
    if args.workers:
        command += ["--workers", args.workers]
    if args.warm:
        command.append("--warm-workers")
    started = time.monotonic()
    serve = Service("serve", command, work, env)
    services.append(serve)

    from prefect.client.orchestration import get_client

    runs: list[dict] = []
    with get_client(sync_client=True) as client:
        serve.wait_for(lambda: client.read_deployment_by_name(DEPLOYMENT) is not None, timeout=300)
        deployment_id = client.read_deployment_by_name(DEPLOYMENT).id
        print(f"serve ready in {time.monotonic() - started:.1f} s (load average {os.getloadavg()[0]:.2f})")
        print(
            f"{'run':>3} {'wall s':>7} {'running s':>9} {'runs row s':>10} {'read':>5} {'loaded':>6} {'load avg':>8}  slowest stages (s)"
        )
        for k in range(args.runs):
            drop(lines[k * args.per_run : (k + 1) * args.per_run], folder, f"increment-{k + 1:02d}.jsonl")
            run = run_once(client, deployment_id, db_path, timeout=900)
            run["load_average"] = round(os.getloadavg()[0], 2)
            runs.append(run)
            print(
                f"{k + 1:>3} {run['wall_seconds']:>7.1f} {run['running_seconds']:>9.1f} {run['row_seconds']:>10.1f} "
                f"{run['n_read']:>5} {run['n_loaded']:>6} {run['load_average']:>8.2f}  {top_stages(run)}",
                flush=True,
            )
    walls = [run["wall_seconds"] for run in runs]
    print(
        f"wall per run: median {statistics.median(walls):.1f} s, max {max(walls):.1f} s, "
        f"first {walls[0]:.1f} s; load average {os.getloadavg()[0]:.2f} at end"
    )
    return {
        "n_articles": sum(run["n_read"] for run in runs),
        "per_run": args.per_run,
        "mode": "warm" if args.warm else "cold",
        "bare_natasha_rate": bare_rate,
        "wall_seconds": statistics.median(walls),
        "max_wall_seconds": max(walls),
        "runs": runs,
    }


if __name__ == "__main__":
    main()
