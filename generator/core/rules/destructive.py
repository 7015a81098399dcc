"""Commands that change or stop things must be marked, so scripts ask before running them."""

from __future__ import annotations

import re
from typing import Any

from generator.core.findings import Finding
from generator.core.rules.walk import step_commands, steps

RULE = "destructive-unmarked"

_PATTERNS = [
    r"\bkill\s+-(?:9|KILL|s\s+KILL)\b",
    r"\bkill\s+(?:-\w+\s+)*(?:<|\$|\d)",
    r"\b(?:pkill|killall)\b",
    r"\brm\s+(?:-\w+\s+)*\S",
    r"\bsed\s+(?:-\w+\s+)*-i",
    r"\btruncate\b",
    r"\bsystemctl\s+(?:--\S+\s+)*(?:stop|restart|reload|kill|disable|mask|daemon-reload|reboot|poweroff)\b",
    r"\bservice\s+\S+\s+(?:stop|restart|reload)\b",
    r"\bpm2\s+(?:stop|restart|reload|delete|kill)\b",
    r"\b(?:reboot|shutdown|poweroff|halt)\b",
    r"\b(?:mkfs(?:\.\w+)?|dd\s+if=|shred|wipefs)\b",
    r"\b(?:chown|chmod)\s+(?:-\w*R\w*)\b",
    r"\biptables\s+-(?:F|X|D)\b",
    r"\b(?:docker|podman)\s+(?:rm|rmi|kill|stop|restart)\b",
    r"\bkubectl\s+(?:delete|drain|rollout\s+restart)\b",
    r"\b(?:DROP\s+(?:TABLE|DATABASE)|TRUNCATE\s+TABLE|DELETE\s+FROM|drop\s+(?:table|database)|delete\s+from)\b",
]
_DESTRUCTIVE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_NOT_RUN = {"text", "ini", "json", "jinja"}


def first_destructive(command: str) -> str | None:
    """The first destructive command in a script, ignoring comment lines."""
    for line in command.splitlines():
        code = line.strip()
        if not code or code.startswith("#"):
            continue
        m = _DESTRUCTIVE.search(code)
        if m:
            return m.group(0)
    return None


def check(path: str, data: Any) -> list[Finding]:
    out = []
    for loc, step in steps(data):
        if step.get("destructive") is True or step.get("lang") in _NOT_RUN:
            continue
        for cmd_loc, command in step_commands(loc, step):
            hit = first_destructive(command)
            if hit:
                out.append(
                    Finding(
                        path,
                        RULE,
                        f"step '{step.get('title')}' runs '{hit}' but is not marked destructive",
                        severity="warning",
                        loc=cmd_loc,
                        needle=hit,
                        hint="add `destructive: true` to the step, so generated scripts ask before running it",
                    )
                )
                break
    return out
