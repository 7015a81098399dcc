"""Markdown -> a flat list of blocks, each with the headings above it. Parsing is markdown-it-py's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

# A paragraph that is only a label ("**症状：**", "Cause:") names what follows, like a small heading.
_LABEL = re.compile(
    r"^\s*(?:\*\*(?P<bold>[^*\n]{1,40}?)\s*[:：]?\s*\*\*\s*[:：]?|(?P<plain>[^\n:：*`]{1,20})[:：])\s*$"
)


@dataclass
class Block:
    kind: str  # text, code, table, list
    path: tuple[str, ...]  # the headings above, outermost first
    label: str | None  # the label paragraph above it in the same section, if any
    line: int  # 1-based line in the source
    text: str = ""  # text, list: the Markdown as written; code: the content
    lang: str = ""  # code: the fence's info string
    header: list[str] = field(default_factory=list)  # table
    rows: list[list[str]] = field(default_factory=list)  # table
    items: list[str] = field(default_factory=list)  # list: each item's text, nested items included


@dataclass
class Document:
    title: str | None
    blocks: list[Block]
    source: str


def parse(source: str) -> Document:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(source)
    lines = source.splitlines()
    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []
    label: str | None = None
    title: str | None = None
    i = 0

    def path() -> tuple[str, ...]:
        return tuple(t for _, t in stack)

    def slice_of(tok: Token) -> str:
        a, b = tok.map or (0, 0)
        return "\n".join(lines[a:b]).strip("\n")

    while i < len(tokens):
        tok = tokens[i]
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
            text = tokens[i + 1].content.strip()
            if level == 1 and title is None:
                title = text
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            label = None
            i += 3
            continue
        if tok.type == "paragraph_open":
            content = tokens[i + 1].content
            m = _LABEL.match(content)
            if m:
                label = (m.group("bold") or m.group("plain")).strip()
            else:
                blocks.append(Block("text", path(), label, line, text=slice_of(tok)))
            i += 3
            continue
        if tok.type in ("fence", "code_block"):
            blocks.append(Block("code", path(), label, line, text=tok.content, lang=tok.info.strip().split(" ")[0]))
        elif tok.type == "table_open":
            end = _close(tokens, i)
            header, rows = _table(tokens[i:end])
            blocks.append(Block("table", path(), label, line, text=slice_of(tok), header=header, rows=rows))
            i = end
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            end = _close(tokens, i)
            inner = tokens[i:end]
            items = [t.content for t in inner if t.type == "inline"]
            blocks.append(Block("list", path(), label, line, text=_list_text(inner, lines), items=items))
            # Code inside list items is a command like any other, kept as its own block.
            for t in inner:
                if t.type in ("fence", "code_block"):
                    ln = (t.map[0] + 1) if t.map else line
                    blocks.append(Block("code", path(), label, ln, text=t.content, lang=t.info.strip().split(" ")[0]))
            i = end
        elif tok.type in ("blockquote_open", "html_block"):
            end = _close(tokens, i) if tok.type == "blockquote_open" else i
            blocks.append(Block("text", path(), label, line, text=slice_of(tok)))
            i = end
        i += 1
    return Document(title, blocks, source)


def _close(tokens: list[Token], start: int) -> int:
    """Index of the token that closes the one at `start`."""
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _table(tokens: list[Token]) -> tuple[list[str], list[list[str]]]:
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
            row.append(t.content.strip())
        elif t.type == "tr_close" and row is not None:
            (header.extend(row) if in_head else rows.append(row))
            row = None
    return header, rows


def _list_text(tokens: list[Token], lines: list[str]) -> str:
    """The list as written, without the code blocks inside it (they become commands of their own)."""
    first = tokens[0].map or (0, 0)
    skip: set[int] = set()
    for t in tokens:
        if t.type in ("fence", "code_block") and t.map:
            skip.update(range(t.map[0], t.map[1]))
    kept = [lines[n] for n in range(first[0], first[1]) if n not in skip]
    return "\n".join(kept).strip("\n")
