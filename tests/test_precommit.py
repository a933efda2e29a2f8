"""The hooks of .pre-commit-hooks.yaml, run by pre-commit itself on a temporary repository
that uses this one (at its HEAD) the way a user's `.pre-commit-config.yaml` would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

ROUTES = 'api "shop" {\n  route POST "/orders" {\n    backend = backend.app\n  }\n}\n'
MAIN = (
    'import "./routes/*.gw"\n'
    "\n"
    'api "shop" {\n'
    "  defaults {\n    auth = iam\n  }\n"
    '  backend "app" {\n    url = "https://app.example.com"\n  }\n'
    "}\n"
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_the_hooks_run_under_pre_commit(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("this checkout is not a git repository for pre-commit to clone")
    head = git(ROOT, "rev-parse", "HEAD").strip()
    repo = tmp_path / "user"
    (repo / "api" / "routes").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "test")
    (repo / "api" / "main.gw").write_text(MAIN, encoding="utf-8")
    # an error for the hook to find: a public POST (AU001), in the file main.gw imports
    (repo / "api" / "routes" / "orders.gw").write_text(
        ROUTES.replace("    backend = backend.app\n", "    backend = backend.app\n    auth    = none\n"),
        encoding="utf-8",
    )
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {ROOT}\n"
        f"    rev: {head}\n"
        "    hooks:\n"
        "      - id: apic-fmt\n"
        "      - id: apic-lint\n"
        "      - id: apic-check\n"
        "        args: [api/main.gw, --target, cfn, -o, generated]\n",
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"

    failed = pre_commit(repo, home, "run", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    # found through main.gw, which imports the file, and reported where it is
    assert "api/routes/orders.gw:4:5: error[AU001] POST /orders is public" in failed.stdout
    assert re.search(r"apic fmt\.+Passed", failed.stdout)  # the files are in the canonical layout

    (repo / "api" / "routes" / "orders.gw").write_text(ROUTES, encoding="utf-8")
    git(repo, "add", "-A")
    stale = pre_commit(repo, home, "run", "--all-files")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    # nothing was generated yet: the check prints the whole file as missing, and writes nothing
    assert "--- generated/template.yaml (missing)" in stale.stdout
    assert not (repo / "generated").exists()

    generated = subprocess.run(
        [sys.executable, "-m", "apic", "compile", "api/main.gw", "--target", "cfn", "-o", "generated"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr
    git(repo, "add", "-A")
    passed = pre_commit(repo, home, "run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "apic lint" in passed.stdout and "Passed" in passed.stdout
