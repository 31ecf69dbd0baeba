"""Shared fixtures: natasha models once per session, a Prefect test server once per session."""

import shutil
from pathlib import Path

import pytest

from flows.settings import EXAMPLES_DIR, configure_environment

configure_environment()


@pytest.fixture(scope="session")
def models():
    from transforms.entities import load_models

    return load_models()


@pytest.fixture(scope="session")
def prefect_server():
    """A temporary Prefect server with its own database, for flow runs in tests."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def examples(tmp_path) -> Path:
    """A private copy of the bundled example articles."""
    target = tmp_path / "articles"
    shutil.copytree(EXAMPLES_DIR, target)
    return target
