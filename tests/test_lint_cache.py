"""`apic lint --cache` and `--jobs`: an unchanged file's findings come from the cache, and
only while every file its lint read (imports included), the apic version and the lint plan
are unchanged; a damaged entry is ignored; N jobs find exactly what one does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

MAIN = 'import "./routes.gw"\napi "shop" {\n  backend "app" { url = "http://app.example.com" }\n}\n'
ROUTES = 'api "shop" {\n  route GET "/orders" { backend = backend.app, auth = iam }\n}\n'


def lint(folder: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    done = subprocess.run(
        [sys.executable, "-m", "apic", "lint", *args, "--format", "json"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def test_the_cache_is_used_only_while_every_file_it_read_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.gw").write_text(MAIN, encoding="utf-8")
    (tmp_path / "routes.gw").write_text(ROUTES, encoding="utf-8")
    first = lint(tmp_path, "main.gw", "--cache")
    assert [d["code"] for d in first[1]] == ["BE001"]  # the plain-http backend
    (entry,) = (tmp_path / ".apic_cache").glob("*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    assert sorted(Path(p).name for p in stored["sources"]) == ["main.gw", "routes.gw"]
    # mark the stored finding: a run that prints the mark read the cache
    stored["diagnostics"][0]["message"] = "FROM THE CACHE"
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert [d["message"] for d in lint(tmp_path, "main.gw", "--cache")[1]] == ["FROM THE CACHE"]
    # another selection is another plan: not this entry
    assert [d["message"] for d in lint(tmp_path, "main.gw", "--cache", "--ignore", "AU")[1]] != [
        "FROM THE CACHE"
    ]
    # an edit to the imported file misses, and the lint sees it
    (tmp_path / "routes.gw").write_text(ROUTES.replace("auth = iam", "auth = none"), encoding="utf-8")
    code, findings = lint(tmp_path, "main.gw", "--cache")
    assert code == 0 and sorted(d["code"] for d in findings) == ["AU001", "BE001"]
    # a damaged entry is ignored and rewritten
    for damaged in (tmp_path / ".apic_cache").glob("*.json"):
        damaged.write_text("{not json", encoding="utf-8")
    assert sorted(d["code"] for d in lint(tmp_path, "main.gw", "--cache")[1]) == ["AU001", "BE001"]
    assert (tmp_path / ".apic_cache" / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_jobs_find_exactly_what_one_process_finds(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".git").mkdir()
    files = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "examples").glob("*.gw"))
    assert lint(tmp_path, *files, "--jobs", "2") == lint(tmp_path, *files)
