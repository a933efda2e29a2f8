"""The `apic` command line. Exit codes: 0 clean, 1 findings at or above the fail level,
2 usage, input or internal error. Every problem, usage errors included, is a diagnostic;
no traceback reaches the user (set APIC_DEBUG=1 to see one after an internal error).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import TypeAdapter

from apic import __version__
from apic.api import lint, load
from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity, sort_unique
from apic.compiler.emit.formatters import FORMATTERS
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.model import GatewayModel
from apic.compiler.source import SourceFile
from apic.compiler.suggest import did_you_mean
from apic.targets.base import Artifact, discover_targets

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    def __init__(self, message: str, argument: str | None = None, help: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument
        self.help = help


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        quoted = re.findall(r"'([^']+)'", message)
        named = message.split("arguments: ", 1)[1].split()[0] if "arguments: " in message else None
        raise UsageError(
            message,
            named or (quoted[0] if quoted else None),
            help=f"run `{self.prog} --help` for usage",
        )


class CommandLine:
    """The command line as a source, so usage errors point at the offending argument."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.quoted = [shlex.quote(a) for a in ["apic", *self.argv]]
        self.source = SourceFile("<command line>", " ".join(self.quoted))

    def span_of(self, argument: str | None) -> object:
        offset = 0
        for quoted, raw in zip(self.quoted, ["apic", *self.argv], strict=True):
            if argument is not None and raw == argument and offset > 0:
                return self.source.span(offset, offset + len(quoted))
            offset += len(quoted) + 1
        return self.source.span(0, len(self.source.text))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apic",
        description="One API gateway description, compiled to every gateway and linted.",
    )
    parser.add_argument("--version", action="version", version=f"apic {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--format",
            choices=sorted(FORMATTERS),
            default="human",
            help="how to print diagnostics (default: human)",
        )
        p.add_argument(
            "--allow-remote-refs",
            action="store_true",
            help="fetch $refs to http(s) URLs (never done otherwise)",
        )
        p.add_argument(
            "--project-root",
            type=Path,
            default=None,
            help="imports and file() may not leave this folder (default: the input's folder)",
        )

    check = sub.add_parser("check", help="parse and validate; exit 2 on any error")
    check.add_argument("files", nargs="+", type=Path)
    common(check)

    lint_p = sub.add_parser("lint", help="validate and run the lint rules")
    lint_p.add_argument("files", nargs="+", type=Path)
    lint_p.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default="error",
        help="exit 1 when a finding has at least this severity (default: error)",
    )
    common(lint_p)

    compile_p = sub.add_parser("compile", help="compile to a target")
    compile_p.add_argument("file", type=Path)
    compile_p.add_argument("--target", "-t", required=True, help="a registered target (see `apic targets`)")
    compile_p.add_argument(
        "-o", "--output", type=Path, default=None, help="write artifacts into this folder (default: stdout)"
    )
    compile_p.add_argument(
        "--output-format",
        default=None,
        help="the artifact's syntax, e.g. yaml or json for cfn (default: the target's first)",
    )
    common(compile_p)

    inspect = sub.add_parser("inspect", help="print the resolved model as JSON (apic-ir.schema.json)")
    inspect.add_argument("file", type=Path)
    common(inspect)

    sub.add_parser("targets", help="list the registered targets")
    sub.add_parser("cfn-lint-rules", help="where apic's cfn-lint rules are, and how to run them")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command_line = CommandLine(argv)
    output_format = "human"
    files_seen = 0
    to_stderr = bool(argv) and argv[0] in ("compile", "inspect")  # stdout carries their output
    try:
        args = build_parser().parse_args(argv)
        output_format = getattr(args, "format", "human")
        diagnostics, exit_code, files_seen = run(args, command_line)
    except UsageError as error:
        diagnostics = [codes.USAGE_ERROR(command_line.span_of(error.argument), str(error), help=error.help)]  # type: ignore[arg-type]
        exit_code = EXIT_ERROR
    except SystemExit as exit_request:  # --help and --version
        return int(exit_request.code or 0)
    except Exception as error:  # the promise: no traceback, an internal-error diagnostic
        if os.environ.get("APIC_DEBUG"):
            traceback.print_exc()
        diagnostics = [
            codes.INTERNAL_ERROR(
                command_line.source.span(0, len(command_line.source.text)),
                f"internal error: {type(error).__name__}: {error}",
                help="this is a bug in apic: please report it with the input "
                "(APIC_DEBUG=1 shows the traceback)",
            )
        ]
        exit_code = EXIT_ERROR
    if files_seen >= 0:  # -1: a listing command with nothing to report
        emit(diagnostics, output_format, files_seen, sys.stderr if to_stderr else sys.stdout)
    return exit_code


