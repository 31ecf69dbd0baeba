"""The Prefect UI in headless Chromium: a run against a real server shows Completed, and its summary table."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from flows.cli.serve import server_environment
from flows.reports import SUMMARY_KEY
from flows.settings import EXAMPLES_DIR
from flows.startup import free_port

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = Path("/usr/bin/chromium")
# Flags that let Debian's Chromium run headless here, with no network of its own.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@contextmanager
def headless_chromium(playwright, profile: Path, viewport: dict) -> Iterator:
    """Debian's Chromium, headless, with a profile of its own (no browser download), closed at the end."""
    browser = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, viewport=viewport
    )
    try:
        yield browser
    finally:
        browser.close()


def api(url: str, path: str, body: dict | None = None):
    request = urllib.request.Request(
        f"{url}/api{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def prefect_ui(tmp_path):
    """A Prefect server with its UI on a free port, its database under the test's temp dir."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    home = tmp_path / "prefect"
    home.mkdir()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_environment(home, "127.0.0.1", port),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                api(url, "/health")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Prefect server did not start; see {tmp_path / 'server.log'}")
                time.sleep(1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_the_ui_shows_the_completed_run_and_its_summary(prefect_ui, tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import expect, sync_playwright

    shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    db_path = tmp_path / "w.duckdb"
    env = {**os.environ, "PREFECT_API_URL": f"{prefect_ui}/api"}
    command = [str(Path(sys.executable).with_name("newsetl")), "run", str(tmp_path / "articles"), "--db", str(db_path),
               "--lake", str(tmp_path / "lake"), "--workers", "1"]  # fmt: skip
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]
    con = duckdb.connect(str(db_path), read_only=True)
    (run_id,) = con.execute("SELECT run_id FROM runs").fetchone()
    con.close()
    (artifact,) = api(prefect_ui, "/artifacts/filter", {"artifacts": {"key": {"any_": [SUMMARY_KEY]}}})
    assert artifact["flow_run_id"] == run_id

    with (
        sync_playwright() as playwright,
        headless_chromium(playwright, tmp_path / "chromium-profile", {"width": 1400, "height": 1000}) as browser,
    ):
        page = browser.new_page()
        page.goto(f"{prefect_ui}/runs/flow-run/{run_id}")
        expect(page.get_by_text("Completed").first).to_be_visible(timeout=60_000)
        page.screenshot(path=str(tmp_path / "flow-run.png"), full_page=True)
        page.goto(f"{prefect_ui}/artifacts/artifact/{artifact['id']}")
        table = page.locator("table").first
        expect(table).to_be_visible(timeout=60_000)
        expect(table).to_contain_text("articles_in")
        expect(table).to_contain_text("tag-entities")
        page.screenshot(path=str(tmp_path / "summary-artifact.png"), full_page=True)
    assert (tmp_path / "summary-artifact.png").stat().st_size > 0
