"""Shared test plumbing: golden files, the shared/ folder, hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)  # `pytest --fuzz`: long local runs
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite expected outputs from the current code"
    )
    parser.addoption(
        "--fuzz", action="store_true", help="the long hypothesis profile (20,000 examples a test)"
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--fuzz"):
        settings.load_profile("fuzz")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def shared_path(relative: str) -> Path:
    """A file under ../shared; missing: a failure in CI, a skip elsewhere."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI needs the shared/ folder beside the project")
        pytest.skip(f"{path} is not available")
    return path


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with a golden file; `--update-goldens` rewrites it. A missing golden fails."""
    if update:
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden {path.relative_to(ROOT)} is missing: run pytest --update-goldens and review it")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path.relative_to(ROOT)}"
