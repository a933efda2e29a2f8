"""The `apic` command line. Exit codes: 0 clean, 1 findings at or above the fail level,
2 usage, input or internal error. Every problem, usage errors included, is a diagnostic;
no traceback reaches the user (set APIC_DEBUG=1 to see one after an internal error).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TextIO

from pydantic import TypeAdapter

from apic import __version__
from apic.api import config_for, lint, lint_plan, load, rule_set
from apic.compiler import codes
from apic.compiler.config import LoadedConfig, config_boundary, load_config
from apic.compiler.diagnostics import Diagnostic, Severity, sort_unique
from apic.compiler.emit.formatters import FORMAT_CHOICES, pick
from apic.compiler.emit.render import render
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.lint.docs import kinds_text, rule_page
from apic.compiler.lint.plan import LintPlan, Selector
from apic.compiler.lintcache import Cached, LintCache
from apic.compiler.model import GatewayModel
from apic.compiler.roots import lint_roots
from apic.compiler.source import SourceFile, Span
from apic.compiler.suggest import did_you_mean
from apic.targets.base import Artifact, OptionValue, Target, discover_targets
from apic.write import WriteRefused, plan_writes, write_all

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

    def span_of(self, argument: str | None) -> Span:
        offset = 0
        for quoted, raw in zip(self.quoted, ["apic", *self.argv], strict=True):
            if argument is not None and raw == argument and offset > 0:
                return self.source.span(offset, offset + len(quoted))
            offset += len(quoted) + 1
        return self.source.span(0, len(self.source.text))

    def selectors(self, values: Sequence[str]) -> list[Selector]:
        """`--select RT,AU001`: one selector per item, each pointing at its own characters."""
        found: list[Selector] = []
        for value in values:
            whole = self.span_of(value)
            inline = whole.text == value  # unquoted: item offsets map 1:1
            position = 0
            for item in value.split(","):
                start = value.index(item, position)
                position = start + len(item)
                if not item.strip():
                    continue
                span = self.source.span(whole.start + start, whole.start + position) if inline else whole
                found.append(Selector(item.strip(), span))
        return found


class Progress:
    """`[12/340] api/orders.gw` on one line of stderr while many files are read, cleared at
    the end; only on a terminal (never in a pipe, a log or CI output), only past a few files."""

    MIN_FILES = 10

    def __init__(self, total: int, *, enabled: bool = True) -> None:
        self.total = total
        self.count = 0
        self.on = enabled and total >= self.MIN_FILES and sys.stderr.isatty()

    def step(self, file: Path) -> None:
        self.count += 1
        if self.on:
            sys.stderr.write(f"\r\x1b[K[{self.count}/{self.total}] {file}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()


def stdin_name(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--stdin-filename",
        type=Path,
        default=None,
        metavar="PATH",
        help="with -: the path standard input stands for (positions, imports, configuration; "
        "default ./stdin.gw)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apic",
        description="One API gateway description, compiled to every gateway and linted.",
    )
    parser.add_argument("--version", "-V", action="version", version=f"apic {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--format",
            choices=FORMAT_CHOICES,
            default="auto",
            help="how to print diagnostics (default: auto = github under GitHub Actions, else human)",
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
            help="imports and file() may not leave this folder (default: the input's folder); "
            "configuration is never read from above it (default: above the repository)",
        )
        p.add_argument("--verbose", "-v", action="store_true", help="say which configuration file applies")
        p.add_argument(
            "--quiet", "-q", action="store_true", help="print findings only: no summary, nothing when clean"
        )
        p.add_argument(
            "--max-input-bytes",
            type=int,
            default=LoadOptions.max_input_bytes,
            metavar="N",
            help=f"the largest input file read (default {LoadOptions.max_input_bytes:,} bytes)",
        )

    check = sub.add_parser("check", help="parse and validate; exit 2 on any error")
    check.add_argument("files", nargs="+", type=Path, help="files, or - for standard input")
    stdin_name(check)
    common(check)

    lint_p = sub.add_parser("lint", help="validate and run the lint rules")
    lint_p.add_argument("files", nargs="+", type=Path, help="files, or - for standard input")
    stdin_name(lint_p)
    lint_p.add_argument(
        "--cache",
        action="store_true",
        help="reuse what an unchanged file and its imports gave last time (.apic_cache/ at the project root)",
    )
    lint_p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="lint N files at once")
    lint_p.add_argument(
        "--as-given",
        action="store_true",
        help="lint exactly these files (by default a file another file imports is linted through that file)",
    )
    lint_p.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=None,
        help="exit 1 when a finding has at least this severity (default: the config's, else error)",
    )
    lint_p.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="run only these rules: codes, names, families or ALL, comma-separated (replaces the config's)",
    )
    lint_p.add_argument(
        "--ignore",
        action="append",
        metavar="RULES",
        help="skip these rules, comma-separated (added to the config's)",
    )
    lint_p.add_argument(
        "--config",
        type=Path,
        default=None,
        help="apic.toml or pyproject.toml to use (default: the nearest one above each file)",
    )
    common(lint_p)

    compile_p = sub.add_parser("compile", help="compile to a target")
    compile_p.add_argument("file", type=Path)
    compile_p.add_argument("--target", "-t", required=True, help="a registered target (see `apic targets`)")
    compile_p.add_argument(
        "-o", "--output", type=Path, default=None, help="write artifacts into this folder (default: stdout)"
    )
    compile_p.add_argument(
        "--check",
        action="store_true",
        help="with -o: write nothing; print a diff and exit 1 when the files there are not what "
        "compiling gives (a pre-commit or CI check that generated files are current)",
    )
    compile_p.add_argument(
        "--no-lint",
        action="store_true",
        help="skip the lint rules (by default an error-level finding stops the compile)",
    )
    compile_p.add_argument(
        "--output-format",
        default=None,
        help="the artifact's syntax, e.g. yaml or json for cfn (default: the target's first)",
    )
    compile_p.add_argument(
        "--allow-left-out",
        action="store_true",
        help="compile even when operations cannot be represented (SC026); by default that stops "
        "the compile, since the outputs would lack them",
    )
    compile_p.add_argument(
        "--backend",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="send backend NAME's requests to URL instead (a local run); repeatable",
    )
    compile_p.add_argument(
        "--controller",
        metavar="NAME",
        default=None,
        help="the Ingress controller of target k8s (alb, kong, nginx): --option controller=NAME",
    )
    compile_p.add_argument(
        "--flavor",
        metavar="NAME",
        default=None,
        help="the flavor of target openapi (aws, plain): --option flavor=NAME",
    )
    compile_p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a deployment setting of the target (see `apic targets`), e.g. resource-quota=600",
    )
    common(compile_p)

    probe = sub.add_parser(
        "probe", help="send the model's expectations to a deployed gateway and report each mismatch"
    )
    probe.add_argument("base_url", metavar="BASE_URL", help="the gateway's base URL (a stage URL, a proxy)")
    probe.add_argument("file", type=Path)
    probe.add_argument(
        "--key", action="append", default=[], metavar="CONSUMER=KEY", help="a consumer's API key (repeatable)"
    )
    probe.add_argument("--host", default=None, help="the Host header: one of the model's domains, or another")
    probe.add_argument("--limits", action="store_true", help="also send a throttled route its burst + 2")
    probe.add_argument("--max-requests", type=int, default=300, metavar="N", help="the request budget")
    probe.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS", help="per request")
    probe.add_argument("--per-route", type=int, default=2, metavar="N", help="sample paths per route")
    probe.add_argument("--insecure", action="store_true", help="accept any TLS certificate")
    common(probe)

    import_p = sub.add_parser(
        "import",
        help="a gateway's own configuration (an API Gateway export, a decK file, Kubernetes objects) "
        "as canonical .gw",
    )
    import_p.add_argument("file", type=Path)
    import_p.add_argument(
        "--from",
        dest="source",
        required=True,
        choices=("aws-export", "kong", "k8s"),
        help="what FILE is: aws-export (OpenAPI with x-amazon-apigateway-* extensions), kong (a decK file) "
        "or k8s (Ingress or HTTPRoute objects)",
    )
    import_p.add_argument(
        "-o", "--output", type=Path, default=None, help="write the .gw file here (default: stdout)"
    )
    common(import_p)

    sub.add_parser("lsp", help="the language server, over stdio (editors start it)")

    fmt_p = sub.add_parser("fmt", help="rewrite .gw files in the canonical layout (comments kept)")
    fmt_p.add_argument("files", nargs="+", type=Path)
    fmt_p.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    fmt_p.add_argument("--diff", action="store_true", help="write nothing; print what would change")
    common(fmt_p)

    explain_p = sub.add_parser("explain", help="which route a request reaches, its settings, and each target")
    explain_p.add_argument("file", type=Path)
    explain_p.add_argument("request", help='"GET /book/42" or "GET https://api.example.com/api/book/42"')
    explain_p.add_argument("--host", default=None, help="the request's host, when the request text has none")
    common(explain_p)

    graph_p = sub.add_parser("graph", help="the route map: domains, stages, routes, backends")
    graph_p.add_argument("file", type=Path)
    graph_p.add_argument(
        "--output-format",
        choices=("mermaid", "dot", "svg"),
        default="mermaid",
        help="Mermaid (default), Graphviz DOT, or SVG (drawn by Graphviz's dot, when installed)",
    )
    common(graph_p)

    inspect = sub.add_parser("inspect", help="print the resolved model as JSON (apic-ir.schema.json)")
    inspect.add_argument("file", type=Path)
    common(inspect)

    rules_p = sub.add_parser("rules", help="list the lint rules")
    rules_p.add_argument("--format", choices=("human", "json"), default="human")
    rule_p = sub.add_parser("rule", help="explain one lint rule (by code or name)")
    rule_p.add_argument("rule", help="a rule code such as RT001 or a name such as route-duplicate")

    sub.add_parser("targets", help="list the registered targets")
    sub.add_parser("cfn-lint-rules", help="where apic's cfn-lint rules are, and how to run them")
    return parser


def tolerant_streams() -> None:
    """Diagnostics reach any terminal: a character the stream's encoding lacks (`é` under
    PYTHONIOENCODING=ascii) is written as an escape instead of raising. Artifacts bypass
    this: they are written as UTF-8 bytes (`write_to_stdout`)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    tolerant_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    command_line = CommandLine(argv)
    output_format = "human"
    quiet = False
    files_seen = 0
    to_stderr = bool(argv) and argv[0] in (
        "compile",
        "inspect",
        "graph",
        "explain",
        "import",
    )  # stdout carries their output
    try:
        args = build_parser().parse_args(argv)
        output_format = getattr(args, "format", "human")
        quiet = bool(getattr(args, "quiet", False))
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
        try:
            emit(diagnostics, output_format, files_seen, sys.stderr if to_stderr else sys.stdout, quiet=quiet)
        except Exception:  # nothing escapes main(), not even a broken or closed stream
            if os.environ.get("APIC_DEBUG"):
                traceback.print_exc()
            return EXIT_ERROR
    return exit_code


