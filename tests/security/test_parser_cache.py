"""The `.gw` parser never unpickles from a shared place (issue 11): lark's `cache=True` reads a
predictably named pickle in the temporary directory, where anyone may plant one."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from apic.compiler.frontends.dsl import parser

BUILD_WITH_LARKS_OWN_CACHE = (
    "from lark import Lark; Lark.open_from_package('apic.grammar', 'gw.lark', parser='lalr', "
    "lexer='contextual', propagate_positions=True, maybe_placeholders=True, cache=True)"
)


class Payload:
    """Unpickling this creates the marker file: code run by whoever planted it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (os.system, (f"touch {self.marker}",))


def run(code: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *code],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_pickle_planted_in_the_temporary_directory_is_never_loaded(tmp_path: Path) -> None:
    shared_tmp, cache_home = tmp_path / "tmp", tmp_path / "cache"
    shared_tmp.mkdir()
    env = {"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(cache_home)}
    # lark's own cache file names, as an attacker would compute them
    run(["-c", BUILD_WITH_LARKS_OWN_CACHE], env, ROOT)
    planted = sorted(shared_tmp.glob(".lark_*"))
    assert planted, "lark wrote no cache file to learn its name from"
    marker = tmp_path / "pwned"
    for path in planted:
        path.write_bytes(b"x\n" + pickle.dumps(Payload(marker)))
    assert run(["-c", BUILD_WITH_LARKS_OWN_CACHE], env, ROOT).returncode == 0
    assert marker.exists(), "the planted file is what lark's own cache would load"
    marker.unlink()

    checked = run(["-m", "apic", "check", "examples/bookstore.gw"], env, ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not marker.exists()
    assert [p.name for p in (cache_home / "apic").iterdir()] == [Path(parser.private_cache_file() or "").name]


def test_the_cache_lives_in_a_directory_only_the_user_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = parser.private_cache_file()
    assert path is not None and Path(path).parent == tmp_path / "apic"
    assert stat.S_IMODE((tmp_path / "apic").stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize("loosen", ["directory", "file", "symlink", "relative"])
def test_no_cache_where_others_could_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loosen: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    directory = tmp_path / "apic"
    directory.mkdir(mode=0o700)
    if loosen == "directory":
        directory.chmod(0o777)
    elif loosen == "file":
        cache = Path(parser.private_cache_file() or "")
        cache.write_bytes(b"")
        cache.chmod(0o666)
    elif loosen == "symlink":
        directory.rmdir()
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        directory.symlink_to(tmp_path / "elsewhere")
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert parser.private_cache_file() is None
