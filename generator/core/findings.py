"""A finding: one problem in one file, with where it is and how to fix it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

from generator.core.values import visible

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: str
    rule: str  # stable id, e.g. "schema", "secret", "destructive-unmarked"
    message: str
    severity: Severity = "error"
    line: int = 0  # 1-based; 0 while not located yet
    col: int = 0
    hint: str = ""
    # Where in the document, as a key path; resolved to line/col by the loader's source map.
    loc: Loc = field(default=(), compare=False)
    # A substring to point at precisely (a secret, a command), searched near `loc`.
    needle: str = field(default="", compare=False)

    @property
    def located(self) -> bool:
        return self.line > 0

    def at(self, line: int, col: int) -> Finding:
        return replace(self, line=line, col=col)

    def escalated(self) -> Finding:
        return replace(self, severity="error")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["loc"] = list(self.loc)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Finding:
        return cls(**{**d, "loc": tuple(d.get("loc", ()))})


def sort_key(f: Finding) -> tuple:
    return (f.path, f.line, f.col, f.rule)


def format_text(f: Finding) -> str:
    # Messages quote commands and text from the documents: control characters are shown, never sent.
    out = visible(f"{f.path}:{f.line}:{f.col}: {f.severity}[{f.rule}]: {f.message}")
    if f.hint:
        out += f"\n    hint: {visible(f.hint)}"
    return out


def _escape_github(text: str, is_property: bool = False) -> str:
    # GitHub workflow commands need these escaped or the annotation is cut short.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(f: Finding) -> str:
    level = "error" if f.severity == "error" else "warning"
    message = f.message + (f" (hint: {f.hint})" if f.hint else "")
    props = ",".join(
        [
            f"file={_escape_github(f.path, True)}",
            f"line={f.line}",
            f"col={f.col}",
            f"title={_escape_github(f.rule, True)}",
        ]
    )
    return f"::{level} {props}::{_escape_github(message)}"


def format_json(findings: list[Finding]) -> str:
    rows = [{k: v for k, v in f.to_dict().items() if k not in ("loc", "needle")} for f in findings]
    return json.dumps(rows, ensure_ascii=False, indent=2)