def model_json(model: GatewayModel) -> str:
    return TypeAdapter(GatewayModel).dump_json(model, indent=2).decode() + "\n"


def emit(
    diagnostics: list[Diagnostic], output_format: str, files: int, stream: TextIO, *, quiet: bool = False
) -> None:
    rules = {rule.code: rule for rule in rule_set().rules}
    formatter = pick(output_format)(rules)
    text = formatter.format(sort_unique(diagnostics), files=files)
    if quiet and formatter.name == "human":
        text = "".join(render(d) + "\n\n" for d in sort_unique(diagnostics))
    buffer = getattr(stream, "buffer", None)
    if formatter.name in ("json", "sarif") and buffer is not None:
        # a document for programs: UTF-8 always, as JSON requires (an escape the terminal's
        # encoding forced, `\xe9`, would be invalid JSON)
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    stream.write(text)


def run(args: argparse.Namespace, command_line: CommandLine) -> tuple[list[Diagnostic], int, int]:
    if args.command == "targets":
        targets = discover_targets()
        if not targets:
            print("No targets are registered yet.")
        width = max((len(name) for name in targets), default=0) + 1
        for name, target in targets.items():
            print(f"{name:{width}} {target.description}")
            for option_name, option in sorted(target.options.items()):
                print(f"{'':{width}}   --option {option_name}=<{option.kind.__name__}>  {option.help}")
        return [], EXIT_OK, -1

    if args.command == "lsp":
        from apic.lsp import main as serve

        serve()
        return [], EXIT_OK, -1

    if args.command == "rules":
        sys.stdout.write(rules_table(args.format))
        return [], EXIT_OK, -1

    if args.command == "rule":
        return explain_rule(args.rule, command_line)

    if args.command == "cfn-lint-rules":
        from apic.targets.cfn.lint import usage

        sys.stdout.write(usage())
        return [], EXIT_OK, -1

    if args.max_input_bytes < 1:
        raise UsageError("--max-input-bytes takes a whole number above 0", str(args.max_input_bytes))
    options = LoadOptions(
        project_root=args.project_root,
        allow_remote_refs=args.allow_remote_refs,
        max_input_bytes=args.max_input_bytes,
    )
    files = args.files if args.command in ("check", "lint", "fmt") else [args.file]
    stdin_text: str | None = None
    if args.command in ("check", "lint") and "-" in [str(f) for f in files]:
        if len(files) > 1:
            raise UsageError("- (standard input) cannot be mixed with files", "-")
        stdin_text = read_stdin(args.max_input_bytes)
        files = [args.stdin_filename or Path("stdin.gw")]
        args.as_given = True  # nothing else to lint it through
    elif getattr(args, "stdin_filename", None) is not None:
        raise UsageError("--stdin-filename names what - stands for; no - was given", str(args.stdin_filename))
    missing = [f for f in files if not f.is_file() and stdin_text is None]
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

    if args.command == "fmt":
        return run_fmt(args, files, options, command_line)

    if args.command == "explain":
        from apic.explain import ExplainError, Request, explain_text

        try:
            request = Request.parse(args.request, args.host)
        except ExplainError as error:
            raise UsageError(str(error), args.request) from None
        loaded = load(files[0], options)
        if loaded.model is None or any(d.severity is Severity.ERROR for d in loaded.diagnostics):
            return loaded.diagnostics, EXIT_ERROR, 1
        outcomes = {
            name: list(target().compile(loaded.model).diagnostics)
            for name, target in discover_targets().items()
        }
        sys.stdout.write(explain_text(loaded.model, request, outcomes))
        return loaded.diagnostics, EXIT_OK, -1 if not loaded.diagnostics else 1

    if args.command == "graph":
        from apic.graph import dot, mermaid, route_map

        loaded = load(files[0], options)
        if loaded.model is None or any(d.severity is Severity.ERROR for d in loaded.diagnostics):
            return loaded.diagnostics, EXIT_ERROR, 1
        routes = route_map(loaded.model)
        text = mermaid(routes) if args.output_format == "mermaid" else dot(routes)
        if args.output_format == "svg":
            text = draw_svg(text)
        sys.stdout.write(text)
        return loaded.diagnostics, EXIT_OK, 1

    if args.command == "inspect":
        loaded = load(files[0], options)
        if loaded.model is not None:
            sys.stdout.write(model_json(loaded.model))
            return loaded.diagnostics, EXIT_OK, 1
        return loaded.diagnostics, EXIT_ERROR, 1

    if args.command == "check":
        diagnostics = []
        with Progress(len(files), enabled=not args.quiet) as progress:
            for file in files:
                progress.step(file)
                diagnostics.extend(load(file, options, stdin_text).diagnostics)
        failed = any(d.severity is Severity.ERROR for d in diagnostics)
        return diagnostics, EXIT_ERROR if failed else EXIT_OK, len(files)

    if args.command == "lint":
        return run_lint(args, files, options, command_line, stdin_text)

    if args.command == "probe":
        return run_probe(args, files[0], options, command_line)

    if args.command == "import":
        return run_import(args, files[0], options, command_line)

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
    configured, refused = configured_options(target, config_for(files[0], args.project_root))
    if refused:
        return refused, EXIT_ERROR, 1
    target_options = configured | parse_target_options(target, args.option)
    for flag, name, value, owner in (
        ("--controller", "controller", args.controller, "the Ingress controller of target k8s"),
        ("--flavor", "flavor", args.flavor, "the flavor of target openapi"),
    ):
        if value is not None:
            target_options[name] = shorthand_option(target, flag, name, value, owner)
    if args.check and args.output is None:
        raise UsageError("--check compares with the files in -o DIR: name the folder", "--check")
    if args.output is not None and args.output.exists() and not args.output.is_dir():
        raise UsageError(
            f"`-o {args.output}` is a file; -o names the folder the artifacts are written into",
            str(args.output),
        )
    if args.no_lint:
        loaded = load(files[0], options)
        findings: list[Diagnostic] = list(loaded.diagnostics)
    else:
        # lint first: an error-level finding (a deploy failure or a security hole) blocks the
        # build unless it is suppressed or configured down, as rules.md promises
        if args.verbose:
            say_config(files[0], config_for(files[0], args.project_root))
        linted = lint(files[0], options)
        # a build shows what can break it; info-level intent checks belong to `apic lint`
        loaded = linted.load
        findings = [d for d in linted.diagnostics if d.severity is not Severity.INFO]
    if loaded.model is None or any(d.severity is Severity.ERROR for d in loaded.diagnostics):
        return findings, EXIT_ERROR, 1
    if any(d.code.startswith("AP") and d.severity is Severity.ERROR for d in findings):
        return findings, EXIT_ERROR, 1  # a broken configuration
    left_out = [d for d in findings if d.code == codes.ROUTE_LEFT_OUT.code]
    if left_out and not args.allow_left_out:
        # an output without some of the source's operations is data loss: say so and stop
        findings = [
            d.with_severity(Severity.ERROR) if d.code == codes.ROUTE_LEFT_OUT.code else d for d in findings
        ]
        findings.append(
            codes.ROUTE_LEFT_OUT(
                command_line.span_of(str(files[0])),
                f"{len(left_out)} operation(s) of {files[0]} would be missing from the output; "
                "nothing is written",
                help="fix them, or pass --allow-left-out to compile without them",
                severity=Severity.ERROR,
            )
        )
    if any(d.severity is Severity.ERROR for d in findings):
        return findings, EXIT_FINDINGS, 1  # lint errors: nothing is written
    model = loaded.model
    if args.backend:
        from apic.compiler.backends import BackendOverrideError, parse_overrides, with_backends

        try:
            model = with_backends(model, parse_overrides(args.backend))
        except BackendOverrideError as error:
            item = next((i for i in args.backend if i.partition("=")[0] == error.name), error.name)
            raise UsageError(str(error), item) from None
    result = target.compile(model, args.output_format, target_options)
    diagnostics = [*findings, *result.diagnostics]
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        return diagnostics, EXIT_FINDINGS, 1  # nothing is written
    if args.output is None:
        write_to_stdout(result.artifacts)
        return diagnostics, EXIT_OK, 1
    if args.check:
        stale = stale_artifacts(args.output, result.artifacts)
        sys.stdout.write("".join(stale))
        return diagnostics, EXIT_FINDINGS if stale else EXIT_OK, 1
    inputs = [Path(s.path) for s in loaded.sources if "://" not in s.path]
    try:
        planned = plan_writes(args.output, [(a.path, a.text) for a in result.artifacts], inputs)
    except WriteRefused as refused:
        raise UsageError(str(refused), str(args.output)) from None
    try:
        write_all(planned)
    except OSError as error:
        diagnostics.append(
            codes.OUTPUT_NOT_WRITTEN(
                command_line.span_of(str(args.output)),
                f"cannot write into `{args.output}`: {error.strerror or error}",
                help="no output was changed",
            )
        )
        return diagnostics, EXIT_ERROR, 1
    return diagnostics, EXIT_OK, 1


