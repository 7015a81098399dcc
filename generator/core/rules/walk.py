"""Walk the loaded YAML data (plain dicts and lists) with the key path of every value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.core.findings import Loc


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from strings(value, (*loc, i))
    elif isinstance(data, str):
        yield loc, data


def steps(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, dict]]:
    """Every step: a mapping with a title and a `run` or `variants`."""
    if isinstance(data, dict):
        if "title" in data and ("run" in data or "variants" in data):
            yield loc, data
        for key, value in data.items():
            yield from steps(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from steps(value, (*loc, i))


def step_commands(loc: Loc, step: dict) -> Iterator[tuple[Loc, str]]:
    """The command texts of a step: its `run` and each platform variant's."""
    if isinstance(step.get("run"), str):
        yield (*loc, "run"), step["run"]
    for i, variant in enumerate(step.get("variants") or []):
        if isinstance(variant, dict) and isinstance(variant.get("run"), str):
            yield (*loc, "variants", i, "run"), variant["run"]
