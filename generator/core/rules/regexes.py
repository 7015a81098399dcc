"""Every regular expression a document holds compiles, and cannot hang a match.

Regex signatures are matched by `kb diagnose` against pasted logs; parameter patterns and
`expect.regex` by the generated scripts (and read as Python regexes here too, the common syntax).
An invalid one would silently never match; one that backtracks catastrophically would hang a match.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from generator.core import patterns
from generator.core.findings import Finding, Loc

BAD = "bad-regex"
SLOW = "slow-regex"
MAX_SLOW = 5  # per file: each costs a probe's time; past this many the file is failing anyway


def check(path: str, data: Any) -> list[Finding]:
    out: list[Finding] = []
    slow = 0
    for loc, what, pattern in _regexes(data):
        compiled = patterns.fill_parameters(pattern) if what == "expect.regex" else pattern
        why = patterns.problem(compiled)
        if why is not None and loc[0] == "parameters" and why.startswith(patterns.INVALID) and _schema_checks_syntax():
            continue  # the schema's finding says it already; one finding per mistake
        if why is not None:
            out.append(Finding(path, BAD, f"{what} {patterns.shown(pattern)} {why}", loc=loc, hint=_HINT[BAD]))
            continue
        if slow >= MAX_SLOW:
            continue
        why = patterns.backtracking(compiled)
        if why is not None:
            slow += 1
            out.append(Finding(path, SLOW, f"{what} {patterns.shown(pattern)} {why}", loc=loc, hint=_HINT[SLOW]))
    return out


@cache
def _schema_checks_syntax() -> bool:
    """Whether the parameter model refuses a pattern that does not compile (a `schema` finding)."""
    from pydantic import ValidationError

    from generator.core.model.runbook import Parameter

    try:
        Parameter.model_validate({"name": "X", "description": "x", "pattern": "("})
    except ValidationError:
        return True
    return False


_HINT = {
    BAD: "fix the syntax (Python's `re`, which scripts' POSIX ERE shares for common patterns), "
    "or use `match: exact` for a signature",
    SLOW: "remove the nested repeat (write (a+)+ as a+, (\\w+\\s?)+ as [\\w\\s]+) or anchor it on literal text",
}


def _regexes(data: Any) -> Iterator[tuple[Loc, str, str]]:
    """(key path, what it is, pattern) for each regex signature, parameter pattern and expect.regex,
    in document order. Iterative: the data's depth is bounded by the loader, the walk need not be."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            yield from _own(loc, value)
            stack.extend(((*loc, k), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))


def _own(loc: Loc, mapping: dict) -> Iterator[tuple[Loc, str, str]]:
    parent = loc[-2] if len(loc) >= 2 else None
    if parent == "signatures" and mapping.get("match") == "regex" and isinstance(mapping.get("text"), str):
        yield (*loc, "text"), "signature", mapping["text"]
    if parent == "parameters" and isinstance(mapping.get("pattern"), str):
        name = mapping.get("name")
        what = f"parameter {name} pattern" if isinstance(name, str) else "parameter pattern"
        yield (*loc, "pattern"), what, mapping["pattern"]
    expect = mapping.get("expect")
    if isinstance(expect, dict) and isinstance(expect.get("regex"), str):
        yield (*loc, "expect", "regex"), "expect.regex", expect["regex"]