def shorthand_option(target: Target, flag: str, name: str, value: str, owner: str) -> OptionValue:
    """`--controller X` / `--flavor X`: `--option NAME=X` for the one target that has it."""
    if name not in target.options:
        raise UsageError(f"{flag} picks {owner}; target `{target.name}` has none", value)
    try:
        return target.options[name].parse(value)
    except ValueError as expected:
        raise UsageError(
            f"{flag} takes {expected}, not `{value}`",
            value,
            help=did_you_mean(value, target.options[name].choices),
        ) from None


def run_import(
    args: argparse.Namespace, file: Path, options: LoadOptions, command_line: CommandLine
) -> tuple[list[Diagnostic], int, int]:
    """`apic import FILE --from SOURCE [-o OUT.gw]`: the `.gw` text on stdout or, atomically,
    in OUT (never over an input, never through a link); nothing at all on an error."""
    from apic.importer import import_file

    if args.output is not None and args.output.is_dir():
        raise UsageError(f"`-o {args.output}` is a folder; -o names the .gw file to write", str(args.output))
    if args.output is not None and args.output.suffix != ".gw":
        raise UsageError(f"`-o {args.output}` does not end in .gw", str(args.output))
    imported = import_file(file, args.source, options)
    if imported.text is None:
        return imported.diagnostics, EXIT_ERROR, 1
    if args.output is None:
        write_to_stdout([Artifact(PurePosixPath("imported.gw"), imported.text, "text/plain")])
        return imported.diagnostics, EXIT_OK, 1
    inputs = [Path(s.path) for s in imported.sources if "://" not in s.path]
    folder = args.output.parent
    try:
        planned = plan_writes(folder, [(PurePosixPath(args.output.name), imported.text)], inputs)
        write_all(planned)
    except WriteRefused as refused:
        raise UsageError(str(refused), str(args.output)) from None
    except OSError as error:
        return (
            [
                *imported.diagnostics,
                codes.OUTPUT_NOT_WRITTEN(
                    command_line.span_of(str(args.output)),
                    f"cannot write `{args.output}`: {error.strerror or error}",
                    help="nothing was changed",
                ),
            ],
            EXIT_ERROR,
            1,
        )
    return imported.diagnostics, EXIT_OK, 1


