"""The integration tests' fixture: services started for a test and stopped after it (tests/integration/helpers.py)."""

from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.integration.helpers import Service


@pytest.fixture
def services(tmp_path):
    """`services(name, command, env=..., cwd=...)` starts a Service; every one started is stopped at the end."""
    started: list[Service] = []

    def start(name: str, command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Service:
        service = Service(name, command, tmp_path, env, cwd)
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        service.stop()
    for service in started:
        assert service.process.poll() is not None, f"{service.name} still running"
