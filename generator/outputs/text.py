"""Putting YAML text into pages as text: shown as written, never read as markup, whatever it holds.

Every string from a contributor reaches a page through one of these helpers, and each escapes the value
whole; none guesses, from the text, where it may leave something unescaped:

- Text (`inline`, `block`, `cell`) is split into plain runs and `code spans` by CommonMark's rule, within
  the one value. In a plain run, every character that means something to Markdown or HTML anywhere in a
  line becomes a character reference (`#` is `&#35;`), and so does the first character of each line when
  it is punctuation or a digit. No run of text, alone or beside another, can form a heading, a list, a
  link, a table cell, an attribute list, a fence or a tag. A code span goes through `code`.
- Code (`code` for inline code, `fence` for commands and logs) is delimited by a backtick fence longer
  than any backtick run inside, so Markdown shows the content literally and escapes it itself; inline code
  Markdown's HTML pass could misread (a '<', a '&') is an HTML <code> element holding escaped text.
- `html_inline` is the same text for an HTML page (the quick-fix sheets): escaped, code spans as <code>.
- `yaml_string` quotes a value for a page's front matter in ASCII, so no character can end it.

Control characters (the ones `kb validate` refuses) become U+FFFD here too, so even a page made from an
unvalidated file stays text. Everything is linear in the length of the value.
"""

from __future__ import annotations

import re
import string

from markupsafe import Markup, escape

from generator.core.model.common import FENCE_LANG_PATTERN
from generator.core.rules.control_chars import FORBIDDEN_RANGES

# Every character Markdown (with this site's extensions: tables, attribute lists, admonitions, tabs,
# fences) or HTML gives a meaning to wherever it stands in a line: tags and references, code spans,
# escapes, emphasis, links and images, attribute lists, table cells, a heading's closing hashes. The rest
# (`( ) > ~ ! = + - .`, quotes) mean nothing in the middle of a line: with no '[' there is no link.
MARKDOWN_SPECIAL = "&<\\`*_{}[]#|"
_TEXT = str.maketrans({c: f"&#{ord(c)};" for c in MARKDOWN_SPECIAL})
# What else starts a block at the start of a line: a list (`-`, `+`, `1.`), a setext underline or a rule
# (`---`, `===`), an admonition (`!!!`), a tab (`===`). A line's first character, when it is any ASCII
# punctuation or a digit, is escaped too; after a letter or a reference, nothing can start a block.
_START = str.maketrans({c: f"&#{ord(c)};" for c in string.punctuation + string.digits})
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
_TICKS = re.compile(r"`+")
_TICKS_SPLIT = re.compile(r"(`+)")
_LANG = re.compile(FENCE_LANG_PATTERN)
# What `kb validate` refuses, and lone surrogates, which no page can be written with.
_UNSAFE = re.compile(f"[{FORBIDDEN_RANGES}\ud800-\udfff]")
# In a YAML double-quoted scalar: the quote, the backslash, and all but printable ASCII.
_YAML_ESCAPE = re.compile(r'["\\]|[^\x20-\x7e]')


def clean(value: object) -> str:
    """The value as text: line breaks as '\\n', control characters replaced with U+FFFD."""
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("\ufffd", text)


def segments(text: str) -> list[tuple[bool, str]]:
    """(is_code, content) runs of one value: a backtick run opens a code span that the next run of the same
    length closes (CommonMark's rule); a run with no partner is text. Linear: each run's partner is looked
    up, not searched for."""
    if "`" not in text:
        return [(False, text)] if text else []
    pieces = _TICKS_SPLIT.split(text)  # text, run, text, run, ..., text
    lengths = [len(run) for run in pieces[1::2]]
    partner = [-1] * len(lengths)
    last: dict[int, int] = {}
    for i in range(len(lengths) - 1, -1, -1):
        partner[i] = last.get(lengths[i], -1)
        last[lengths[i]] = i
    out: list[tuple[bool, str]] = []
    plain = 0  # index in `pieces` where the pending text starts
    i = 0
    while i < len(lengths):
        j = partner[i]
        if j < 0:
            i += 1
            continue
        before = "".join(pieces[plain : 2 * i + 1])
        if before:
            out.append((False, before))
        out.append((True, "".join(pieces[2 * i + 2 : 2 * j + 1])))
        plain, i = 2 * j + 2, j + 1
    rest = "".join(pieces[plain:])
    if rest:
        out.append((False, rest))
    return out


def _markdown_text(text: str, line_start: bool = False) -> str:
    if line_start:
        return text[:1].translate(_START) + text[1:].translate(_TEXT)
    return text.translate(_TEXT)


