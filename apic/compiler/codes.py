"""Codes that are not lint rules: syntax (PA), schema and binding (SC), apic itself (AP).

Each code is written out once, here, so it is greppable and documented in one place
(docs/diagnostics.md is generated from this table). Codes are never reused; a renamed code
keeps its number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from apic.compiler.diagnostics import Diagnostic, Related, Severity
from apic.compiler.source import Span


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str

    def __call__(
        self,
        span: Span,
        message: str,
        *,
        help: str | None = None,
        related: Iterable[tuple[Span, str]] = (),
        severity: Severity | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            span=span,
            related=tuple(Related(s, m) for s, m in related),
            help=help,
        )


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# --- PA: the text is not well-formed .gw -------------------------------------------------
MISSING_EQUALS = Code("PA001", "missing-equals", E, "an attribute name is not followed by `=`")
YAML_COLON = Code("PA002", "yaml-colon", E, "`:` used as an assignment (YAML habit)")
UNCLOSED_BLOCK = Code("PA003", "unclosed-block", E, "a `{` has no matching `}`")
UNQUOTED_PATH = Code("PA004", "unquoted-path", E, "a route path is not quoted")
SEMICOLON = Code("PA005", "semicolon", E, "`;` used as a statement terminator")
UNEXPECTED_TOKEN = Code("PA006", "unexpected-token", E, "a token that cannot appear here")
UNTERMINATED_STRING = Code("PA007", "unterminated-string", E, "a string is not closed")
UNEXPECTED_CHARACTER = Code("PA008", "unexpected-character", E, "a character that is not .gw")
UNMATCHED_BRACE = Code("PA009", "unmatched-closing-brace", E, "a `}` with no open block")
MISSING_VALUE = Code("PA010", "missing-value", E, "`=` is not followed by a value")
MISSING_COMMA = Code("PA011", "missing-comma", E, "list items are not separated by `,`")
UNTERMINATED_COMMENT = Code("PA012", "unterminated-comment", E, "a `/*` comment is not closed")
INVALID_ENCODING = Code("PA013", "invalid-encoding", E, "the file is not UTF-8 text")
INVALID_ESCAPE = Code("PA014", "invalid-escape", E, "an unknown `\\` escape in a string")
YAML_SYNTAX = Code("PA015", "yaml-syntax", E, "a YAML or JSON document that does not parse")
DUPLICATE_KEY = Code("PA016", "duplicate-key", E, "a mapping key that appears twice")
INPUT_TOO_LARGE = Code("PA018", "input-too-large", E, "a file over the input size limit")
NESTING_TOO_DEEP = Code(
    "PA017", "nesting-too-deep", E, "blocks, lists or mappings nested deeper than apic reads"
)

# --- SC: well-formed, but not a valid gateway description ---------------------------------
UNKNOWN_BLOCK = Code("SC001", "unknown-block", E, "a block type that is not in the schema here")
UNKNOWN_ATTRIBUTE = Code("SC002", "unknown-attribute", E, "an attribute that is not in the schema here")
WRONG_TYPE = Code("SC003", "wrong-type", E, "a value of the wrong type")
WRONG_UNIT = Code("SC004", "wrong-unit", E, "a quantity with a unit this field does not accept")
UNKNOWN_REFERENCE = Code("SC005", "unknown-reference", E, "a reference to something not defined")
DUPLICATE_DEFINITION = Code("SC006", "duplicate-definition", E, "the same block defined twice")
REDEFINED_ATTRIBUTE = Code("SC007", "redefined-attribute", E, "an attribute set twice")
IMPORT_CYCLE = Code("SC008", "import-cycle", E, "files import each other in a cycle")
IMPORT_NOT_FOUND = Code("SC009", "import-not-found", E, "an imported file does not exist")
MISSING_REQUIRED = Code("SC010", "missing-required", E, "a required attribute or label is missing")
INVALID_VALUE = Code("SC011", "invalid-value", E, "a value outside the accepted set")
INVALID_LABEL = Code("SC012", "invalid-label", E, "a block's labels are missing or malformed")
INVALID_PATH = Code("SC013", "invalid-path", E, "a route path that is not a valid path template")
FILE_NOT_FOUND = Code("SC014", "file-not-found", E, "`file()` names a file that does not exist")
OUTSIDE_ROOT = Code("SC015", "outside-project-root", E, "an import or file() leaves the project root")
INVALID_INTERPOLATION = Code("SC016", "invalid-interpolation", E, "a `${…}` that is not allowed")
UNSUPPORTED_IMPORT = Code("SC017", "unsupported-import", E, "an import of a kind apic cannot read")
NOT_ALLOWED_HERE = Code("SC018", "not-allowed-here", E, "valid elsewhere, but not in this block")
INVALID_OPENAPI = Code("SC019", "invalid-openapi", E, "the document breaks the OpenAPI specification")
REF_NOT_FOUND = Code("SC020", "ref-not-found", E, "a `$ref` whose file or pointer does not exist")
REF_OUTSIDE_ROOT = Code("SC021", "ref-outside-root", E, "a `$ref` to a file outside the project root")
REMOTE_REF = Code("SC022", "remote-ref", E, "a remote `$ref`, not fetched without --allow-remote-refs")
REF_CYCLE = Code("SC023", "ref-cycle", E, "`$ref`s that lead back to themselves")
INVALID_EXTENSION = Code(
    "SC024", "invalid-extension", E, "an x-amazon-apigateway-* or x-apic-* value apic cannot read"
)
NOT_REPRESENTED = Code("SC025", "not-represented", W, "a construct the gateway model cannot carry")
ROUTE_LEFT_OUT = Code(
    "SC026",
    "route-left-out",
    W,
    "an operation no output will have; `apic compile` stops on it unless --allow-left-out",
)

# --- TG: what a target cannot express ----------------------------------------------------
TARGET_UNSUPPORTED = Code(
    "TG001", "target-unsupported", E, "the target cannot express this construct; nothing is written"
)
TARGET_APPROXIMATION = Code(
    "TG002", "target-approximation", W, "the target expresses this construct only approximately"
)
TARGET_MISSING_FIELD = Code(
    "TG003", "target-missing-field", E, "the target needs a field the model leaves unset"
)

# --- IM: what `apic import` cannot carry into `.gw` ---------------------------------------
NOT_CARRIED = Code(
    "IM001",
    "not-carried",
    W,
    "a construct of an imported configuration that `.gw` cannot say; left out, noted in a comment",
)

# --- AP: apic itself: the command line, configuration, plugins, bugs -----------------------
PROBE_MISMATCH = Code(
    "PR001", "probe-mismatch", E, "a deployed gateway answered otherwise than the model says"
)
PROBE_UNREACHABLE = Code("PR002", "probe-unreachable", E, "the gateway under probe did not answer")
PROBE_BUDGET = Code("PR003", "probe-budget-spent", W, "the request budget ran out before every check")
PROBE_KEY_UNKNOWN = Code("PR004", "probe-key-unknown", INFO, "a route was probed without a valid key")

INTERNAL_ERROR = Code("AP000", "internal-error", E, "apic failed; this is a bug")
RULE_CRASHED = Code("AP001", "rule-crashed", E, "a lint rule raised an exception")
SUPPRESSION_UNUSED = Code("AP002", "suppression-unused", W, "a suppression that silenced nothing")
INVALID_SUPPRESSION = Code("AP003", "invalid-suppression", W, "an `apic:` comment apic cannot read")
RULE_PACK_FAILED = Code("AP004", "rule-pack-failed-to-load", E, "a rule pack could not be loaded")
SUPPRESSION_MISSING_REASON = Code(
    "AP005", "suppression-missing-reason", INFO, "a suppression without `-- reason`"
)
SUPPRESSION_UNKNOWN_RULE = Code(
    "AP006", "suppression-unknown-rule", W, "a suppression names a rule that does not exist"
)
INPUT_NOT_FOUND = Code("AP010", "input-not-found", E, "a file named on the command line is missing")
USAGE_ERROR = Code("AP011", "usage-error", E, "the command line is not valid")
UNKNOWN_TARGET = Code("AP012", "unknown-target", E, "no target of that name is registered")
UNKNOWN_RULE = Code("AP013", "unknown-rule", E, "no rule of that code or name is registered")
OUTPUT_NOT_WRITTEN = Code(
    "AP014", "output-not-written", E, "an artifact could not be written; no output was changed"
)
INVALID_CONFIG = Code("AP020", "invalid-config", E, "apic.toml or [tool.apic] is not valid")

ALL_CODES: tuple[Code, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Code))
