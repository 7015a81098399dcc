"""Putting YAML text into Markdown safely: shown as written, never run as HTML.

Every string from a contributor passes through one of these filters. Text keeps inline Markdown
(`code`, *emphasis*) but loses every way to inject markup: raw HTML, links and images (which could
carry `javascript:` URLs) and attribute lists.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "\\": "&#92;",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group(0)], text)


def inline(value: object) -> Markup:
    """One paragraph of text, safe in Markdown. `code spans` stay as they are: Markdown escapes them."""
    text, out, pos = str(value).replace("\n", " "), [], 0
    for m in _CODE_SPAN.finditer(text):
        out += [_escape(text[pos : m.start()]), m.group(0)]
        pos = m.end()
    out.append(_escape(text[pos:]))
    return Markup("".join(out))


def block(value: object) -> Markup:
    """Several lines of text, kept as separate lines."""
    return Markup("  \n".join(inline(line) for line in str(value).strip().split("\n")))


def cell(value: object) -> Markup:
    """Text inside a table cell: no pipes, no line breaks."""
    return Markup(str(inline(value)).replace("|", "&#124;"))


def fence(code: str, lang: str = "text", indent: int = 0) -> Markup:
    """A fenced code block whose fence is longer than any backtick run inside, so nothing escapes it."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in code.rstrip("\n").split("\n"))
    return Markup(f"{pad}{ticks}{lang}\n{body}\n{pad}{ticks}")


def anchor(value: str) -> Markup:
    """Ids are slugs already; this keeps it that way if a template is given anything else."""
    return Markup(re.sub(r"[^a-z0-9-]", "-", value.lower()))


def code(value: object) -> Markup:
    """An inline code span that holds any text: Markdown shows its content literally."""
    text = " ".join(str(value).split("\n"))
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{ticks}{pad}{text}{pad}{ticks}".replace("|", "&#124;"))
