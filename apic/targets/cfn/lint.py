"""Where apic's cfn-lint additions live, and the command line that uses them."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
APPEND_RULES_DIR = HERE / "cfnlint_rules"
CUSTOM_RULES_FILE = HERE / "cfnlint-custom-rules.txt"


def cfn_lint_arguments() -> list[str]:
    return ["--append-rules", str(APPEND_RULES_DIR), "--custom-rules", str(CUSTOM_RULES_FILE)]


def usage() -> str:
    args = " ".join(cfn_lint_arguments())
    return (
        f"apic's cfn-lint rules (E9101-E9106): {APPEND_RULES_DIR}\n"
        f"apic's cfn-lint enum checks (custom rules): {CUSTOM_RULES_FILE}\n"
        f"use them: cfn-lint {args} -- template.yaml\n"
    )
