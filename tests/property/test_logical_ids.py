"""Logical ids are a function of the resource's own name: adding or removing other routes,
stages, domains or consumers never renames a resource that stays (CloudFormation would
replace it, and API Gateway refuses a second Method or Resource beside the first).

Names are drawn from sets that collapse to the same readable id (`a-b`, `a_b`, `a.b`, `aB`,
`AB`) so that the collision handling is exercised, in every order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from apic.api import load
from apic.targets.cfn import CfnTarget

SEGMENTS = ["a-b", "a_b", "a.b", "aB", "ab", "AB", "a", "b", "v1", "list"]
STAGES = ["prod", "dev", "a-b", "a_b", "Prod", "ab"]
HOSTS = ["api.example.com", "api-x.example.com", "apix.example.com", "api.x-example.com", "API.example.com"]
CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate"
CONSUMERS = ["acme", "a-b", "a_b", "Acme", "ab"]

# Resources whose properties legitimately change when something else is added (the new
# Deployment id, a new stage in a plan, a renumbered sampling priority): compared by name.
NAMED_BY = {
    "AWS::ApiGateway::Stage": "StageName",
    "AWS::ApiGateway::UsagePlan": "UsagePlanName",
}
CONTENT_HASHED = {"AWS::ApiGateway::Deployment"}


@st.composite
def route_paths(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 3))
    parts = []
    for level in range(depth):
        # One parameter name per level: two names at one level is a REST error of its own.
        parts.append(draw(st.sampled_from([*SEGMENTS, f"{{id{level}}}"])))
    return "/" + "/".join(parts)


routes = st.tuples(st.sampled_from(["GET", "POST"]), route_paths())


@st.composite
def universes(draw: st.DrawFn) -> dict[str, list]:
    return {
        "routes": draw(st.lists(routes, min_size=1, max_size=8, unique=True)),
        "stages": draw(st.lists(st.sampled_from(STAGES), min_size=1, max_size=3, unique=True)),
        "hosts": draw(st.lists(st.sampled_from(HOSTS), max_size=3, unique=True)),
        "consumers": draw(st.lists(st.sampled_from(CONSUMERS), max_size=3, unique=True)),
    }


def source(parts: dict[str, list]) -> str:
    first_stage = parts["stages"][0]
    lines = [
        'api "shop" {',
        "  endpoint = regional",
        '  backend "b" { url = "https://backend.example.com" }',
        "  defaults { backend = backend.b }",
    ]
    lines += [f'  route {method} "{path}" {{}}' for method, path in parts["routes"]]
    lines += [f'  stage "{name}" {{}}' for name in parts["stages"]]
    if parts["consumers"]:
        lines.append(f'  usage_plan "plan" {{ stages = [stage.{first_stage}] }}')
        lines += [f'  consumer "{name}" {{ plan = usage_plan.plan }}' for name in parts["consumers"]]
    for host in parts["hosts"]:
        index = HOSTS.index(host)
        lines += [
            f'  domain "{host}" {{',
            f'    certificate = "{CERTIFICATE}/{index:08d}-2222-3333-4444-555555555555"',
            '    route53 { zone = "example.com" }',
            f'    base_path "v{index}" = stage.{first_stage}',
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def resources(parts: dict[str, list], tmp: Path) -> dict[str, dict]:
    entry = tmp / "api.gw"
    entry.write_text(source(parts), encoding="utf-8")
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    result = CfnTarget().compile(loaded.model)
    return yaml.safe_load(result.artifacts[0].text)["Resources"]


def identity(resource: dict) -> object:
    kind = resource["Type"]
    if kind in NAMED_BY:
        return kind, resource["Properties"][NAMED_BY[kind]]
    if kind == "AWS::XRay::SamplingRule":
        rule = resource["Properties"]["SamplingRule"]
        return kind, rule["RuleName"], rule["URLPath"], rule["Host"]
    return kind, resource.get("Properties")


def sublist(data: st.DataObject, values: list, keep_first: bool) -> list:
    """Some of `values` in their order; the first one kept where others refer to it."""
    chosen = data.draw(st.sets(st.sampled_from(values)) if values else st.just(set()))
    return [v for i, v in enumerate(values) if v in chosen or (keep_first and i == 0)]


@given(universe=universes(), data=st.data())
def test_surviving_resources_keep_their_logical_ids(
    universe: dict[str, list], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    subset = {key: sublist(data, values, key in ("routes", "stages")) for key, values in universe.items()}
    smaller = resources(subset, tmp_path_factory.mktemp("smaller"))
    larger = resources(universe, tmp_path_factory.mktemp("larger"))
    for logical_id, resource in smaller.items():
        if resource["Type"] in CONTENT_HASHED:
            continue
        assert logical_id in larger, f"{logical_id} was renamed when other constructs were added"
        assert identity(larger[logical_id]) == identity(resource), f"{logical_id} now names another thing"
