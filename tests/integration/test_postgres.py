"""Prefect's database on PostgreSQL: a private cluster (Debian's postgresql server binaries, initdb and pg_ctl)
on 127.0.0.1, `newsetl ui` with PREFECT_API_DATABASE_CONNECTION_URL pointing at it, and two `newsetl run`s at once
that both show in the API, stored in PostgreSQL."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from flows.settings import EXAMPLES_DIR
from tests.integration.helpers import BIN, clean_environment, free_port, start_prefect_server

pytestmark = pytest.mark.integration


def postgres_bin() -> Path:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin (`.ci/run` installs them)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent  # a link to the version's directory, with createdb and psql beside
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        pytest.fail("PostgreSQL's server binaries are missing: apt-get install postgresql (.ci/run does)")
    return Path(found[-1]).parent


@pytest.fixture
def postgres():
    """A PostgreSQL cluster of the test's own, with a `prefect` database; its connection URL. Stopped and removed after.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user Debian's package creates.
    """
    bindir = postgres_bin()
    as_root = os.geteuid() == 0
    home = Path(tempfile.mkdtemp(prefix="newsetl-pg-"))
    data = home / "data"
    if as_root:
        owner = pwd.getpwnam("postgres")
        os.chown(home, owner.pw_uid, owner.pw_gid)

    def pg(*args: object) -> str:
        command = [str(a) for a in args]
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=home)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    port = free_port()
    pg(bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-h 127.0.0.1 -p {port} -k {home} -c max_connections=100"
    pg(bindir / "pg_ctl", "-D", data, "-o", options, "-l", home / "postgres.log", "-w", "-t", "60", "start")
    try:
        pg(bindir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "prefect")

        def psql(query: str) -> str:
            return pg(bindir / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "prefect", "-Atc", query)

        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/prefect", psql
    finally:
        pg(bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(home)


def test_prefect_on_postgres_records_two_runs_at_once(postgres, services, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url, psql = postgres
    env = clean_environment(PREFECT_API_DATABASE_CONNECTION_URL=url)
    _, api = start_prefect_server(services, tmp_path / "prefect", env)
    assert "flow_run" in psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split()  # migrated there
    env = {**env, "PREFECT_API_URL": api}

    files = sorted(EXAMPLES_DIR.iterdir())
    runs = []
    for half, part in (("first", files[::2]), ("second", files[1::2])):
        (tmp_path / half).mkdir()
        for f in part:
            shutil.copy(f, tmp_path / half / f.name)
        command = [BIN / "newsetl", "run", tmp_path / half, "--db", tmp_path / f"{half}.duckdb",
                   "--lake", tmp_path / f"{half}-lake", "--workers", "1"]  # fmt: skip
        runs.append(services(f"run-{half}", command, env))
    run_ids = []
    for run in runs:
        run.process.wait(timeout=600)
        assert run.process.returncode == 0, run.output()[-6000:]
        run_ids.extend(line.split()[1] for line in run.output().splitlines() if line.startswith("run ") and line.endswith(" completed"))  # fmt: skip
    assert len(set(run_ids)) == 2, run_ids

    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=run_ids)))
    assert sorted(str(r.id) for r in flow_runs) == sorted(run_ids)
    assert all(r.state.is_completed() and r.flow_id == flow_runs[0].flow_id for r in flow_runs)
    # they overlapped: each started before the other ended
    first, second = sorted(flow_runs, key=lambda r: r.start_time)
    assert second.start_time < first.end_time, [(r.start_time, r.end_time) for r in flow_runs]
    # and PostgreSQL holds them, not a SQLite file under PREFECT_HOME
    stored = psql("SELECT id, state_type FROM flow_run ORDER BY id").split()
    assert sorted(f"{i}|COMPLETED" for i in run_ids) == sorted(s for s in stored if s.split("|")[0] in run_ids)
    assert not list((tmp_path / "prefect").glob("*.db"))
