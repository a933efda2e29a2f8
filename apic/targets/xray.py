"""Target `xray`: the SDK-local `sampling-rules.json` (version 2) for the services behind the
gateway. It holds the same rules `cfn` writes as `AWS::XRay::SamplingRule`, minus the
`ServiceName` scoping the local file has no field for."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler import codes
from apic.compiler.model import GatewayModel
from apic.compiler.plan import sampling
from apic.targets.base import Artifact, CompileResult, OptionValue, Target


class XrayTarget(Target):
    name: ClassVar[str] = "xray"
    description: ClassVar[str] = "X-Ray SDK local sampling rules (sampling-rules.json, version 2)"
    output_formats: ClassVar[tuple[str, ...]] = ("json",)

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        diagnostics = []
        rules: list[dict[str, object]] = []
        default: dict[str, object] | None = None
        for api in model.apis:
            found = [*sampling.healthcheck_rules(api), *sampling.user_rules(api)]
            rules.extend(
                {
                    "description": rule.description,
                    "host": rule.host,
                    "http_method": rule.method,
                    "url_path": rule.url_path,
                    "fixed_target": rule.fixed_target,
                    "rate": rule.rate,
                }
                for rule in sorted(found, key=lambda r: r.priority)
            )
            rate, fixed = sampling.default_rate(api)
            candidate = {"fixed_target": fixed, "rate": rate}
            if default is not None and candidate != default and api.tracing is not None:
                diagnostics.append(
                    codes.TARGET_APPROXIMATION(
                        api.tracing.span_of("default"),  # type: ignore[arg-type]
                        f"api `{api.name}` has another default sampling rate than an api before it; "
                        "one sampling-rules.json has one default, the first api's is used",
                        help="compile each api to its own file",
                    )
                )
            elif default is None:
                default = candidate
        document = {
            "version": 2,
            "rules": rules,
            "default": default
            or {"fixed_target": sampling.SDK_DEFAULT_FIXED_TARGET, "rate": sampling.SDK_DEFAULT_RATE},
        }
        text = json.dumps(document, indent=2) + "\n"
        return CompileResult(
            (Artifact(PurePosixPath("sampling-rules.json"), text, "application/json"),), tuple(diagnostics)
        )
