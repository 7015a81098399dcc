"""Every ${NAME} a runbook's commands use must be a declared parameter."""

from __future__ import annotations

import re
from typing import Any

from generator.core.findings import Finding
from generator.core.rules.walk import step_commands, steps

RULE = "undeclared-parameter"
_REF = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def check(path: str, data: Any) -> list[Finding]:
    if data.get("kind") != "runbook":
        return []
    declared = {p.get("name") for p in data.get("parameters") or [] if isinstance(p, dict)}
    out = []
    for loc, step in steps(data):
        for cmd_loc, command in [*step_commands(loc, step), *_expectation_texts(loc, step)]:
            for name in sorted(set(_REF.findall(command)) - declared):
                out.append(
                    Finding(
                        path,
                        RULE,
                        f"${{{name}}} is used but not declared in `parameters`",
                        loc=cmd_loc,
                        needle="${" + name,
                        hint=f"add a parameter `- name: {name}` with a description and a default",
                    )
                )
    return out


def _expectation_texts(loc, step: dict):
    """Expected output may name parameters too (`contains: ":${PORT}"`): scripts fill them in."""
    expect = step.get("expect")
    if isinstance(expect, dict):
        for key, value in expect.items():
            if isinstance(value, str):
                yield (*loc, "expect", key), value
