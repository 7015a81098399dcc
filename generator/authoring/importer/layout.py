"""The shape of a write-up: its title, its introduction, its top-level sections, and the metadata lines
("**Date:** 2024-03-05", "作者：基础架构组") that belong in fields rather than in text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.authoring.importer.blocks import Block, Document, Section
from generator.authoring.importer.text import plain
from generator.authoring.importer.vocab import role

# "Key: value" lines of a metadata block, and the field each key fills.
_META_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<key>[^:：*\n]{1,24}?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(?P<value>\S.*?)\s*$"
)
META_KEYS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(words, re.IGNORECASE))
    for name, words in [
        ("date", r"^(date|incident date|日期|发生(时间|日期)|故障(时间|日期)|事故(时间|日期)|时间)$"),
        (
            "updated",
            r"^(last (updated|modified|reviewed)|updated|reviewed|更新(时间|日期)?|最后更新|修改时间|审核时间)$",
        ),
        ("author", r"^(authors?|written by|作者|记录人|编写人|撰写人|整理人|报告人)$"),
        ("owner", r"^(owners?|team|maintainers?|负责人|负责团队|维护人|维护者|所属团队|owning team)$"),
        ("reviewer", r"^(reviewers?|审核人|审阅人|复核人)$"),
        ("status", r"^(status|state|状态|当前状态)$"),
        ("severity", r"^(severity|sev|priority|impact level|级别|等级|严重(程度|级别|等级)|事故等级|故障等级|优先级)$"),
        ("services", r"^(services?|affected services?|systems?|components?|服务|系统|涉及服务|影响服务|组件)$"),
        ("duration", r"^(duration|total duration|持续时间|总耗时|时长|影响时长|故障时长)$"),
        ("impact", r"^(impact|user impact|customer impact|影响|影响范围)$"),
        ("tags", r"^(tags|labels|keywords|标签|关键词)$"),
        ("alert", r"^(alerts?|alert ?name|告警(名称)?|报警)$"),
    ]
]


_HEADING_KEYS = {"date", "updated", "author", "owner", "reviewer", "status", "severity", "duration", "impact"}


@dataclass
class Meta:
    key: str  # one of the META_KEYS names
    value: str
    line: int
    text: str  # the line as written


def meta_lines(block: Block) -> list[Meta] | None:
    """The metadata of a text or list block in which every line is `Key: value` with a known key; None
    when the block is prose."""
    if block.kind not in ("text", "list"):
        return None
    lines = block.text.split("\n")
    out = []
    for n, ln in enumerate(lines):
        if not ln.strip():
            continue
        m = _META_LINE.match(ln)
        key = m and next((name for name, rx in META_KEYS if rx.match(plain(m.group("key")))), None)
        if not m or not key:
            return None
        out.append(Meta(key, plain(m.group("value")), block.line + n, ln))
    return out or None


@dataclass
class Layout:
    title: str | None
    title_section: Section | None
    intro: list[Block]  # before the first section
    sections: list[Section]  # the top-level sections, in order
    meta: list[Meta]  # headings that are metadata ("# 日期: 2025-12-23"), taken out of the sections


def layout(doc: Document) -> Layout:
    top = doc.top
    h1 = [s for s in top.children if s.level == 1 and not s.label]
    intro = list(top.blocks)
    if len(h1) == 1 and all(s is h1[0] or s.label for s in top.children):
        title_sec = h1[0]
        intro += title_sec.blocks
        sections = [s for s in top.children if s.label] + title_sec.children
    elif h1:
        title_sec = h1[0]
        intro += title_sec.blocks
        sections = []
        for s in top.children:
            sections += s.children if s is title_sec else [s]
    else:
        title_sec = None
        sections = list(top.children)
        # No level-1 heading: a first heading over all the rest is the title.
        if len(sections) == 1 and sections[0].children and not role(sections[0].title):
            title_sec = sections[0]
            intro += title_sec.blocks
            sections = title_sec.children
    title = title_sec.title if title_sec else None
    # A heading with nothing under it that reads "Key: value" with a known key is metadata.
    meta: list[Meta] = []
    kept: list[Section] = []
    for s in sections:
        found = None
        if not s.blocks and not s.label:
            found = meta_lines(Block("text", s.line, s.line, text=plain(s.title)))
        # "告警：X" over an alert's sections names the alert: only dates, people, status and the like
        # are read from headings.
        if found and all(m.key in _HEADING_KEYS for m in found):
            meta += found
            kept += s.children  # "# 影响: …" over "## 时间线": the sections are the document's
        else:
            kept.append(s)
    return Layout(title, title_sec, intro, kept, meta)