def say_config(file: Path, config: LoadedConfig) -> None:
    """`--verbose`: which configuration file applies to `file` (stderr, so outputs stay clean)."""
    used = config.source.path if config.source is not None else "none (the defaults)"
    print(f"apic: configuration for {file}: {used}", file=sys.stderr)


def configured_options(
    target: Target, config: LoadedConfig
) -> tuple[dict[str, OptionValue], list[Diagnostic]]:
    """The target's options from `[targets.<name>]` of the configuration, each checked like
    `--option` (which overrides it); a bad one is AP020 on its key."""
    found: dict[str, OptionValue] = {}
    refused: list[Diagnostic] = list(config.diagnostics) if not config.ok else []
    for name, value in config.config.targets.get(target.name, {}).items():
        option = target.options.get(name)
        where = config.span("targets", target.name, name)
        if option is None:
            known = ", ".join(sorted(target.options)) or "none"
            refused.append(
                codes.INVALID_CONFIG(
                    where, f"target `{target.name}` has no option `{name}` (its options: {known})"
                )
            )
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        try:
            found[name] = option.parse(text)
        except ValueError as error:
            refused.append(codes.INVALID_CONFIG(where, f"`{name}` of target `{target.name}` must be {error}"))
    return found, refused


def run_probe(
    args: argparse.Namespace, file: Path, options: LoadOptions, command_line: CommandLine
) -> tuple[list[Diagnostic], int, int]:
    """`apic probe`: the model's checks against a deployed gateway (see apic.probe)."""
    from apic.probe.checks import probe_plan
    from apic.probe.client import ProbeUsageError, run_checks
    from apic.probe.client import Target as ProbeTarget

    try:
        target = ProbeTarget.parse(args.base_url)
    except ProbeUsageError as error:
        raise UsageError(str(error), args.base_url) from None
    for number, name in ((args.max_requests, "--max-requests"), (args.per_route, "--per-route")):
        if number < 1:
            raise UsageError(f"{name} takes a whole number above 0", str(number))
    if not 0 < args.timeout <= 120:
        raise UsageError("--timeout takes seconds between 0 and 120", str(args.timeout))
    keys = {}
    for item in args.key:
        name, equals, value = item.partition("=")
        if not equals or not name or not value:
            raise UsageError(f"`--key {item}` needs the form CONSUMER=KEY", item)
        keys[name] = value
    loaded = load(file, options)
    if loaded.model is None or any(d.severity is Severity.ERROR for d in loaded.diagnostics):
        return loaded.diagnostics, EXIT_ERROR, 1
    known = {c.name for api in loaded.model.apis for c in api.consumers}
    for name in keys:
        if name not in known:
            item = next(i for i in args.key if i.partition("=")[0] == name)
            raise UsageError(f"no consumer is named `{name}`", item, help=did_you_mean(name, known))
    plan = probe_plan(loaded.model, keys, args.host, args.per_route, args.limits)
    where = command_line.span_of(args.base_url)
    found, _ = run_checks(target, plan.checks, args.max_requests, args.timeout, args.insecure, where)
    for route in plan.unkeyed:
        found.append(
            codes.PROBE_KEY_UNKNOWN(
                route.span or where,
                f"{route.label} was probed without a valid key only: no consumer's key is known for it",
                help="pass --key CONSUMER=KEY",
            )
        )
    failed = any(d.severity is Severity.ERROR for d in found)
    return [*loaded.diagnostics, *found], EXIT_FINDINGS if failed else EXIT_OK, 1


