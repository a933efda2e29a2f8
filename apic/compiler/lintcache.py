"""A content-hash cache for `apic lint --cache`: an unchanged file costs nothing the second time.

An entry belongs to one linted file and holds what linting it found, with the SHA-256 of
every file the lint read (the file, its imports, the documents it references). It is used
only while all of them hash the same, under the same apic version and the same lint plan
(the configuration's text and the command line's selections), so an edit to an imported
file, a new rule or another `--select` all miss. Entries are JSON in `.apic_cache/` at the
project's root (never above it); one that cannot be read is ignored and rewritten, and
nothing is unpickled. Diagnostics are stored by offsets and rebuilt on the files' current
text, which the hashes prove is the text they were found in.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apic import __version__
from apic.compiler.diagnostics import Diagnostic, Related, Severity
from apic.compiler.source import SourceFile, Span

CACHE_DIR = ".apic_cache"
FORMAT = 1


@dataclass(frozen=True)
class Cached:
    diagnostics: list[Diagnostic]
    model_ok: bool
    failed: bool


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LintCache:
    def __init__(self, root: Path, plan_key: str) -> None:
        self.folder = root / CACHE_DIR
        self.plan_key = plan_key

    def _entry(self, file: Path) -> Path:
        key = digest(f"{FORMAT}|{__version__}|{self.plan_key}|{os.path.abspath(file)}".encode())
        return self.folder / f"{key}.json"

    def get(self, file: Path) -> Cached | None:
        try:
            entry = json.loads(self._entry(file).read_text(encoding="utf-8"))
            texts: dict[str, str] = {}
            for path, expected in entry["sources"].items():
                data = Path(path).read_bytes()
                if digest(data) != expected:
                    return None
                texts[path] = data.decode("utf-8")
            sources = {path: SourceFile(entry["names"][path], text) for path, text in texts.items()}
            diagnostics = [_diagnostic(d, sources) for d in entry["diagnostics"]]
            return Cached(diagnostics, bool(entry["model_ok"]), bool(entry["failed"]))
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None  # missing, stale or damaged: lint again

    def put(self, file: Path, sources: list[SourceFile], cached: Cached) -> None:
        """Store what linting `file` found; files that are not on disk (standard input, a
        remote document) make the entry unusable, so it is not written."""
        paths: dict[str, str] = {}
        names: dict[str, str] = {}
        for source in sources:
            path = Path(source.path)
            if "://" in source.path or not path.is_file():
                return
            absolute = os.path.abspath(path)
            if path.read_bytes() != source.text.encode("utf-8"):
                return  # read with a changed text (an editor buffer): not the file on disk
            paths[absolute] = digest(source.text.encode("utf-8"))
            names[absolute] = source.path
        by_name = {source.path: os.path.abspath(source.path) for source in sources}
        try:
            serialized = [_serialized(d, by_name) for d in cached.diagnostics]
        except KeyError:
            return  # a finding on a file the lint did not read from disk (the command line)
        entry = {
            "sources": paths,
            "names": names,
            "diagnostics": serialized,
            "model_ok": cached.model_ok,
            "failed": cached.failed,
        }
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(temporary, self._entry(file))


def _place(span: Span, by_name: dict[str, str]) -> list[Any]:
    return [by_name[span.path], span.start, span.end]


def _serialized(diagnostic: Diagnostic, by_name: dict[str, str]) -> dict[str, Any]:
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "span": _place(diagnostic.span, by_name),
        "related": [[*_place(r.span, by_name), r.message] for r in diagnostic.related],
        "help": diagnostic.help,
        "target": diagnostic.target,
        "secret": diagnostic.secret,
    }


def _diagnostic(data: dict[str, Any], sources: dict[str, SourceFile]) -> Diagnostic:
    path, start, end = data["span"]
    return Diagnostic(
        code=data["code"],
        name=data["name"],
        severity=Severity(data["severity"]),
        message=data["message"],
        span=sources[path].span(start, end),
        related=tuple(Related(sources[p].span(s, e), m) for p, s, e, m in data["related"]),
        help=data["help"],
        target=data["target"],
        secret=bool(data["secret"]),
    )