def model_json(model: GatewayModel) -> str:
    return TypeAdapter(GatewayModel).dump_json(model, indent=2).decode() + "\n"


def emit(diagnostics: list[Diagnostic], output_format: str, files: int, stream: TextIO) -> None:
    formatter = FORMATTERS[output_format]()
    stream.write(formatter.format(sort_unique(diagnostics), files=files))


def run(args: argparse.Namespace, command_line: CommandLine) -> tuple[list[Diagnostic], int, int]:
    if args.command == "targets":
        targets = discover_targets()
        if not targets:
            print("No targets are registered yet.")
        for name, target in targets.items():
            print(f"{name:12} {target.description}")
        return [], EXIT_OK, -1

    if args.command == "cfn-lint-rules":
        from apic.targets.cfn.lint import usage

        sys.stdout.write(usage())
        return [], EXIT_OK, -1

    options = LoadOptions(project_root=args.project_root, allow_remote_refs=args.allow_remote_refs)
    files = args.files if args.command in ("check", "lint") else [args.file]
    missing = [f for f in files if not f.is_file()]
    if missing:
        return (
            [
                codes.INPUT_NOT_FOUND(
                    command_line.span_of(str(f)),
                    f"no such file: {f}",
                    help=did_you_mean(f.name, (p.name for p in f.parent.glob("*.gw")))
                    if f.parent.is_dir()
                    else None,
                )
                for f in missing
            ],
            EXIT_ERROR,
            len(files),
        )

    if args.command == "inspect":
        loaded = load(files[0], options)
        if loaded.model is not None:
            sys.stdout.write(model_json(loaded.model))
            return loaded.diagnostics, EXIT_OK, 1
        return loaded.diagnostics, EXIT_ERROR, 1

    if args.command == "check":
        diagnostics = [d for f in files for d in load(f, options).diagnostics]
        failed = any(d.severity is Severity.ERROR for d in diagnostics)
        return diagnostics, EXIT_ERROR if failed else EXIT_OK, len(files)

    if args.command == "lint":
        results = [lint(f, options) for f in files]
        diagnostics = [d for r in results for d in r.diagnostics]
        if any(r.load.model is None for r in results):
            return diagnostics, EXIT_ERROR, len(files)
        fail_on = Severity(args.fail_on)
        return (
            diagnostics,
            EXIT_FINDINGS if any(d.severity.at_least(fail_on) for d in diagnostics) else EXIT_OK,
            len(files),
        )

    # compile
    targets = discover_targets()
    if args.target not in targets:
        available = ", ".join(sorted(targets)) or "none yet"
        return (
            [
                codes.UNKNOWN_TARGET(
                    command_line.span_of(args.target),
                    f"target `{args.target}` is not available (registered targets: {available})",
                    help=did_you_mean(args.target, targets) or "see `apic targets`",
                )
            ],
            EXIT_ERROR,
            1,
        )
    target = targets[args.target]()
    if args.output_format is not None and args.output_format not in target.output_formats:
        raise UsageError(
            f"target `{target.name}` writes {' or '.join(target.output_formats)}, not `{args.output_format}`",
            args.output_format,
            help=did_you_mean(args.output_format, target.output_formats),
        )
    loaded = load(files[0], options)
    if loaded.model is None or any(d.severity is Severity.ERROR for d in loaded.diagnostics):
        return loaded.diagnostics, EXIT_ERROR, 1
    result = target.compile(loaded.model, args.output_format)
    diagnostics = [*loaded.diagnostics, *result.diagnostics]
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        return diagnostics, EXIT_FINDINGS, 1  # nothing is written
    write_artifacts(result.artifacts, args.output)
    return diagnostics, EXIT_OK, 1


def write_artifacts(artifacts: Sequence[Artifact], folder: Path | None) -> None:
    """To stdout when no folder is given (one artifact; several are separated by their names)."""
    if folder is None:
        for artifact in artifacts:
            if len(artifacts) > 1:
                sys.stdout.write(f"# --- {artifact.path}\n")
            sys.stdout.write(artifact.text)
        return
    for artifact in artifacts:
        destination = folder / artifact.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(artifact.text, encoding="utf-8")
