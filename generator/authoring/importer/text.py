"""Small text helpers shared by the importer's modules: plain forms of Markdown, slugs, titles."""

from __future__ import annotations

import html
import re

from generator.core.model.common import LINE_MAX

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_INLINE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__|~~|`)"), ""),  # emphasis and code marks
]
_EMOJI = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]")


def norm(text: str) -> str:
    """Whitespace collapsed: how lines are compared."""
    return " ".join(text.split())


def plain(text: str) -> str:
    """Text without inline Markdown (links keep their text, code marks and emphasis go) nor HTML tags."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return norm(html.unescape(text))


def bare(heading: str) -> str:
    """A heading's words, for matching: plain, without emoji and leading numbering."""
    text = _EMOJI.sub("", plain(heading))
    text = re.sub(r"^[\s#*>|\-–—:：.]+", "", text)
    text = re.sub(
        r"^(?:step|步骤|第)?\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:[.)、:：\-–—]|步|章|节)\s*", "", text, flags=re.I
    )
    return text.strip().strip(":：").strip()


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def slug(text: str, fallback: str, limit: int = 60) -> str:
    """An id from a title: lowercase ASCII words joined by '-'; the fallback when too little is left."""
    s = re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-")[:limit].strip("-")
    return s if len(s) >= 3 else fallback


def unique(base: str, used: set[str]) -> str:
    out, n = base, 2
    while out in used:
        suffix = f"-{n}"
        out, n = base[: 80 - len(suffix)] + suffix, n + 1
    used.add(out)
    return out


def first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), text.strip())


def title_of(text: str, limit: int = 120) -> str:
    """A one-line title for a piece of text: its first line, cut at a sentence end when too long."""
    line = plain(first_line(text)).rstrip(":：").strip() or "(untitled)"
    if len(line) <= limit:
        return line
    cut = re.search(rf"^(.{{20,{limit}}}?[.。!！?？;；])(?:\s|$)", line)
    if cut:
        return cut.group(1)
    return line[: limit - 1].rstrip() + "…"


def one_line(text: str) -> str:
    """Text fit for a one-line field (a title, a name): line breaks joined, at most LINE_MAX characters."""
    line = norm(text)
    return line if len(line) <= LINE_MAX else line[: LINE_MAX - 1] + "…"


def strip_label(text: str) -> str:
    """A paragraph without its opening label: '**Cause:** the disk filled' -> 'the disk filled'."""
    m = re.match(r"^\s*(?:\*\*[^*\n]{1,40}?\*\*\s*[:：]?|[^\n:：]{1,24}[:：])\s*(?=\S)", text)
    return text[m.end() :] if m else text
