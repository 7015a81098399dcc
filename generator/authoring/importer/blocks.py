"""Markdown -> a tree of sections, each with its blocks in order. Parsing is markdown-it-py's.

A label paragraph that names a part ("**症状：**", "Diagnosis:", "**Cause:** the disk filled") opens a
section of its own, like a small heading, so that labels and headings are read the same way. Lines
markdown-it does not put in any token (reference-link definitions) are kept as blocks where they stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.authoring.importer.text import plain

# A paragraph that is only a label: "**症状：**", "**Cause**:", "原因:" (short).
_LABEL_ONLY = re.compile(
    r"^\s*(?:\*\*(?P<bold>[^*\n]{1,40}?)\s*[:：]?\s*\*\*\s*[:：]?|(?P<plain>[^\n:：*`\[]{1,24})[:：])\s*$"
)
# A paragraph that opens with a label: "**Cause:** the disk filled", "症状：页面 502".
_LABEL_OPEN = re.compile(
    r"^\s*(?:\*\*(?P<bold>[^*\n]{1,40}?)\s*[:：]\s*\*\*|\*\*(?P<bold2>[^*\n]{1,40}?)\*\*\s*[:：]|(?P<plain>[^\n:：*`\[(]{1,12})[:：])\s*\S"
)
_REFDEF = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:\s*<?(?P<url>\S+?)>?(?:\s+[\"'(](?P<title>.*)[\"')])?\s*$")
_CHECK = re.compile(r"^\s*(?:\[(?P<box>[ xX])\]|(?P<done>[✅☑✔])|(?P<open>[⏳☐🔲]))\s*")


@dataclass
class Item:
    text: str  # the item as written, without its marker; lines of nested items kept
    line: int
    end: int
    check: str | None = None  # "done" or "open" for a checkbox or ✅/⏳ item


@dataclass
class Block:
    kind: str  # text, code, table, list, quote, html, refdef
    line: int  # 1-based first line in the parsed Markdown
    end: int  # 1-based last line
    text: str = ""  # the Markdown as written; for code, the content
    lang: str = ""  # code: the fence's language
    header: list[str] = field(default_factory=list)  # table
    rows: list[list[str]] = field(default_factory=list)  # table
    items: list[Item] = field(default_factory=list)  # list
    ordered: bool = False  # list
    lead: str | None = None  # code inside a list item: that item's text, which says what the code is for
    label: str | None = None  # text opening with a label: the label ("Cause")

    @property
    def introduces(self) -> bool:
        """A short text ending in a colon: it says what the next block is."""
        return self.kind == "text" and len(self.text.strip()) <= 300 and self.text.rstrip().endswith((":", "："))

    def leads(self, nxt: Block | None) -> bool:
        """Whether this text says what the next block is: one that ends in a colon, or one short
        sentence right above a code block ("Then look at the slow log.")."""
        if nxt is None or self.kind != "text":
            return False
        if self.introduces:
            return nxt.kind in ("code", "list", "table")
        one = "\n" not in self.text.strip() and len(self.text.strip()) <= 120
        return one and nxt.kind == "code"


@dataclass
class Section:
    title: str  # the heading as written ("" for the top of the document)
    level: int  # 1-6 for headings, +0.5 for a label, 0 for the top
    line: int
    parent: Section | None = None
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    label: bool = False  # made from a label paragraph rather than a heading

    @property
    def path(self) -> tuple[str, ...]:
        out: list[str] = []
        node: Section | None = self
        while node is not None and node.level > 0:
            out.append(node.title)
            node = node.parent
        return tuple(reversed(out))

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    def all_blocks(self) -> Iterator[Block]:
        for sec in self.walk():
            yield from sec.blocks

    @property
    def end(self) -> int:
        last = [b.end for b in self.all_blocks()] + [s.line for s in self.walk()]
        return max(last) if last else self.line


@dataclass
class Document:
    top: Section
    title: str | None  # the first level-1 heading
    references: dict[str, tuple[str, str | None]]  # label (lowercase) -> (url, title)
    lines: list[str]
    label_lines: set[int] = field(default_factory=set)  # lines that are only a label ("**症状：**")


def label_of(text: str) -> tuple[str, bool] | None:
    """(label, whole) when a paragraph is a label ("**症状：**", whole) or opens with one
    ("**Cause:** the disk", not whole); None otherwise."""
    m = _LABEL_ONLY.match(text)
    if m:
        return plain(m.group("bold") or m.group("plain")).strip(), True
    m = _LABEL_OPEN.match(text)
    if m:
        return plain(m.group("bold") or m.group("bold2") or m.group("plain")).strip(), False
    return None


def parse(source: str, is_label: Callable[[str], bool] | None = None) -> Document:
    """The section tree. `is_label(words)` says whether a label's words name a part (a role); a
    label that names none stays text, so a short sentence ending in a colon is never taken for one."""
    md = MarkdownIt("commonmark").enable("table")
    env: dict = {}
    tokens = md.parse(source, env)
    lines = source.split("\n")
    refs = {k.lower(): (v.get("href", ""), v.get("title") or None) for k, v in (env.get("references") or {}).items()}
    top = Section("", 0, 0)
    current = top
    title: str | None = None
    covered: set[int] = set()
    label_lines: set[int] = set()

    def add(block: Block) -> None:
        nonlocal current
        covered.update(range(block.line - 1, block.end))
        if block.kind == "text" and is_label is not None:
            found = label_of(block.text)
            if found and is_label(found[0]):
                words, whole = found
                base = current
                while base.label:
                    base = base.parent  # type: ignore[assignment]
                pseudo = Section(words, base.level + 0.5, block.line, base, label=True)
                base.children.append(pseudo)
                current = pseudo
                if whole:
                    label_lines.add(block.line)
                    return
                block.label = words
        # Code right after a list whose last item ends in a colon is what that item announces.
        if block.kind == "code" and block.lead is None and current.blocks:
            last = current.blocks[-1]
            if last.kind == "list" and last.items and last.items[-1].text.rstrip().endswith((":", "：")):
                block.lead = last.items[-1].text.strip()
        current.blocks.append(block)

    def text_of(tok: Token) -> str:
        a, b = tok.map or (0, 0)
        return _resolve("\n".join(lines[a:b]).strip("\n"), refs)

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        a, b = tok.map or (0, 0)
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
            text = tokens[i + 1].content.strip()
            if level == 1 and title is None:
                title = text
            parent = current
            while parent.level >= level or parent.label:
                parent = parent.parent  # type: ignore[assignment]
            current = Section(text, level, a + 1, parent)
            parent.children.append(current)
            covered.update(range(a, b))
            i += 3
            continue
        if tok.type == "paragraph_open":
            add(Block("text", a + 1, b, text=text_of(tok)))
            i += 3
            continue
        if tok.type in ("fence", "code_block"):
            add(Block("code", a + 1, b, text=tok.content, lang=tok.info.strip().split(" ")[0].lower()))
        elif tok.type == "table_open":
            end = _close(tokens, i)
            header, rows = _table(tokens[i:end], refs)
            add(Block("table", a + 1, b, text=text_of(tok), header=header, rows=rows))
            i = end
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            end = _close(tokens, i)
            inner = tokens[i:end]
            code = [t for t in inner if t.type in ("fence", "code_block") and t.map]
            skip = {n for t in code for n in range(t.map[0], t.map[1])}  # type: ignore[index]
            add(
                Block(
                    "list",
                    a + 1,
                    b,
                    text=_resolve("\n".join(lines[n] for n in range(a, b) if n not in skip).strip("\n"), refs),
                    items=_items(inner, lines, skip, refs),
                    ordered=tok.type == "ordered_list_open",
                )
            )
            # Code inside list items is a command like any other, kept as its own block.
            for t in code:
                lead = _item_text_before(inner, t)
                add(
                    Block(
                        "code",
                        t.map[0] + 1,
                        t.map[1],
                        text=t.content,  # type: ignore[index]
                        lang=t.info.strip().split(" ")[0].lower(),
                        lead=lead,
                    )
                )
            i = end
        elif tok.type == "blockquote_open":
            end = _close(tokens, i)
            add(Block("quote", a + 1, b, text=text_of(tok)))
            i = end
        elif tok.type == "html_block":
            add(Block("html", a + 1, b, text=text_of(tok)))
        elif tok.type == "hr":
            covered.update(range(a, b))
        i += 1

    # Lines no token holds: reference definitions, mostly. Each goes where it stands.
    gaps = [n for n in range(len(lines)) if n not in covered and lines[n].strip()]
    if gaps:
        _place_gaps(top, gaps, lines)
    return Document(top, title, refs, lines, label_lines)


def _place_gaps(top: Section, gaps: list[int], lines: list[str]) -> None:
    runs: list[list[int]] = []
    for n in gaps:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    sections = [s for s in top.walk()]
    for run in runs:
        line = run[0] + 1
        owner = top
        for s in sections:
            if 0 < s.line <= line and not s.label:
                owner = s
        kind = "refdef" if all(_REFDEF.match(lines[n]) for n in run) else "text"
        block = Block(kind, line, run[-1] + 1, text="\n".join(lines[n] for n in run))
        at = next((k for k, b in enumerate(owner.blocks) if b.line > line), len(owner.blocks))
        owner.blocks.insert(at, block)


def refdefs(block: Block) -> list[tuple[str, str, str | None]]:
    """(label, url, title) of each reference-link definition in a refdef block."""
    out = []
    for ln in block.text.split("\n"):
        m = _REFDEF.match(ln)
        if m:
            out.append((m.group("label"), m.group("url"), m.group("title")))
    return out


def _resolve(text: str, refs: dict[str, tuple[str, str | None]]) -> str:
    """Reference-style links written out: [text][ref] and [ref] become [text](url)."""
    if not refs or "[" not in text:
        return text

    def full(m: re.Match[str]) -> str:
        key = (m.group(2) or m.group(1)).lower()
        return f"[{m.group(1)}]({refs[key][0]})" if key in refs else m.group(0)

    def short(m: re.Match[str]) -> str:
        key = m.group(1).lower()
        return f"[{m.group(1)}]({refs[key][0]})" if key in refs else m.group(0)

    text = re.sub(r"\[([^\]\n]+)\]\[([^\]\n]*)\]", full, text)
    return re.sub(r"(?<![\]!\\])\[([^\]\n]+)\](?![(\[:])", short, text)


def _close(tokens: list[Token], start: int) -> int:
    """Index of the token that closes the one at `start`."""
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _table(tokens: list[Token], refs: dict) -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    in_head = False
    for t in tokens:
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            row = []
        elif t.type == "inline" and row is not None:
            row.append(_resolve(t.content.strip(), refs))
        elif t.type == "tr_close" and row is not None:
            (header.extend(row) if in_head else rows.append(row))
            row = None
    return header, rows


def _items(tokens: list[Token], lines: list[str], skip: set[int], refs: dict) -> list[Item]:
    """The top-level items of a list, each as written (marker off, nested lines kept, code left out)."""
    out: list[Item] = []
    depth = 0
    for t in tokens:
        if t.type == "list_item_open":
            depth += 1
            if depth == 1 and t.map:
                a, b = t.map
                body = [lines[n] for n in range(a, b) if n not in skip]
                if body:
                    body[0] = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s?", "", body[0])
                    indent = min((len(x) - len(x.lstrip()) for x in body[1:] if x.strip()), default=0)
                    body = [body[0], *(x[indent:] for x in body[1:])]
                text = _resolve("\n".join(body).strip("\n"), refs)
                m = _CHECK.match(text)
                check = None
                if m:
                    box = m.group("box")
                    check = "done" if (box is not None and box in "xX") or m.group("done") else "open"
                    text = text[m.end() :]
                out.append(Item(text, a + 1, b, check))
        elif t.type == "list_item_close":
            depth -= 1
    return out


def _item_text_before(tokens: list[Token], code: Token) -> str | None:
    """The text of the list item a code block sits in, which says what the code is for."""
    last = None
    for t in tokens:
        if t is code:
            return last
        if t.type == "inline" and t.content.strip():
            last = t.content.strip()
    return last
