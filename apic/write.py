"""Writing artifacts into `-o DIR`: all or nothing, never through a link, never over an input.

Each artifact is written to a temporary file in its destination folder and renamed over the
destination only once every artifact is written, so a failed write (a full disk, a missing
permission) leaves the previous outputs as they were, never a truncated template that still
parses. A rename replaces a symbolic link at the destination instead of writing through it;
a link among the folders below `-o` is refused, so nothing lands outside it. An input file
(an imported `.gw`, a `$ref`'d document) is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class WriteRefused(Exception):
    """The outputs cannot go where asked; nothing was written."""


@dataclass(frozen=True)
class PlannedWrite:
    destination: Path
    text: str


def plan_writes(
    folder: Path, artifacts: Sequence[tuple[PurePosixPath, str]], inputs: Iterable[Path]
) -> list[PlannedWrite]:
    """Check every destination before anything is written."""
    if folder.exists() and not folder.is_dir():
        raise WriteRefused(f"`-o {folder}` is a file; -o names the folder the artifacts are written into")
    protected = {p.resolve() for p in inputs}
    planned = []
    for relative, text in artifacts:
        if relative.is_absolute() or ".." in relative.parts:
            raise WriteRefused(f"artifact `{relative}` would be written outside `{folder}`")
        step = folder
        for part in relative.parts[:-1]:
            step = step / part
            if step.is_symlink():
                raise WriteRefused(f"`{step}` is a symbolic link: apic does not write through links")
            if step.exists() and not step.is_dir():
                raise WriteRefused(f"`{step}` is a file, not a folder")
        destination = folder / relative
        if destination.is_dir() and not destination.is_symlink():
            raise WriteRefused(f"`{destination}` is a folder, not a file")
        if destination.resolve() in protected or (
            not destination.is_symlink() and destination.absolute() in protected
        ):
            raise WriteRefused(f"`{destination}` is an input of this compile; apic never overwrites one")
        planned.append(PlannedWrite(destination, text))
    return planned


def write_all(planned: Sequence[PlannedWrite]) -> None:
    """Write every artifact to a temporary file beside it, then rename them all into place.
    An OSError leaves the destinations untouched (and no temporary file behind)."""
    written: list[tuple[str, Path]] = []
    try:
        for item in planned:
            item.destination.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=item.destination.parent, prefix=f".{item.destination.name}.", suffix=".tmp"
            )
            written.append((temporary, item.destination))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(item.text)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, destination in written:
            os.replace(temporary, destination)
    except BaseException:
        for temporary, _ in written:
            if os.path.exists(temporary):
                os.unlink(temporary)
        raise