def _line(text: str) -> str:
    """One line of text for Markdown, safe at the start of a line too: plain runs escaped, code spans
    through `code`. Blanks at either end are dropped (HTML shows none): leading ones could indent code."""
    parts = segments(text.strip())
    return "".join(_code(part) if is_code else _markdown_text(part, n == 0) for n, (is_code, part) in enumerate(parts))


def inline(value: object) -> Markup:
    """Text on one line (line breaks become spaces), safe anywhere in a line of Markdown."""
    return Markup(_line(clean(value).replace("\n", " ")))


def cell(value: object) -> Markup:
    """Text in a table cell: `inline` holds no '|' and no line break already."""
    return inline(value)


def block(value: object, quote: bool = False) -> Markup:
    """Several lines of text: each line kept (a hard line break), a blank line starts a new paragraph. With
    `quote`, every line carries the blockquote marker, so the whole text stays in the quote."""
    paragraphs, lines = [], []
    for raw in clean(value).strip().split("\n"):
        if raw.strip():
            lines.append(_line(raw))
        elif lines:
            paragraphs.append(lines)
            lines = []
    if lines:
        paragraphs.append(lines)
    prefix = "> " if quote else ""
    return Markup(("\n" + prefix.rstrip() + "\n" + prefix).join(("  \n" + prefix).join(p) for p in paragraphs))


def code(value: object) -> Markup:
    """Inline code holding any text. Plain content goes in a Markdown code span, fenced by more backticks
    than any run inside, which Markdown shows literally. Content with a '<' or a '&' does not: Markdown's
    raw-HTML pass reads the whole page with an HTML parser before it knows where code spans are, and an
    unclosed '<!--' or a broken '&#' in one shifts what it copies back, text of other lines included. Nor
    does content needing a fence of three backticks or more, which could start a code block at the start of
    a line. Those become an HTML <code> element holding escaped text, which looks the same."""
    return Markup(_code(clean(value).replace("\n", " ")))


def _code(text: str) -> str:
    plain = "<" not in text and "&" not in text
    if plain and "`" not in text and text.strip() and text[0] != "\\" and text[-1] != "\\":
        return f"`{text}`"  # the common case, one span of many in a long text
    longest = max(map(len, _TICKS.findall(text)), default=0)
    if longest >= 2 or not plain or not text.strip():
        return f"<code>{_markdown_text(text)}</code>"
    ticks = "`" * (longest + 1)
    # Markdown trims the spaces; they keep a backtick or a backslash at either end from touching the fence.
    pad = " " if text[0] in "`\\" or text[-1] in "`\\" else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(value: object, lang: str = "text", indent: int = 0) -> Markup:
    """A fenced code block whose fence is longer than any backtick run inside, so nothing in the code ends
    it; every line is indented alike, so nothing leaves the tab or list it sits in."""
    text = clean(value).rstrip("\n")
    longest = max((len(m) for m in _TICKS.findall(text)), default=0)
    ticks = "`" * max(3, longest + 1)
    lang = lang if _LANG.fullmatch(lang) else "text"  # the schema checks it; an odd one never reaches the fence
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in text.split("\n"))
    return Markup(f"{pad}{ticks}{lang}\n{body}\n{pad}{ticks}")


def anchor(value: str) -> Markup:
    """Ids are slugs already; this keeps it that way if a template is given anything else."""
    return Markup(re.sub(r"[^a-z0-9-]", "-", value.lower()))


def html_inline(value: object) -> Markup:
    """Text for an HTML page, on one line: escaped, with its code spans as <code> elements."""
    text = clean(value).replace("\n", " ")
    return Markup("".join(f"<code>{_html(_trim(p))}</code>" if c else _html(p) for c, p in segments(text)))


def _html(text: str) -> str:
    return text.translate(_HTML)


def _trim(content: str) -> str:
    # CommonMark: one space is stripped from both ends of a code span, so `` `x` `` can show a backtick.
    if len(content) > 2 and content[0] == content[-1] == " " and content.strip():
        return content[1:-1]
    return content


def yaml_string(value: object) -> Markup:
    """A double-quoted YAML scalar in ASCII, one line: any YAML reader reads back exactly the text, and no
    character in it can end the scalar or the front matter around it."""
    return Markup('"' + _YAML_ESCAPE.sub(_yaml_escape, clean(value).replace("\n", " ")) + '"')


def _yaml_escape(m: re.Match) -> str:
    ch = m.group()
    n = ord(ch)
    if ch in '"\\':
        return "\\" + ch
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


def title(value: object) -> Markup:
    """A page title for the front matter. The theme writes it into its HTML (navigation, header) as it is,
    so it is HTML-escaped first, then quoted."""
    return yaml_string(escape(clean(value).replace("\n", " ")))
