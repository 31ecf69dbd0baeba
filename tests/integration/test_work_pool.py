"""The deployment of prefect.yaml on a process work pool, as the README tells an operator to run it: a Prefect server,
`prefect work-pool create`, `prefect deploy --all`, `prefect worker start`; a run created with
`prefect deployment run` is picked up by the worker and completes."""

import json
import shutil
import subprocess
import time

import pytest

from flows.settings import EXAMPLES_DIR
from tests.integration.helpers import BIN, ROOT, clean_environment, start_prefect_server

pytestmark = pytest.mark.integration

POOL = "newsetl-process"  # prefect.yaml's work pool
DEPLOYMENT = "news_etl/newsetl"  # flow name / deployment name of prefect.yaml


def prefect(*args, env, cwd=ROOT, timeout=300) -> str:
    result = subprocess.run(
        [str(BIN / "prefect"), "--no-prompt", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"prefect {' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_worker_of_the_pool_runs_the_deployment_of_prefect_yaml(services, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # The scheduler service is off: the deployment's every-15-minutes schedule must not start a run of its own
    # (prefect.yaml's parameters write to the checkout's data/) while the test waits for the one it asks for.
    env = clean_environment(PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false")
    _, api = start_prefect_server(services, tmp_path / "prefect", env)
    env = {**env, "PREFECT_API_URL": api, "PREFECT_HOME": str(tmp_path / "prefect-client"), "PREFECT_WORKER_QUERY_SECONDS": "2"}  # fmt: skip
    tracked_before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout

    prefect("work-pool", "create", POOL, "--type", "process", env=env)
    deployed = prefect("deploy", "--all", env=env)  # from the checkout's root, where prefect.yaml is
    assert DEPLOYMENT in deployed, deployed
    worker = services("prefect-worker", [BIN / "prefect", "worker", "start", "--pool", POOL], env)

    examples = shutil.copytree(EXAMPLES_DIR, tmp_path / "articles")
    settings = {"inputs": [str(examples)], "db_path": str(tmp_path / "w.duckdb"), "lake_dir": str(tmp_path / "lake"), "workers": 1}  # fmt: skip
    created = prefect("deployment", "run", DEPLOYMENT, "--params", json.dumps({"settings": settings}), env=env)
    flow_run_id = next(line.split()[-1] for line in created.splitlines() if "UUID" in line)

    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        deadline = time.monotonic() + 420
        while True:
            flow_run = client.read_flow_run(flow_run_id)
            if flow_run.state.is_final() or time.monotonic() > deadline:
                break
            time.sleep(2)
        (deployment,) = client.read_deployments(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[flow_run.deployment_id]))
        )
    assert flow_run.state.is_completed(), f"{flow_run.state}\n{worker.output()[-6000:]}"
    assert deployment.name == "newsetl" and deployment.work_pool_name == POOL
    assert [s.schedule.cron for s in deployment.schedules] == ["*/15 * * * *"]  # prefect.yaml's, as deployed
    assert flow_run_id in worker.output()  # this worker picked it up

    import duckdb

    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    (row,) = con.execute("SELECT run_id, status, n_loaded FROM runs").fetchall()
    con.close()
    assert row[0] == flow_run_id and row[1] == "completed" and row[2] >= 8
    # nothing written into the checkout (the run's working directory)
    assert (
        subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        == tracked_before
    )
