"""Project configuration: `apic.toml`, or `[tool.apic]` in `pyproject.toml`.

```toml
[lint]
select  = ["ALL"]                    # codes, names, families (RT) or ALL; default ALL
ignore  = ["route-literal-param-overlap"]
fail-on = "warning"                  # exit 1 at or above this severity; default error

[lint.rules]
backend-plain-http = "error"         # a severity, or "off"
[lint.rules.integration-timeout-range]
severity   = "warning"               # options sit beside the severity
max = "60s"

[targets.k8s]
controller = "kong"                  # what `--option controller=kong` says; the command line wins
```

The file is validated as one pydantic model; every problem is an AP020 diagnostic that
points at the offending key in the file (see tomlindex). Names of rules are checked later,
against the registered rules (lint/plan.py), because plugins add rules.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.source import SourceFile, Span
from apic.compiler.tomlindex import PathPart, locate

SeverityName = Literal["error", "warning", "info"]
RuleSetting = Any  # a severity, "off" or a table of options: checked against the rule (lint/plan.py)
CONFIG_FILE = "apic.toml"


class LintSection(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    extends: list[Literal["recommended"]] = Field(
        default_factory=lambda: ["recommended"],
        description='"recommended" is every built-in and plugin rule at its default severity',
    )
    select: list[str] | None = Field(None, description="codes, names, families or ALL (default ALL)")
    ignore: list[str] = Field(default_factory=list, description="codes, names or families to skip")
    fail_on: SeverityName = Field("error", alias="fail-on", description="exit 1 at or above this")
    rules: dict[str, RuleSetting] = Field(
        default_factory=dict, description='per rule: a severity, "off", or a table of options'
    )
    roots: list[str] = Field(
        default_factory=list,
        description="globs (relative to this file) of the files linted in place of the files they "
        "import, when an imported file has several importers",
    )


class ApicConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lint: LintSection = Field(default_factory=LintSection)
    targets: dict[str, dict[str, bool | int | str]] = Field(
        default_factory=dict,
        description='per target, option values as `--option` takes them: `[targets.k8s] controller = "kong"`',
    )


@dataclass
class LoadedConfig:
    """The validated configuration and where each key is written (for later diagnostics)."""

    config: ApicConfig
    source: SourceFile | None = None
    prefix: tuple[str, ...] = ()  # ("tool", "apic") inside pyproject.toml
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def defaults(cls) -> LoadedConfig:
        return cls(ApicConfig())

    def span(self, *path: PathPart) -> Span:
        if self.source is None:
            return _DEFAULTS.whole()
        return locate(self.source, (*self.prefix, *path))

    @property
    def ok(self) -> bool:
        return not self.diagnostics


_DEFAULTS = SourceFile("<default configuration>", "")


REPOSITORY_MARKERS = (".git", ".hg", ".svn")


def config_boundary(folder: Path, project_root: Path | None) -> Path:
    """The highest folder configuration is read from: the project root when one is given,
    else the repository that holds `folder` (a `.git`, `.hg` or `.svn` entry), else `folder`
    itself. A file planted above it (`../apic.toml` with `ignore = ["ALL"]`) is never read."""
    if project_root is not None:
        return project_root.resolve()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in REPOSITORY_MARKERS):
            return candidate
    return folder


def find_config(start: Path, project_root: Path | None = None) -> Path | None:
    """The nearest apic.toml, or pyproject.toml with a [tool.apic] table, from `start` up to
    the boundary (`config_boundary`)."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    boundary = config_boundary(folder, project_root)
    if not folder.is_relative_to(boundary):
        return None  # the input lies outside the project root: its folder's config is not ours
    for candidate in (folder, *folder.parents):
        if not candidate.is_relative_to(boundary):
            break
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                return pyproject  # reported by load_config, not skipped silently
            if isinstance(data.get("tool"), dict) and "apic" in data["tool"]:
                return pyproject
    return None


def load_config(path: Path | None, display: str | None = None) -> LoadedConfig:
    """Read and validate a configuration file; None gives the defaults."""
    if path is None:
        return LoadedConfig(ApicConfig())
    raw = path.read_bytes()
    source = SourceFile(display or str(path), raw.decode("utf-8", errors="replace"))
    prefix: tuple[str, ...] = ("tool", "apic") if path.name == "pyproject.toml" else ()
    try:
        data: Any = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        return LoadedConfig(ApicConfig(), source, prefix, [_syntax_error(source, error)])
    for key in prefix:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    loaded = LoadedConfig(ApicConfig(), source, prefix)
    # Report every problem, then go on without the offending keys, so one mistake does not
    # hide the next (an unknown rule name in `select` is still found beside a bad fail-on).
    for _ in range(8):
        try:
            loaded.config = ApicConfig.model_validate(data)
            break
        except ValidationError as error:
            for problem in error.errors():
                where = [p for p in problem["loc"] if isinstance(p, (str, int))]
                loaded.diagnostics.append(codes.INVALID_CONFIG(loaded.span(*where), _message(problem, where)))
                data = _without(data, where)
    return loaded


def _without(data: Any, where: list[PathPart]) -> Any:
    """A copy of `data` without the value at `where` (the whole key for a list item)."""
    if not where or not isinstance(data, dict):
        return {}
    head = where[0]
    if len(where) == 1 or not isinstance(data.get(head), dict):
        return {k: v for k, v in data.items() if k != head}
    return {**data, head: _without(data[head], where[1:])}


def _message(problem: Any, where: list[PathPart]) -> str:
    key = ".".join(str(p) for p in where) or "the file"
    if problem["type"] == "extra_forbidden":
        return f"unknown key `{key}`"
    return f"`{key}`: {problem['msg']}"


def _syntax_error(source: SourceFile, error: tomllib.TOMLDecodeError) -> Diagnostic:
    message = str(error)
    line = getattr(error, "lineno", None)
    column = getattr(error, "colno", None)
    if line is None and "(at line " in message:
        tail = message.rsplit("(at line ", 1)[1].rstrip(")")
        line_text, _, column_text = tail.partition(", column ")
        line, column = int(line_text), int(column_text or 1)
    offset = 0
    if line is not None and 1 <= line <= source.line_count:
        offset = min(source.line_starts[line - 1] + max(0, (column or 1) - 1), len(source.text))
    text = message.split(" (at line ")[0]
    return codes.INVALID_CONFIG(
        source.span(offset, min(offset + 1, len(source.text))), f"the configuration is not valid TOML: {text}"
    )
