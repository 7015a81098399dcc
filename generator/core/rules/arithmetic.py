"""A parameter used in arithmetic or a numeric test must be a number by type.

bash evaluates the operands of `$(( ))`, `(( ))`, `let`, `[[ a -lt b ]]`, array subscripts and
substring offsets as arithmetic, and arithmetic evaluates a value such as `x[$(cmd)]`: the command runs,
quotes or not. Scripts let only plain numbers through for `type: integer` and `type: port`, so only
those may appear there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.core.findings import Finding
from generator.core.rules.walk import step_commands, steps
from generator.core.values import NUMERIC_TYPES

RULE = "arithmetic-parameter"

_NUMERIC_OP = re.compile(r"-(?:eq|ne|lt|le|gt|ge)\b")
_TEST = re.compile(r"\[\[(.*?)\]\]", re.S)
_SINGLE_TEST = re.compile(r"(?:^|(?<=[\s;&|(!]))(?:\[\s(.*?)\s\]|test\s([^;&|\n]*))", re.M)
_LET = re.compile(r"(?:^|(?<=[\s;&|(]))let\s+([^;&|\n]*)", re.M)
_INTEGER_DECLARE = re.compile(
    r"(?:^|(?<=[\s;&|(]))(?:declare|typeset|local|readonly|export)\s+(?:-\w+\s+)*-\w*i\w*\s+([^;&|\n]*)", re.M
)
_SUBSTRING = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:(?![-=?+])([^}]*)")  # ${S:offset:length}, not ${S:-x}
_SUBSCRIPT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]")  # a[i], ${a[i]}
_ARITH_OPEN = re.compile(r"\$\(\(|\(\(|\$\[")


def _arithmetic_spans(command: str) -> Iterator[str]:
    """The texts bash evaluates as arithmetic in a command (comment lines left out)."""
    code = "\n".join(line for line in command.split("\n") if not line.lstrip().startswith("#"))
    for m in _ARITH_OPEN.finditer(code):
        closer = "]" if m.group(0) == "$[" else "))"
        depth, i = 0, m.end()
        while i < len(code):
            if depth == 0 and code.startswith(closer, i):
                break
            depth += {"(": 1, ")": -1}.get(code[i], 0)
            i += 1
        yield code[m.end() : i]
    for m in _TEST.finditer(code):
        yield from (part for part in re.split(r"&&|\|\||[()!]", m.group(1)) if _NUMERIC_OP.search(part))
    for m in _SINGLE_TEST.finditer(code):
        part = m.group(1) or m.group(2) or ""
        if _NUMERIC_OP.search(part):
            yield part
    for rx in (_LET, _INTEGER_DECLARE, _SUBSTRING, _SUBSCRIPT):
        yield from (m.group(1) for m in rx.finditer(code))


def names_in_arithmetic(command: str, names: set[str]) -> list[str]:
    """The parameters (as ${NAME}, $NAME or a bare NAME) that a command uses in arithmetic or a numeric test."""
    found: set[str] = set()
    for span in _arithmetic_spans(command):
        found |= {m.group(1) for m in re.finditer(r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9_]*)(?![A-Za-z0-9_])", span)}
    return sorted(found & names)


def _kind(param: dict) -> str:
    kind = param.get("type")
    if isinstance(kind, str):
        return kind
    return "choice" if param.get("choices") else "string"


def check(path: str, data: Any) -> list[Finding]:
    if data.get("kind") != "runbook" or not isinstance(data.get("parameters"), list):
        return []
    kinds = {p["name"]: _kind(p) for p in data["parameters"] if isinstance(p, dict) and isinstance(p.get("name"), str)}
    loose = {name for name, kind in kinds.items() if kind not in NUMERIC_TYPES}
    out = []
    for loc, step in steps(data):
        if step.get("lang", "bash") != "bash":
            continue  # shown for a person to do by hand; never run by a script
        for cmd_loc, command in step_commands(loc, step):
            for name in names_in_arithmetic(command, loose):
                out.append(
                    Finding(
                        path,
                        RULE,
                        f"{name} is used in arithmetic or a numeric test, but its type is {kinds[name]}: "
                        f"there a value such as x[$(cmd)] runs cmd",
                        loc=cmd_loc,
                        needle="${" + name if "${" + name in command else name,
                        hint=f"give {name} `type: integer` or `type: port`, so the scripts let only plain numbers "
                        "through, or compare it as text ([[ $A == $B ]])",
                    )
                )
    return out
