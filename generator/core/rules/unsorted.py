"""Imported content left in `unsorted` still needs a person to move it where it belongs."""

from __future__ import annotations

from typing import Any

from generator.core.findings import Finding

RULE = "unsorted"


def check(path: str, data: Any) -> list[Finding]:
    items = data.get("unsorted")
    if not isinstance(items, list) or not items:
        return []
    return [
        Finding(
            path,
            RULE,
            f"{len(items)} imported section(s) still to sort",
            severity="warning",
            loc=("unsorted",),
            hint="move each entry's text into the field it belongs to (see the Contributing page), "
            "then delete the entry; delete `unsorted:` when it is empty",
        )
    ]
