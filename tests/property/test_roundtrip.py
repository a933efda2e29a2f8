"""Printing a model to .gw and loading it back gives an equal model (spans excluded)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from strategies import models

from apic.api import load
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import GatewayModel


def reload(model: GatewayModel) -> GatewayModel:
    text = print_model(model)
    loaded = load(Path("/virtual/roundtrip.gw"), text=text)
    assert loaded.diagnostics == [], (
        "\n".join(f"{d.span!r} {d.message}" for d in loaded.diagnostics) + "\n" + text
    )
    assert loaded.model is not None
    return loaded.model


@given(models())
def test_print_then_load_is_identity(model: GatewayModel) -> None:
    assert reload(model) == model


@given(models())
def test_printing_is_deterministic_and_idempotent(model: GatewayModel) -> None:
    text = print_model(model)
    assert print_model(model) == text
    assert print_model(reload(model)) == text
