"""Blocks of a markdown write-up -> a draft incident or runbook (plain data).

Headings and label paragraphs ("**症状：**") say what a block is; code becomes steps, timeline tables
become timeline rows, ✅/⏳ and checkbox lists become action items. Every block lands somewhere: what
has no obvious home goes to `unsorted`, with its headings, for a person to place.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator.authoring.importer.blocks import Block, Document
from generator.core.rules.destructive import first_destructive
from generator.core.rules.secrets import find_secrets

# Heading or label words -> the role of what follows. First match wins, innermost heading first.
ROLES: list[tuple[str, re.Pattern[str]]] = [
    (role, re.compile(words, re.IGNORECASE))
    for role, words in [
        ("timeline", r"时间线|timeline"),
        ("health", r"体检|检查清单|health.?check|快速诊断|checklist"),
        ("actions", r"改进计划|行动项|待办|action.?items?|todo|follow.?up|改进措施总结"),
        ("lessons", r"经验|教训|lessons?"),
        ("prevention", r"预防|prevention"),
        ("verification", r"验证|verif"),
        ("symptom", r"症状|现象|问题描述|用户反馈|symptoms?"),
        ("cause", r"原因|根因|根源|root.?cause|causes?"),
        ("diagnosis", r"排查|诊断|diagnos|investigat"),
        ("solution", r"解决|修复|方案|solution|fix|resolution|workaround"),
        ("evidence", r"日志证据|evidence"),
        ("impact", r"影响|impact"),
        ("summary", r"概述|摘要|overview|summary"),
    ]
]
PROBLEM = re.compile(r"(问题|错误|problem|issue)\s*#?\s*\d", re.IGNORECASE)
TIME_HEADER = re.compile(r"^(时间|time|when)$", re.IGNORECASE)
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
OFFSET = re.compile(r"(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?|([+-])(\d{2}):(\d{2})(?=\s|$)")
SEVERITY = re.compile(r"\bP([123])\b")
DONE = re.compile(r"^\s*(?:\[[xX]\]|✅|☑|✔)\s*")
OPEN = re.compile(r"^\s*(?:\[ \]|⏳|☐|🔲)\s*")
AUTHOR = re.compile(r"\*\*(?:记录人|作者|负责人|author|owner)\*\*\s*[:：]\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)

LANGS = {
    **dict.fromkeys(["bash", "sh", "shell", "zsh", "console", "shell-session"], "bash"),
    **dict.fromkeys(["python", "py", "python3"], "python"),
    **dict.fromkeys(["powershell", "ps1", "pwsh"], "powershell"),
    **dict.fromkeys(["cmd", "bat", "batch"], "cmd"),
    **dict.fromkeys(["ini", "conf", "toml", "cfg", "nginx", "systemd"], "ini"),
    "json": "json",
    "sql": "sql",
    **dict.fromkeys(["jinja", "jinja2", "j2", "html"], "jinja"),
}
MISSING = "TODO (kb import found nothing for this in the write-up)"


def role_of(block: Block) -> str | None:
    for name in [block.label, *reversed(block.path)]:
        for role, pattern in ROLES:
            if name and pattern.search(name):
                return role
    return None


def heading(block: Block) -> str:
    parts = [*block.path[1:]] if len(block.path) > 1 else list(block.path)
    return " › ".join([*parts, *([block.label] if block.label else [])]) or "(top of the document)"


@dataclass
class Context:
    """What the whole document says about dates, time zone and secrets."""

    date: dt.date
    offset: dt.timezone
    today: dt.date
    redacted: list[tuple[int, str]] = field(default_factory=list)  # (line, what)
    guessed: dict[str, str] = field(default_factory=dict)  # field -> why it is a guess

    def clean(self, text: str, line: int) -> str:
        """The text with secrets replaced: a draft must not put a credential into git."""
        for what, secret in find_secrets(text):
            text = text.replace(secret, f"<redacted {what}>")
            self.redacted.append((line, what))
        return text


def context(doc: Document, today: dt.date) -> Context:
    m = DATE.search(doc.source)
    date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else today
    offset = dt.datetime.now().astimezone().tzinfo
    o = OFFSET.search(doc.source)
    if o:
        sign, hours, minutes = (
            (o.group(1), o.group(2), o.group(3)) if o.group(1) else (o.group(4), o.group(5), o.group(6))
        )
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        offset = dt.timezone(delta if sign == "+" else -delta)
    ctx = Context(date, offset if isinstance(offset, dt.timezone) else dt.UTC, today)
    if not m:
        ctx.guessed["date"] = "no date in the write-up: today's date is used"
    if not o:
        ctx.guessed["offset"] = "no time zone in the write-up: this machine's is used"
    return ctx


def step(block: Block, ctx: Context, title: str | None = None) -> dict[str, Any]:
    """A fenced block as a step: the command as written, marked destructive when it is."""
    lang = LANGS.get(block.lang.lower(), "text")
    run = ctx.clean(block.text.rstrip("\n"), block.line)
    out: dict[str, Any] = {"title": title or _step_title(block), "lang": lang, "run": run}
    if lang not in ("text", "ini", "json", "jinja") and first_destructive(run):
        out["destructive"] = True
    return out


def _step_title(block: Block) -> str:
    first = next((ln.strip("# ").strip() for ln in block.text.splitlines() if ln.strip()), "")
    own = block.label or (block.path[-1] if block.path else "")
    return own or first or "command"


def unsorted(block: Block, ctx: Context) -> dict[str, str]:
    text = block.text if block.kind != "code" else f"```{block.lang}\n{block.text.rstrip()}\n```"
    return {"heading": heading(block), "text": ctx.clean(text, block.line) or "(empty)"}


def timeline_rows(block: Block, ctx: Context) -> list[dict[str, Any]]:
    rows = []
    for cells in block.rows:
        when = cells[0] if cells else ""
        at, exact = _at(when, ctx)
        event = " | ".join(c for c in cells[1:2] if c) or when or "(empty row)"
        row: dict[str, Any] = {"at": at, "event": event if exact else f"{when} {event}".strip()}
        status = " | ".join(c for c in cells[2:] if c)
        if status:
            row["status"] = status
        rows.append(row)
    return rows


def _at(text: str, ctx: Context) -> tuple[str, bool]:
    """ISO date-time for a cell such as '23:01' or '2026-02-25 23:01'; (day start, False) if none."""
    d = DATE.search(text)
    day = dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3))) if d else ctx.date
    c = CLOCK.search(text)
    t = dt.time(int(c.group(1)) % 24, int(c.group(2)), int(c.group(3) or 0)) if c else dt.time()
    return dt.datetime.combine(day, t, ctx.offset).isoformat(), bool(c)


def is_timeline(block: Block) -> bool:
    return block.kind == "table" and (
        role_of(block) == "timeline" or bool(block.header and TIME_HEADER.match(block.header[0].strip()))
    )


def action_items(block: Block) -> list[dict[str, str]] | None:
    """Checkbox or ✅/⏳ items as action items; None when the list is not such a list."""
    if block.kind != "list" or not block.items:
        return None
    marked = [DONE.match(i) or OPEN.match(i) for i in block.items]
    if role_of(block) != "actions" and not all(marked):
        return None
    out = []
    for item in block.items:
        status = "done" if DONE.match(item) else "open"
        title = OPEN.sub("", DONE.sub("", item)).strip()
        out.append({"title": " ".join(title.split()) or "(empty)", "status": status})
    return out


def first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), text.strip())
