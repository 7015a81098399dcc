"""Shell text helpers for the generated scripts: quoting literals, quoting parameter expansions.

Runbook commands are code written by contributors and reviewed in pull requests; parameter values
are data typed by whoever runs a script. Values only ever reach a command as the expansion of an
environment variable, and `quote_parameters` makes every such expansion a quoted one, so a value is
never split, globbed or parsed as code.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

_PARAM = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# `<PID>`, `<服务器IP>`: a placeholder the reader fills in by hand, not a redirection.
_PLACEHOLDER = re.compile(r"<(?:[A-Z][A-Z0-9_-]*|[^<>\s]*[^\x00-\x7f<>\s][^<>\s]*)>")
_WORD_BREAK = set(" \t\n;&|()<>")


def literal(text: str) -> str:
    """A bash word whose value is `text`: shlex-quoted, or ANSI-C quoted ($'...') when the text holds `$`
    or a backquote, so that shellcheck does not take a quoted `${NAME}` for a forgotten expansion."""
    if "$" not in text and "`" not in text:
        return shlex.quote(text)
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "$'" + "".join(out) + "'"


def comment(text: str) -> str:
    """Text safe on one comment line."""
    return " ".join(text.split())


def has_placeholder(command: str) -> bool:
    """True when the command holds a `<...>` placeholder to fill in by hand (not runnable as written)."""
    return bool(_PLACEHOLDER.search(command))


def parameters_used(text: str) -> list[str]:
    return sorted(set(_PARAM.findall(text)))


def heredoc_delimiter(texts: Iterable[str], base: str = "KB_END") -> str:
    """A here-document delimiter that is not a line of any of the texts."""
    lines = {line.strip() for t in texts for line in t.splitlines()}
    n = 0
    while (delim := base if n == 0 else f"{base}_{n}") in lines:
        n += 1
    return delim


def _substitution_at(command: str, i: int) -> str | None:
    """`$((` (arithmetic) or `$(` (command substitution) when one opens at i."""
    return next((o for o in ("$((", "$(") if command.startswith(o, i)), None)


def quote_parameters(command: str, names: Iterable[str]) -> str:
    """Wrap every `${NAME}` of a declared parameter that stands outside quotes in double quotes.

    A small scanner follows bash's quoting: single quotes, double quotes, backslashes, comments,
    `$(...)` and backquotes (whose insides are unquoted again) and `$((...))` arithmetic (left alone).
    Expansions already inside double quotes are quoted; inside single quotes they do not expand.
    """
    names = set(names)
    out: list[str] = []
    stack = [""]  # "" unquoted, '"' double quotes, "(" $(...), "`" backquotes, "((" arithmetic
    i, n = 0, len(command)
    while i < n:
        ch, top = command[i], stack[-1]
        if ch == "\\":
            out.append(command[i : i + 2])
            i += 2
            continue
        if top != "((" and (opener := _substitution_at(command, i)):  # opens inside "..." and unquoted alike
            stack.append(opener[1:])
            out.append(opener)
            i += len(opener)
            continue
        if top == '"':
            if ch == '"':
                stack.pop()
            elif ch == "`":
                stack.append("`")
            out.append(ch)
            i += 1
            continue
        if top == "((":
            if command.startswith("))", i):
                stack.pop()
                out.append("))")
                i += 2
                continue
            out.append(ch)
            i += 1
            continue
        # Unquoted: top level, inside $(...) or inside backquotes.
        if ch == "'":
            end = command.find("'", i + 1)
            end = n - 1 if end < 0 else end
            out.append(command[i : end + 1])
            i = end + 1
            continue
        if ch == "#" and (not out or out[-1][-1:] in _WORD_BREAK):
            end = command.find("\n", i)
            end = n if end < 0 else end
            out.append(command[i:end])
            i = end
            continue
        if ch == '"':
            stack.append('"')
        elif ch == ")" and top == "(":
            stack.pop()
        elif ch == "`":
            if top == "`":
                stack.pop()
            else:
                stack.append("`")
        elif (m := _PARAM.match(command, i)) and m.group(1) in names:
            out.append(f'"{m.group(0)}"')
            i = m.end()
            continue
        out.append(ch)
        i += 1
    return "".join(out)
