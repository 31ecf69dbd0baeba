"""The layer rules of DESIGN.md: what `transforms` and `evaluation` may import, checked in a fresh interpreter."""

import subprocess
import sys

import pytest

CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}} & {forbidden!r})))
"""


@pytest.mark.parametrize(
    "package, forbidden",
    [
        ("transforms", {"prefect", "duckdb", "great_expectations", "flows", "warehouse", "expectations", "evaluation"}),
        # evaluation stands on transforms alone
        ("evaluation", {"prefect", "duckdb", "great_expectations", "flows", "warehouse", "expectations"}),
    ],
)
def test_a_package_imports_nothing_above_it(package, forbidden):
    found = subprocess.run(
        [sys.executable, "-c", CHECK.format(package=package, forbidden=forbidden)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.split() == []