def parse_target_options(target: Target, given: list[str]) -> dict[str, OptionValue]:
    """`NAME=VALUE` settings checked against what the target declares; a usage error names
    the argument at fault."""
    parsed: dict[str, OptionValue] = {}
    for item in given:
        name, equals, text = item.partition("=")
        if not equals:
            raise UsageError(f"`--option {item}` needs the form NAME=VALUE", item)
        option = target.options.get(name)
        if option is None:
            known = ", ".join(sorted(target.options)) or "none"
            raise UsageError(
                f"target `{target.name}` has no option `{name}` (its options: {known})",
                item,
                help=did_you_mean(name, target.options),
            )
        try:
            parsed[name] = option.parse(text)
        except ValueError as expected:
            raise UsageError(f"option `{name}` takes {expected}, not `{text}`", item) from None
    return parsed


def run_fmt(
    args: argparse.Namespace, files: list[Path], options: LoadOptions, command_line: CommandLine
) -> tuple[list[Diagnostic], int, int]:
    """`apic fmt`: each file in the canonical layout, written only when it reads back to the
    same model (and in place, atomically, never through a link)."""
    from apic.compiler.frontends.dsl.format import FormatError, format_text

    diagnostics: list[Diagnostic] = []
    changed = 0
    for file in files:
        where = command_line.span_of(str(file))
        if file.suffix != ".gw":
            diagnostics.append(codes.USAGE_ERROR(where, f"{file}: apic fmt formats .gw files"))
            continue
        text = file.read_text(encoding="utf-8")
        try:
            formatted = format_text(text, str(file))
        except FormatError as error:
            diagnostics.extend(load(file, options).diagnostics or [codes.USAGE_ERROR(where, str(error))])
            continue
        if formatted == text:
            continue
        before, after = load(file, options, text), load(file, options, formatted)
        if before.model != after.model:
            diagnostics.append(
                codes.INTERNAL_ERROR(
                    where, f"{file}: the formatted text would mean something else; nothing was written"
                )
            )
            continue
        changed += 1
        if args.diff:
            sys.stdout.write(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        formatted.splitlines(keepends=True),
                        fromfile=str(file),
                        tofile=f"{file} (formatted)",
                    )
                )
            )
        elif args.check:
            print(f"{file} would be reformatted")
        else:
            if file.is_symlink():
                diagnostics.append(
                    codes.USAGE_ERROR(where, f"{file} is a link; apic fmt writes files, not links")
                )
                continue
            replace_text(file, formatted)
            print(f"formatted {file}")
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    if failed:
        return diagnostics, EXIT_ERROR, len(files)
    return (
        diagnostics,
        EXIT_FINDINGS if changed and (args.check or args.diff) else EXIT_OK,
        -1 if not diagnostics else len(files),
    )


