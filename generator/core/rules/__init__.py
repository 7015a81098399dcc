"""Rules beyond the schema: per-file rules here, cross-file rules in crossfile.py, every rule's id,
severity, meaning and fix in registry.py."""

from __future__ import annotations

from typing import Any

from generator.core.findings import Finding
from generator.core.rules import (
    arithmetic,
    control_chars,
    destructive,
    parameters,
    regexes,
    reserved_names,
    secrets,
    unsorted,
)
from generator.core.rules.registry import RULES, Rule

__all__ = ["RULES", "Rule", "lint_data"]


def lint_data(path: str, data: Any) -> list[Finding]:
    """Per-file rules, on the loaded data of a document that passed the schema."""
    return (
        control_chars.check(path, data)
        + secrets.check(path, data)
        + destructive.check(path, data)
        + parameters.check(path, data)
        + reserved_names.check(path, data)
        + arithmetic.check(path, data)
        + regexes.check(path, data)
        + unsorted.check(path, data)
    )
