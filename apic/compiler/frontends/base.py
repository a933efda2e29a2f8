"""What every frontend returns, so that lint, targets and the CLI never ask which one ran."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.model import GatewayModel
from apic.compiler.source import SourceFile
from apic.compiler.suppress import Suppression


@dataclass(frozen=True)
class LoadOptions:
    """`project_root`: imports, file() and `$ref`s may not leave it (default: the root file's
    folder). `allow_remote_refs`: fetch `$ref`s to http(s) URLs (never by default)."""

    project_root: Path | None = None
    allow_remote_refs: bool = False
    max_input_bytes: int = 32 * 1024 * 1024  # per file; `--max-input-bytes` changes it


@dataclass
class LoadResult:
    """`model` is None whenever `diagnostics` holds an error: nothing half-valid escapes."""

    model: GatewayModel | None
    diagnostics: list[Diagnostic]
    sources: list[SourceFile] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)


def display_path(path: Path, *, resolved: bool = False) -> str:
    """Relative to the working directory when below it, so `file:line:col` stays short.
    `resolved` says the path is already absolute and free of links (a multi-file
    description's 2,849 files each resolved twice cost 0.4 s)."""
    try:
        return str((path if resolved else path.resolve()).relative_to(_working_directory(os.getcwd())))
    except ValueError:
        return str(path)


@lru_cache(maxsize=4)
def _working_directory(cwd: str) -> Path:
    return Path(cwd).resolve()


def decode(data: bytes, path: str) -> tuple[SourceFile, Diagnostic | None]:
    """UTF-8 (a BOM is dropped); invalid bytes become U+FFFD and a PA013 at the first one."""
    from apic.compiler import codes

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return SourceFile(path, data.decode("utf-8")), None
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        offset = len(data[: error.start].decode("utf-8", errors="replace"))
        source = SourceFile(path, text)
        return source, codes.INVALID_ENCODING(
            source.span(offset, min(offset + 1, len(text))),
            f"byte 0x{data[error.start]:02x} at offset {error.start} is not UTF-8",
            help="save the file as UTF-8",
        )


class InputTooLarge(Exception):
    """A file over the input size limit; `size` is what was seen before reading stopped."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size:,} bytes, over the limit of {limit:,}")
        self.size, self.limit = size, limit


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, never more than `limit` of them read: a 100 MB document once took
    minutes and gigabytes before anything could be said about it."""
    size = path.stat().st_size
    if size > limit:
        raise InputTooLarge(size, limit)
    with path.open("rb") as stream:
        data = stream.read(limit + 1)  # a file that grows while read
    if len(data) > limit:
        raise InputTooLarge(len(data), limit)
    return data


def too_large(path: str, error: InputTooLarge) -> Diagnostic:
    from apic.compiler import codes

    return codes.INPUT_TOO_LARGE(
        SourceFile(path, "").span(0, 0),
        f"`{path}` is {error.size:,} bytes; apic reads inputs of at most {error.limit:,} bytes",
        help="raise the limit with --max-input-bytes if the file is meant to be this large",
    )


def read_source(
    path: Path, options: LoadOptions, text: str | None = None
) -> tuple[SourceFile, list[Diagnostic]]:
    """The file (or `text`, standing for it) decoded, with what reading it said: too large
    (the source is then empty), or not UTF-8. For the frontends that read one file whole."""
    shown = display_path(path)
    try:
        data = text.encode("utf-8") if text is not None else read_bounded(path, options.max_input_bytes)
    except InputTooLarge as error:
        return SourceFile(shown, ""), [too_large(shown, error)]
    source, problem = decode(data, shown)
    return source, [problem] if problem else []


NAME_MAX, PATH_MAX = 255, 4096  # bytes, as Linux and macOS file systems allow


def unusable_path(path: Path | str) -> str | None:
    """Why no file can have this name (a NUL character, a name or path longer than file
    systems allow), or None. Asking the OS about such a name raises instead of answering
    "no such file", so references are checked with this first."""
    text = str(path)
    if "\x00" in text:
        return "contains a NUL character"
    encoded = text.encode("utf-8", "surrogateescape")
    if len(encoded) > PATH_MAX or any(
        len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in Path(text).parts
    ):
        return f"is longer than file systems allow ({NAME_MAX} bytes a name, {PATH_MAX} a path)"
    return None


GW_SUFFIX = ".gw"
OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")  # what the OpenAPI frontend reads


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else an empty one: configurations are written by hand, and a
    field of the wrong shape reads as absent (the import reports what it cannot read)."""
    return value if isinstance(value, dict) else {}


def listed(value: Any) -> list[Any]:
    """`value` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []
