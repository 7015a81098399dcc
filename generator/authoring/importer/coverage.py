"""Nothing lost: every non-empty line of the write-up is looked for in the draft, and one that is not
there is put back, as a comment next to the value made from it or, when nothing was made from it,
under `unsorted`.

Lines are compared as people read them: whitespace collapsed, Markdown structure (fences, table
rules, heading hashes, list markers, checkboxes, quote marks) is not content, a table row is found
when each of its cells is, a front-matter entry by its values, and a text is found as written or in
its plain form (inline Markdown and HTML off), with or without a closing colon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.authoring.importer.source import Source
from generator.authoring.importer.text import norm, plain

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^\s`{]*)")
_RULE = re.compile(r"^\s*(?:([-*_])\s*(?:\1\s*){2,}|=+|\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_MARKERS = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:(?:\[[ xX]\]|[✅⏳☑✔☐🔲])\s*)?")
_REFDEF = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")
_EMPHASIS = re.compile(r"(\*\*|__|~~)")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})")
COMMAND_LANGS = {
    "bash",
    "sh",
    "shell",
    "zsh",
    "ksh",
    "console",
    "shell-session",
    "terminal",
    "sql",
    "psql",
    "mysql",
    "promql",
    "powershell",
    "ps1",
    "pwsh",
    "cmd",
    "bat",
    "batch",
}
PROMPT_LANGS = {"console", "shell-session", "terminal"}


@dataclass
class Piece:
    line: int  # in the parsed Markdown; 0 for what is not in it (front matter, page chrome)
    parts: list[str]  # each must be found
    raw: str  # the line as written
    heading: bool = False

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.parts)


def pieces(src: Source) -> tuple[list[Piece], list[str]]:
    """The pieces of text to find, and the command lines of shell and SQL blocks."""
    out: list[Piece] = []
    commands: list[str] = []
    for _, entry in src.front_lines:
        value = entry.split(":", 1)[1] if re.match(r"^\s*[\w-]+\s*:", entry) else entry
        value = value.strip().lstrip("-").strip().strip("[]")
        items = [v.strip().strip("'\"") for v in value.split(",")] if value else []
        if any(items):
            out.append(Piece(0, [v for v in items if v], entry))
    for extra in ([src.page_title] if src.page_title else []) + src.chrome:
        out.append(Piece(0, [norm(extra)], extra))
    fence: tuple[str, str] | None = None
    text = src.original if src.original is not None else src.markdown
    for k, raw in enumerate(text.split("\n")):
        n = src.line_of[k] if src.original is not None and k < len(src.line_of) else k + 1
        m = _FENCE.match(raw)
        if fence is None and m:
            fence = (m.group(1), m.group(2).lower())
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0][0] and len(m.group(1)) >= len(fence[0]) and not m.group(2):
                fence = None
                continue
            if raw.strip():
                out.append(Piece(n, [norm(raw)], raw))
                _command(raw, fence[1], commands)
            continue
        if not raw.strip() or _RULE.match(raw):
            continue
        if raw.lstrip().startswith("|"):
            cells = [norm(c) for c in raw.strip().strip("|").split("|")]
            cells = [c for c in cells if c]
            if cells:
                out.append(Piece(n, cells, raw))
            continue
        if _REFDEF.match(raw):
            out.append(Piece(n, [norm(raw)], raw))
            continue
        heading = bool(_HEADING.match(raw))
        body = _HEADING.sub("", raw).rstrip().rstrip("#").rstrip()
        body = norm(_MARKERS.sub("", body))
        if body and plain(body):
            out.append(Piece(n, [body], raw, heading))
    return out, commands


def _command(raw: str, lang: str, out: list[str]) -> None:
    if lang not in COMMAND_LANGS:
        return
    line = raw.strip()
    if lang in PROMPT_LANGS:
        if not line.startswith("$ "):
            return
        line = line[2:]
    elif line.startswith("$ "):
        line = line[2:]
    if not line or line.startswith("#") or (lang in ("sql", "psql", "mysql") and line.startswith("--")):
        return
    out.append(norm(line))


class Haystack:
    """Where pieces are looked for: whole lines first, then anywhere in the text."""

    def __init__(self, texts: Iterable[str]) -> None:
        joined = "\n".join(texts)
        lines = joined.split("\n")
        self.lines = {norm(ln) for ln in lines} | {plain(ln) for ln in lines}
        self.text = norm(joined) + "\n" + plain(joined)

    def has(self, piece: str) -> bool:
        return any(p in self.lines or p in self.text for p in variants(piece))


def variants(piece: str) -> list[str]:
    forms = [piece, norm(_EMPHASIS.sub("", piece)), plain(piece)]
    forms += [f.rstrip(":：").rstrip() for f in forms]
    forms += [_DATETIME.sub(r"\1T\2", f) for f in forms if _DATETIME.search(f)]
    return [f for f in dict.fromkeys(forms) if f]


def strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return [] if node is None else [str(node)]


def runs(node: object) -> list[str]:
    if isinstance(node, dict):
        here = [node["run"]] if isinstance(node.get("run"), str) else []
        return here + [r for v in node.values() for r in runs(v)]
    if isinstance(node, list):
        return [r for v in node for r in runs(v)]
    return []
