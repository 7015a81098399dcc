"""Secrets in commands or text: a knowledge base is read by many and lives in git forever."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from generator.core.findings import Finding
from generator.core.rules.walk import strings

RULE = "secret"

# Well-known token shapes: matching one of these is enough.
_TOKENS = [
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}")),
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("bearer token", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{20,}")),
    ("password in URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s@/$<{]{3,}@")),
]

# `password = ...`, `API_KEY=...`, `"token": "..."`: flagged when the value looks like a real secret.
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?:api[_-]?key|secret|token|passw(?:or)?d|pwd|access[_-]?key)["']?
    \s*[:=]\s*["']?
    (?P<value>[^\s"'`]{8,})
    """
)


def _entropy(value: str) -> float:
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _looks_real(value: str) -> bool:
    # A reference ($VAR, ${VAR}, <placeholder>) or a word like new_password is not a secret.
    if value.startswith(("$", "<", "{", "%")) or "${" in value:
        return False
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and _entropy(value) >= 3.0


def find_secrets(text: str) -> Iterator[tuple[str, str]]:
    """(what, matched text) for each secret in the text."""
    for what, pattern in _TOKENS:
        for m in pattern.finditer(text):
            yield what, m.group(0)
    for m in _ASSIGNMENT.finditer(text):
        if _looks_real(m.group("value")) and not any(p.search(m.group(0)) for _, p in _TOKENS):
            yield "credential", m.group("value")


def check(path: str, data: Any) -> list[Finding]:
    texts = list(strings(data))
    # One pass over all the text first: almost every document has no secret at all.
    if not any(True for _ in find_secrets("\n".join(t for _, t in texts))):
        return []
    out = []
    for loc, text in texts:
        for what, secret in find_secrets(text):
            shown = secret[:6] + "…"
            out.append(
                Finding(
                    path,
                    RULE,
                    f"{what} '{shown}' in the knowledge base",
                    loc=loc,
                    needle=secret,
                    hint="remove it, rotate it (it is already exposed in git history), and refer to an "
                    'environment variable instead, e.g. "${API_KEY:?set API_KEY}"',
                )
            )
    return out
