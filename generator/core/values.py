"""Parameter values: their types, the characters no value may hold, and how text is shown on a terminal.

One source for `kb validate` (a default must be a value the scripts accept), for the generated scripts
(the same regular expressions and the same table of characters are written into them) and for `kb`
itself where it prints commands. A value reaches arithmetic or a numeric test only when its type says
it is a plain number, so `x[$(cmd)]` is refused before it could be evaluated.
"""

from __future__ import annotations

import re
from typing import Literal

ParamType = Literal["string", "integer", "port", "path", "choice"]
PARAM_TYPES: tuple[str, ...] = ("string", "integer", "port", "path", "choice")
NUMERIC_TYPES = frozenset({"integer", "port"})

# Each type as a regular expression in the syntax Python and POSIX ERE share: the scripts test it with
# bash's `=~`, `kb validate` with re.fullmatch. No leading zeros (bash reads 010 as octal), at most 18
# digits (bash's integers are 64 bits).
TYPE_PATTERNS: dict[str, str] = {
    "integer": r"^(0|[1-9][0-9]{0,17})$",
    "port": r"^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
    "path": r"^[^-].*$",  # never read as an option by the command it is given to
}
TYPE_WORDS: dict[str, str] = {
    "integer": "a whole number (digits only, no leading zero)",
    "port": "a port number (1-65535)",
    "path": "a path (not starting with '-')",
}

# Characters that change what a terminal shows without being shown: C0 controls (ESC starts escape
# sequences, CR and backspace overwrite), DEL, C1 controls (U+009B is a one-character CSI on some
# terminals), and the invisible and bidirectional formatting characters that reorder or hide text.
_INVISIBLE = (
    [0x061C, 0x2028, 0x2029, 0xFEFF]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2065))
    + list(range(0x2066, 0x206A))
)
UNSEEN: tuple[str, ...] = tuple(
    chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), *sorted(_INVISIBLE)] if chr(c) not in "\t\n"
)
_UNSEEN_RE = re.compile("[" + re.escape("".join(UNSEEN)) + "]")
# What no value may hold: the above, and tabs and newlines too (a value is one word on one line).
_NOT_IN_VALUES = re.compile("[" + re.escape("".join(UNSEEN)) + "\t\n]")


def shown_as(ch: str) -> str:
    """How `visible` writes one unseen character: `\\x1b` for C0 and DEL, `\\u009b` beyond."""
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x80 else f"\\u{ord(ch):04x}"


def visible(text: str) -> str:
    """The text with every unseen character written out, so a terminal shows exactly what it holds.
    Tabs and newlines are kept: they lay text out, they cannot hide it."""
    return _UNSEEN_RE.sub(lambda m: shown_as(m.group(0)), text)


def quoted(text: str) -> str:
    """The text as a message quotes it: on one line, tabs, newlines and unseen characters written out."""
    return "'" + visible(text).replace("\t", "\\t").replace("\n", "\\n") + "'"


def has_unseen(text: str) -> bool:
    """True when a value holds a control or invisible character (tabs and newlines included)."""
    return bool(_NOT_IN_VALUES.search(text))


def full_match(pattern: str) -> str:
    """The pattern as bash's `=~` must match the whole value: anchored, one group."""
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return f"^({pattern})$"


def value_problem(value: str, kind: str, pattern: str | None = None, choices: list[str] | None = None) -> str | None:
    """Why the scripts would refuse this value, or None when they accept it (an empty value is never
    checked: it means "not given")."""
    if value == "":
        return None
    if has_unseen(value):
        return "it holds a control or invisible character (a newline, a tab, an escape...)"
    if kind in TYPE_PATTERNS and not re.fullmatch(TYPE_PATTERNS[kind], value):
        return f"it is not {TYPE_WORDS[kind]}"
    if pattern:
        from generator.core import patterns  # bounded in time: a contributor's pattern may backtrack

        whole = full_match(pattern)
        try:
            if patterns.compiled(whole) is not None and not patterns.fullmatch(whole, value):
                return f"it does not match the pattern {quoted(pattern)}"
        except patterns.Slow:
            return None  # cannot tell in time; the pattern itself is reported where it is declared
    if choices and value not in choices:
        return f"it is not one of the choices: {', '.join(quoted(c) for c in choices)}"
    return None