def replace_text(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def draw_svg(dot_source: str) -> str:
    """The DOT text drawn by Graphviz's `dot`; a usage error when it is not installed."""
    program = shutil.which("dot")
    if program is None:
        raise UsageError(
            "SVG is drawn by Graphviz's `dot`, which is not installed (apt-get install graphviz)", "svg"
        )
    done = subprocess.run([program, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise UsageError(f"Graphviz's dot failed: {done.stderr.strip()[:200]}", "svg")
    return done.stdout


def stale_artifacts(folder: Path, artifacts: Sequence[Artifact]) -> list[str]:
    """A unified diff per artifact whose file in `folder` is missing or differs (`--check`)."""
    found = []
    for artifact in artifacts:
        path = folder / artifact.path
        try:
            current = path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError):
            current = None
        if current == artifact.text:
            continue
        found.append(
            "".join(
                difflib.unified_diff(
                    (current or "").splitlines(keepends=True),
                    artifact.text.splitlines(keepends=True),
                    fromfile=f"{path} (on disk)" if current is not None else f"{path} (missing)",
                    tofile=f"{path} (compiled)",
                )
            )
        )
    return found


def write_to_stdout(artifacts: Sequence[Artifact]) -> None:
    """One artifact as it is; several are separated by their names. Always UTF-8 bytes,
    whatever the terminal's encoding: the artifact is a file's content, not a message."""
    text = "".join(
        (f"# --- {artifact.path}\n" if len(artifacts) > 1 else "") + artifact.text for artifact in artifacts
    )
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stream (tests): text is all it takes
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def read_stdin(limit: int) -> str:
    """Standard input as text: UTF-8, at most `limit` bytes (a usage error otherwise)."""
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"standard input is larger than --max-input-bytes ({limit:,} bytes)", "-")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise UsageError(f"standard input is not UTF-8 (byte {error.start})", "-") from None


def run_lint(
    args: argparse.Namespace,
    files: list[Path],
    options: LoadOptions,
    command_line: CommandLine,
    stdin_text: str | None = None,
) -> tuple[list[Diagnostic], int, int]:
    """Lint each file with the plan of its configuration (found per file, built once each)."""
    if args.config is not None and not args.config.is_file():
        return (
            [codes.INPUT_NOT_FOUND(command_line.span_of(str(args.config)), f"no such file: {args.config}")],
            (EXIT_ERROR),
            len(files),
        )
    select = command_line.selectors(args.select) if args.select else None
    ignore = command_line.selectors(args.ignore) if args.ignore else []
    fail_on = Severity(args.fail_on) if args.fail_on else None
    plans: dict[str, LintPlan] = {}
    fingerprints: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    exit_code = EXIT_OK
    if not args.as_given:
        files = roots_to_lint(files, args, command_line)
    progress = Progress(len(files), enabled=not args.quiet)
    jobs: list[tuple[Path, str]] = []
    for file in files:
        config = (
            load_config(args.config, str(args.config)) if args.config else config_for(file, args.project_root)
        )
        if args.verbose:
            say_config(file, config)
        key = config.source.path if config.source is not None else ""
        if key not in plans:
            plan, problems = lint_plan(config, select=select, ignore=ignore, fail_on=fail_on)
            plans[key] = plan
            text = config.source.text if config.source is not None else ""
            fingerprints[key] = f"{text}|{args.select}|{args.ignore}|{args.fail_on}"
            diagnostics.extend(problems)
            if any(p.severity is Severity.ERROR for p in problems):
                exit_code = EXIT_ERROR
        if exit_code == EXIT_ERROR:
            continue  # a broken configuration: report it, lint nothing
        jobs.append((file, key))
    outcomes = lint_jobs(jobs, plans, fingerprints, args, options, stdin_text, progress)
    for (file, _), outcome in zip(jobs, outcomes, strict=True):
        diagnostics.extend(outcome.diagnostics)
        left_out = sum(1 for d in outcome.diagnostics if d.code == codes.ROUTE_LEFT_OUT.code)
        if left_out:
            diagnostics.append(
                codes.ROUTE_LEFT_OUT(
                    command_line.span_of(str(file)),
                    f"{left_out} operation(s) of {file} will be missing from every output",
                    help="`apic compile` stops on them unless --allow-left-out",
                )
            )
        if not outcome.model_ok:
            exit_code = EXIT_ERROR
        elif outcome.failed and exit_code == EXIT_OK:
            exit_code = EXIT_FINDINGS
    progress.done()
    return diagnostics, exit_code, len(files)


# what a forked worker of `--jobs` lints with: set before the pool forks, read in the child
_JOB_STATE: tuple[dict[str, LintPlan], LoadOptions, str | None] | None = None


def _lint_job(job: tuple[Path, str]) -> tuple[Cached, list[SourceFile]]:
    assert _JOB_STATE is not None
    plans, options, stdin_text = _JOB_STATE
    file, key = job
    result = lint(file, options, stdin_text, plan=plans[key])
    return Cached(result.diagnostics, result.load.model is not None, result.failed), result.load.sources


def lint_jobs(
    jobs: list[tuple[Path, str]],
    plans: dict[str, LintPlan],
    fingerprints: dict[str, str],
    args: argparse.Namespace,
    options: LoadOptions,
    stdin_text: str | None,
    progress: Progress,
) -> list[Cached]:
    """What linting each job finds: from the cache when its files are unchanged (`--cache`),
    else linted, in `--jobs` forked processes when there are several."""
    global _JOB_STATE
    caches: dict[str, LintCache] = {}
    if args.cache and stdin_text is None and jobs:
        top = config_boundary(jobs[0][0].resolve().parent, args.project_root)
        caches = {key: LintCache(top, fingerprint) for key, fingerprint in fingerprints.items()}
    outcomes: list[Cached | None] = [caches[key].get(file) if caches else None for file, key in jobs]
    misses = [i for i, outcome in enumerate(outcomes) if outcome is None]
    _JOB_STATE = (plans, options, stdin_text)
    parallel = args.jobs > 1 and len(misses) > 1
    if parallel:
        import multiprocessing  # imported only when jobs run in parallel

        parallel = "fork" in multiprocessing.get_all_start_methods()
    if parallel:
        import concurrent.futures
        import multiprocessing

        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
            done = pool.map(_lint_job, [jobs[i] for i in misses])
            results = dict(zip(misses, done, strict=True))
    else:
        results = {}
        for i in misses:
            progress.step(jobs[i][0])
            results[i] = _lint_job(jobs[i])
    for i, (outcome, sources) in results.items():
        outcomes[i] = outcome
        if caches:
            file, key = jobs[i]
            caches[key].put(file, sources, outcome)
    return [o for o in outcomes if o is not None]


def roots_to_lint(files: list[Path], args: argparse.Namespace, command_line: CommandLine) -> list[Path]:
    """The files to lint in place of `files`: each file another file imports is linted
    through the root that imports it (see apic.compiler.roots), each root once."""
    top = config_boundary(files[0].resolve().parent, args.project_root)
    config = (
        load_config(args.config, str(args.config)) if args.config else config_for(files[0], args.project_root)
    )
    configured: list[Path] = []
    if config.source is not None:
        base = Path(config.source.path).parent
        for pattern in config.config.lint.roots:
            configured.extend(base.glob(pattern))
    found = []
    cwd = Path.cwd()
    given = {Path(os.path.abspath(f)): f for f in files}
    search = lint_roots(files, top, configured)
    if search.stopped:
        print(
            f"apic: note: stopped looking for files that import these {search.stopped} under {top}; "
            "name the roots with [lint] roots, or pass --project-root or --as-given",
            file=sys.stderr,
        )
    for root, covered in search.roots:
        # a given file stands as it was given; a root found for it, relative to here
        shown = given.get(root) or (root.relative_to(cwd) if root.is_relative_to(cwd) else root)
        if args.verbose and covered != [root]:
            names = ", ".join(str(c.relative_to(cwd) if c.is_relative_to(cwd) else c) for c in covered)
            print(f"apic: linting {shown} for {names}, which it imports", file=sys.stderr)
        found.append(shown)
    return found


def rules_table(output_format: str) -> str:
    rules = rule_set().rules
    if output_format == "json":
        entries = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.default_severity.value,
                "severity_note": r.severity_note,
                "kinds": kinds_text(r),
                "summary": r.summary,
            }
            for r in rules
        ]
        return json.dumps(entries, indent=2) + "\n"
    rows = [("CODE", "NAME", "SEVERITY", "KINDS", "SUMMARY")]
    rows += [(r.code, r.name, r.default_severity.value, kinds_text(r), r.summary) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows
    ]
    lines.append("")
    lines.append(f"{len(rules)} rules. `apic rule NAME` explains one; select them in apic.toml [lint].")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def explain_rule(wanted: str, command_line: CommandLine) -> tuple[list[Diagnostic], int, int]:
    rules = rule_set().rules
    for rule in rules:
        if wanted in (rule.code, rule.name):
            sys.stdout.write(rule_page(rule))
            return [], EXIT_OK, -1
    names = [r.name for r in rules] + [r.code for r in rules]
    return (
        [
            codes.UNKNOWN_RULE(
                command_line.span_of(wanted),
                f"`{wanted}` is not a rule code or name",
                help=did_you_mean(wanted, names) or "see `apic rules`",
            )
        ],
        EXIT_ERROR,
        0,
    )
