"""What the integration tests share: services started as operators start them, each in its own process group on
127.0.0.1, stopped (the whole group) at the end; and the tables two runs must agree on.

The `services` fixture (conftest.py) starts them. These tests are marked `integration`: `make test` leaves them out, `make test-integration` (and `.ci/run`) runs them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from flows.startup import free_port
from tests.flows.test_runners import TABLES as CONTENT_COLUMNS  # noqa: F401 (what two runs must agree on)
from tests.flows.test_runners import tables as content  # noqa: F401
from warehouse import db

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtual environment's commands: newsetl, prefect, dask, moto_server


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without AWS or Prefect settings of the machine, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PREFECT_API_", "DASK_"))}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


class Service:
    """A long-running command in its own process group (so its children go with it), its output in a log file."""

    def __init__(self, name: str, command: Sequence[str], log_dir: Path, env: dict[str, str], cwd: Path | None = None):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._out = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            [str(c) for c in command],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd or log_dir,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, ready: Callable[[], bool], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.output()[-4000:]}")
            try:
                if ready():
                    return
            except Exception:  # noqa: S110 (not up yet)
                pass
            time.sleep(0.5)
        raise AssertionError(f"{self.name} not ready within {timeout} s:\n{self.output()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL the whole group: a host that is lost, not a shutdown."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM the group, SIGKILL what is left after `timeout`."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
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


def answers(url: str) -> bool:
    return httpx.get(url, timeout=5).status_code == 200


def start_prefect_server(start, home: Path, env: dict[str, str], name: str = "prefect-server") -> tuple[Service, str]:
    """`newsetl ui` (a Prefect server and its UI) on a free port of 127.0.0.1; returns it and its API URL."""
    port = free_port()
    server = start(name, [BIN / "newsetl", "ui", "--port", port, "--home", home], env)
    api = f"http://127.0.0.1:{port}/api"
    server.wait_for(lambda: answers(f"{api}/health"), timeout=240)
    return server, api


def newsetl(*args, env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """`newsetl ARGS` as a user runs it; fails the test with its output when it fails."""
    result = subprocess.run(
        [str(BIN / "newsetl"), *map(str, args)], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"newsetl {' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
    return result


def checksums(db_path: Path) -> dict[str, tuple[int, int]]:
    con = db.connect(db_path, read_only=True)
    try:
        return db.table_checksums(con)
    finally:
        con.close()


def composed_articles(directory: Path, n: int) -> Path:
    """`n` seed-format articles, each of sentences of the bundled examples in an order of its own."""
    import random

    from flows.settings import EXAMPLES_DIR

    sentences = []
    for path in sorted(EXAMPLES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8").split(" ", 3)[-1]  # after the ' date YYYY-MM-DD ' header
        sentences.extend(s.strip() + "." for s in text.replace("\n", " ").split(". ") if len(s.split()) > 3)
    directory.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        rng = random.Random(k)
        picked = rng.sample(sentences, 8)
        (directory / f"{k:03d}.txt").write_text(f" date 2026-01-{1 + k % 28:02d} " + " ".join(picked), encoding="utf-8")
    return directory
