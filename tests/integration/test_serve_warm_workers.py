"""`newsetl serve` keeps one warm tagging pool across its scheduled runs: a Prefect server and `newsetl serve` started
as a user starts them, two runs of the served deployment, each over articles dropped in between; the workers that
tag the second run are those that tagged the first, and each loaded natasha's models once."""

import re
import time

import pytest

from tests.integration.helpers import BIN, clean_environment, composed_articles, start_prefect_server
from warehouse import db

pytestmark = pytest.mark.integration

READY = re.compile(r"tagging workers ready at (tcp://127\.0\.0\.1:\d+)")


def models_in_workers(client) -> dict[str, tuple[int, int, int]]:
    """Per Dask worker: its pid, how many times it loaded natasha's models, how many times a batch found them."""

    def probe():
        import os

        from transforms.models import load_models

        info = load_models.cache_info()
        return os.getpid(), info.misses, info.hits

    return client.run(probe)


def run_deployment(client, deployment_id, timeout: float = 600):
    from prefect.client.schemas.objects import StateType

    flow_run = client.create_flow_run_from_deployment(deployment_id)
    deadline = time.monotonic() + timeout
    while not (flow_run := client.read_flow_run(flow_run.id)).state.is_final():
        assert time.monotonic() < deadline, f"run {flow_run.id} still {flow_run.state_name}"
        time.sleep(0.5)
    assert flow_run.state.type == StateType.COMPLETED, flow_run.state.message
    return flow_run


def test_serve_tags_every_run_on_the_same_warm_workers(services, tmp_path):
    from distributed import Client
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = tmp_path / "prefect"
    env = clean_environment(PREFECT_HOME=str(home), PREFECT_RUNNER_POLL_FREQUENCY="1")
    _, api = start_prefect_server(services, home, env)
    env["PREFECT_API_URL"] = api
    incoming = tmp_path / "incoming"
    composed_articles(tmp_path / "first", 6)
    composed_articles(tmp_path / "second", 12)
    incoming.mkdir()
    db_path = tmp_path / "w.duckdb"
    serve = services("serve", [BIN / "newsetl", "serve", incoming, "--cron", "0 0 1 1 *", "--name", "warm",
                               "--db", db_path, "--lake", tmp_path / "lake", "--workers", 2, "--warm-workers"], env)  # fmt: skip
    serve.wait_for(lambda: READY.search(serve.output()) is not None, timeout=300)
    address = READY.search(serve.output()).group(1)

    with (
        temporary_settings(updates={PREFECT_API_URL: api}),
        Client(address, timeout=60) as dask,
        get_client(sync_client=True) as prefect,
    ):
        loaded = models_in_workers(dask)
        assert len(loaded) == 2 and all(misses == 1 for _, misses, _ in loaded.values())  # preloaded, once each
        serve.wait_for(lambda: prefect.read_deployment_by_name("news_etl/warm") is not None, timeout=120)
        deployment = prefect.read_deployment_by_name("news_etl/warm")
        seen = []
        for batch in ("first", "second"):
            for path in sorted((tmp_path / batch).iterdir()):  # new articles for this run only
                path.rename(incoming / f"{batch}-{path.name}")
            flow_run = run_deployment(prefect, deployment.id)
            seen.append((flow_run.id, models_in_workers(dask)))

    pids = {address: pid for address, (pid, _, _) in loaded.items()}
    for _, workers in seen:
        assert {address: pid for address, (pid, _, _) in workers.items()} == pids  # the same processes
        assert all(misses == 1 for _, misses, _ in workers.values())  # the models never loaded again
    hits = [sum(h for _, _, h in loaded.values())] + [sum(h for _, _, h in w.values()) for _, w in seen]
    assert hits[0] < hits[1] < hits[2]  # each run's batches were tagged there
    con = db.connect(db_path, read_only=True)
    try:
        rows = con.execute("SELECT run_id, n_read, status FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert [(run_id, n, status) for run_id, n, status in rows] == [
        (str(seen[0][0]), 6, "completed"),
        (str(seen[1][0]), 12, "completed"),
    ]
