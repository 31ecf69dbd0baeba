"""A Dask cluster started as operators start one: `dask scheduler` and two `dask worker` command lines on 127.0.0.1,
each worker with its own memory limit and the newsetl preload. Runs tag on it and load the same tables as a run on
this machine's processes, also when a worker is lost in the middle of a run."""

import re
import time

import pytest

from tests.integration.helpers import BIN, CONTENT_COLUMNS, clean_environment, composed_articles, content, free_port

pytestmark = pytest.mark.integration

N_ARTICLES = 36
BATCH_SIZE = 3
WORKER_MEMORY = "1.5GiB"
TAGGED = re.compile(r"Task run 'tag-batch-\w+' - Finished in state Completed")  # a worker's log of a batch it tagged
BATCH_LOADED = re.compile(r"batch \d+: \d+ read")  # the run's log line of each batch it loaded


@pytest.fixture
def run_env(prefect_server):
    from prefect.settings import PREFECT_API_URL

    return clean_environment(PREFECT_API_URL=PREFECT_API_URL.value())


@pytest.fixture
def cluster(services, run_env):
    """The scheduler's address, a Dask client, and the two workers' services by name."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = services(
        "dask-scheduler", [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], run_env
    )
    scheduler.wait_for(lambda: "Scheduler at:" in scheduler.output(), timeout=60)
    workers = {}
    for name in ("w1", "w2"):
        command = [BIN / "dask", "worker", address, "--name", name, "--host", "127.0.0.1", "--nthreads", "1",
                   "--memory-limit", WORKER_MEMORY, "--no-dashboard", "--preload", "flows.dask_worker"]  # fmt: skip
        workers[name] = services(f"dask-worker-{name}", command, run_env)
    client = Client(address, timeout=60)
    try:
        client.wait_for_workers(2, timeout=180)
        for worker in workers.values():  # the preload has run: the models are loaded before any batch
            worker.wait_for(lambda w=worker: "newsetl: tagging models loaded" in w.output(), timeout=180)
        yield address, client, workers
    finally:
        client.close()


def worker_names(client) -> dict[str, str]:
    return {address: info["name"] for address, info in client.scheduler_info()["workers"].items()}


def start_run(services, name, articles, db_path, env, *options):
    return services(name, [BIN / "newsetl", "run", articles, "--db", db_path, "--lake", db_path.with_suffix(".lake"),
                           "--batch-size", BATCH_SIZE, *options], env)  # fmt: skip


def finish(run, timeout=600):
    run.process.wait(timeout=timeout)
    assert run.process.returncode == 0, run.output()[-6000:]
    return run.output()


def test_runs_on_a_dask_cluster_load_what_a_local_run_loads_even_when_a_worker_is_lost(
    services, cluster, run_env, tmp_path
):
    from transforms.models import load_models

    address, client, workers = cluster
    articles = composed_articles(tmp_path / "articles", N_ARTICLES)

    started = time.perf_counter()
    finish(start_run(services, "local-run", articles, tmp_path / "local.duckdb", run_env, "--workers", 1))
    local_seconds = time.perf_counter() - started
    local = content(tmp_path / "local.duckdb")
    assert len(local["articles"]) >= N_ARTICLES - 2 and len(local["mentions"]) > 10 * N_ARTICLES
    assert local["events"] and local["date_mentions"]

    # a run over the cluster: same tables; each worker loaded the models once (the preload) and reused them
    started = time.perf_counter()
    finish(start_run(services, "dask-run", articles, tmp_path / "dask.duckdb", run_env, "--dask-address", address))
    dask_seconds = time.perf_counter() - started
    assert content(tmp_path / "dask.duckdb") == local
    loads = client.run(load_models.cache_info)
    assert sorted(worker_names(client)[a] for a in loads) == ["w1", "w2"]
    assert all(info.misses == 1 for info in loads.values()), loads  # loaded once per worker process
    for name, worker in workers.items():
        assert worker.output().count("newsetl: tagging models loaded") == 1
        assert TAGGED.search(worker.output()), f"{name} tagged no batch"  # and they tagged the run's batches
    memory = {info["name"]: info["metrics"]["memory"] for info in client.scheduler_info()["workers"].values()}

    # a worker lost while it tags a batch: Dask runs its batches again on the other; the tables are the same
    started = time.perf_counter()
    run = start_run(services, "dask-run-killed", articles, tmp_path / "killed.duckdb", run_env, "--dask-address", address)  # fmt: skip
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline and run.process.poll() is None:
        busy = {worker_names(client).get(a) for a, keys in client.processing().items() if keys}
        if BATCH_LOADED.search(run.output()) and busy:  # the run is loading, and a worker holds a batch
            victim = sorted(busy)[0]
        else:
            time.sleep(0.05)
    assert victim is not None, f"no worker was tagging while the run went on:\n{run.output()[-4000:]}"
    workers[victim].kill()
    loaded_at_kill = len(BATCH_LOADED.findall(run.output()))
    output = finish(run)
    killed_seconds = time.perf_counter() - started
    assert loaded_at_kill < N_ARTICLES // BATCH_SIZE, "the run had loaded every batch when the worker was killed"
    assert "completed" in output
    assert sorted(worker_names(client).values()) == sorted(set(workers) - {victim})
    assert content(tmp_path / "killed.duckdb") == local

    print(
        f"\n{N_ARTICLES} articles in batches of {BATCH_SIZE}: local run {local_seconds:.0f} s, Dask run {dask_seconds:.0f} s, "
        f"Dask run with {victim} killed {killed_seconds:.0f} s (after {loaded_at_kill} batches had loaded); "
        f"worker memory after a run: {', '.join(f'{n} {m / 2**20:.0f} MiB' for n, m in sorted(memory.items()))}; "
        f"tables compared: {', '.join(CONTENT_COLUMNS)}"
    )
