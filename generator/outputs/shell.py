"""Shell text helpers for the generated scripts: quoting literals, quoting parameter expansions.

Runbook commands are code written by contributors and reviewed in pull requests; parameter values
are data typed by whoever runs a script. Values only ever reach a command as the expansion of an
environment variable, and `quote_parameters` makes every such expansion a quoted one, so a value is
never split, globbed or parsed as code. Text from a runbook reaches a script only through `literal`
(one quoted word) and, where it is printed, through `visible`: never in a here-document, never raw.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

from generator.core.values import UNSEEN, shown_as, visible

__all__ = ["comment", "literal", "printf_lines", "quote_parameters", "unseen_table", "visible", "words"]

_PARAM = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# `<PID>`, `<服务器IP>`: a placeholder the reader fills in by hand, not a redirection.
_PLACEHOLDER = re.compile(r"<(?:[A-Z][A-Z0-9_-]*|[^<>\s]*[^\x00-\x7f<>\s][^<>\s]*)>")
_WORD_BREAK = set(" \t\n;&|()<>")
_UNSEEN = frozenset(UNSEEN)
_ESCAPED = re.compile("[" + re.escape("".join(UNSEEN)) + "]")  # raw newlines and tabs are safe in '...'


def literal(text: str) -> str:
    """A bash word whose value is `text`, one single-quoted word no text can end early: shlex-quoted, or
    ANSI-C quoted ($'...') when the text holds `$` or a backquote (so that shellcheck does not take a
    quoted `${NAME}` for a forgotten expansion) or a control or invisible character (written as \\xNN
    bytes, so the script file shows what the value holds and reads back the same in any locale)."""
    # A backslash before a closing single quote is right, but shellcheck takes it for a mistake (SC1003).
    plain = not (text.endswith("\\") or "\\'" in text)
    if plain and "$" not in text and "`" not in text and not _ESCAPED.search(text):
        return shlex.quote(text)
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch in _UNSEEN or ch == "\t":
            out.append("".join(f"\\x{b:02x}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "$'" + "".join(out) + "'"


def words(text: str, indent: str) -> str:
    """Each line of `text` as one quoted word, a line each (backslash-continued): for `kb_set_cmd`,
    which joins them with newlines again, so a command reads as written and no line of it can end it."""
    return " \\\n".join(indent + literal(line) for line in text.split("\n"))


def printf_lines(text: str, indent: str = "  ") -> str:
    """Shell code that prints `text` as it reads (a `printf '%s\\n'` with one quoted word a line), every
    unseen character shown: a here-document would end at a line equal to its delimiter, this cannot."""
    lines = text.removesuffix("\n").split("\n")
    return f"{indent}printf '%s\\n' \\\n" + words(visible("\n".join(lines)), indent + "  ") + "\n"


def unseen_table(per_line: int = 12) -> str:
    """The bash arrays `kb_visible` works from: each unseen character (as UTF-8 bytes) and how it is
    shown, from the same table as `visible`, so the scripts and `kb` show text alike. NUL is left out:
    bash strings cannot hold it."""
    chars = [ch for ch in UNSEEN if ch != "\0"]

    def array(name: str, items: list[str]) -> str:
        rows = [" ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return f"{name}=(\n" + "".join(f"  {row}\n" for row in rows) + ")"

    return "\n".join(
        [array("kb_unseen", [literal(ch) for ch in chars]), array("kb_shown", [literal(shown_as(ch)) for ch in chars])]
    )


def comment(text: str) -> str:
    """Text on one line, every unseen character shown: for comments and one-line messages."""
    return visible(" ".join(text.split()))


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
