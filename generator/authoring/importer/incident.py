"""An incident draft from a post-mortem's sections, read by what each is for: summary, impact, timeline
(a table or a bulleted list), diagnosis, root cause, contributing factors, resolution, verification,
prevention, action items and lessons."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from generator.authoring.importer.blocks import Block, Document, Section
from generator.authoring.importer.common import (
    add_links,
    append,
    drop_empty,
    new_id,
    refdef_text,
    set_category,
)
from generator.authoring.importer.context import Context, Node
from generator.authoring.importer.layout import Meta, layout, meta_lines
from generator.authoring.importer.source import Source
from generator.authoring.importer.steps import code_steps, manual_step
from generator.authoring.importer.text import one_line, plain, slug, strip_label, title_of
from generator.authoring.importer.vocab import lead_role, role
from generator.authoring.importer.when import Zone, find_date, find_zone, read_when, starts_with_time

MISSING = "TODO (kb import found nothing for this in the write-up)"
_TIME_HEADER = re.compile(
    r"^(时间|时刻|time|when|timestamp|date|datetime|日期|time\s*\(.*\)|时间\s*[(（].*[)）])", re.I
)
_STATUS_HEADER = re.compile(r"状态|status|state", re.I)
_OWNER_HEADER = re.compile(r"owner|assignee|负责人|责任人|who|跟进人", re.I)
_TITLE_HEADER = re.compile(r"action|item|task|事项|措施|内容|改进|todo|what|描述|description|行动", re.I)
_DONE = re.compile(r"^(done|closed|complete[d]?|finished|fixed|resolved|已完成|完成|已解决|已关闭|✅|☑|✔|yes)$", re.I)
_DETECTED = re.compile(
    (
        r"发现|告警|报警|报障|用户(报告|反馈)|alert(ed)? (fired|"
        r"fires)|\bfires\b|alerted|paged|noticed|"
        r"detected|reported|first report"
    ),
    re.I,
)
_RESOLVED = re.compile(
    r"恢复正常|已恢复|全部恢复|恢复|resolved|recovered|back to normal|fully restored|all clear|closed", re.I
)
_SEVERITY = [
    (re.compile(r"\bsev(?:erity)?[\s-]*([0-4])\b", re.I), lambda m: min(max(int(m.group(1)), 1), 3)),
    (re.compile(r"\bP([0-4])\b"), lambda m: min(max(int(m.group(1)), 1), 3)),
    (re.compile(r"critical|blocker|紧急|严重|一级|高", re.I), lambda m: 1),
    (re.compile(r"\bmajor\b|\bhigh\b|二级|中", re.I), lambda m: 2),
    (re.compile(r"\bminor\b|\blow\b|\bmedium\b|三级|低", re.I), lambda m: 3),
]
_STATUS = [
    (re.compile(r"resolved|closed|fixed|done|已解决|已恢复|已关闭|已修复|恢复", re.I), "resolved"),
    (re.compile(r"monitor|观察|监控中", re.I), "monitoring"),
    (re.compile(r"open|ongoing|investigating|active|处理中|进行中|未解决", re.I), "open"),
]
_LIKELY = [
    (re.compile(r"最可能|most likely|probable|high", re.I), "high"),
    (re.compile(r"不太可能|unlikely|low", re.I), "low"),
]
_USER = re.compile(r"用户|客户|user|customer", re.I)
_OUTCOME = [(re.compile(r"❌|✗|failed|异常|失败"), "failed"), (re.compile(r"✅|✓|正常|passed|\bok\b", re.I), "passed")]


class IncidentDraft:
    def __init__(self, doc: Document, src: Source, ctx: Context, data: Node) -> None:
        self.doc, self.src, self.ctx, self.d = doc, src, ctx, data
        self.lists: dict[str, list[Any]] = {
            k: []
            for k in (
                "evidence",
                "environment",
                "timeline",
                "diagnosis",
                "ruled_out",
                "hypotheses",
                "contributing_errors",
                "analysis",
                "verification",
                "metrics",
                "prevention",
                "procedures",
                "lessons",
                "action_items",
                "links",
                "unsorted",
            )
        }
        self.texts: dict[str, list[str]] = {"summary": [], "impact": [], "symptom": []}
        self.root: Node = {"summary": "", "category": "unknown", "confirmed": False, "details": []}
        self.resolution: Node = {"summary": "", "steps": [], "user_actions": []}
        self.link_targets: set[str] = set()
        self.used: set[str] = set()
        self.meta: dict[str, Meta] = {}
        self.timeline_zone: Zone | None = None

    def build(self) -> Node:
        lay = layout(self.doc)
        if lay.title_section is not None:
            self.ctx.take(lay.title_section, self.d, "title")
        if lay.meta:
            self.take_meta(lay.meta)
        self.blocks(lay.intro, "summary", None)
        for sec in lay.sections:
            self.section(sec, None)
        return self.assemble()

    # --- sections ---------------------------------------------------------------------------------

    def section(self, sec: Section, inherited: str | None) -> None:
        r = _incident_role(sec.title) or inherited
        if r in ("contributing", "hypotheses") and sec.children:
            self.ctx.take(sec, self.d, "contributing_errors" if r == "contributing" else "hypotheses")
            self.blocks(sec.blocks, r, sec)
            for child in sec.children:
                if role(child.title) in (None, r, "cause", "symptom"):
                    (self.contributing if r == "contributing" else self.hypothesis)(child)
                else:
                    self.section(child, r)
            return
        if r == "prevention" and sec.children:
            self.ctx.take(sec, self.d, "prevention")
            self.blocks(sec.blocks, r, sec)
            for child in sec.children:
                self.measure(child)
            return
        if r == "lessons" and sec.children:
            self.ctx.take(sec, self.d, "lessons")
            self.blocks(sec.blocks, r, sec)
            for child in sec.children:
                lesson: Node = {"title": one_line(plain(child.title)) or "Lesson", "points": [], "tables": []}
                self.ctx.take(child, lesson, "title")
                for b in child.all_blocks():
                    self.lesson_block(lesson, b)
                for s in child.walk():
                    self.ctx.take(s, lesson, "title")
                self.lists["lessons"].append(lesson)
            return
        if r in ("procedure", "health", "cheatsheet") and (
            any(b.kind == "code" or (b.kind == "list" and (b.ordered or b.items[0].check)) for b in sec.blocks)
            or any(any(b.kind in ("code", "list") for b in c.all_blocks()) for c in sec.children)
        ):
            self.procedure(sec)
            return
        key = _FIELD.get(r or "", "unsorted")
        self.ctx.take(sec, self.d, key if key != "unsorted" else "summary")
        self.blocks(sec.blocks, r, sec)
        for child in sec.children:
            self.section(child, role(child.title) or (r if r not in ("summary", None) else None))

    def blocks(self, blocks: list[Block], r: str | None, sec: Section | None) -> None:
        i = 0
        while i < len(blocks):
            b = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if b.introduces and nxt is not None and nxt.kind in ("code", "list", "table"):
                where = self.block(nxt, lead_role(b.text) or r, sec, plain(strip_label(b.text)).rstrip(":："))
                if where:
                    self.ctx.take(b, *where)
                i += 2
                continue
            self.block(b, r, sec, None)
            i += 1

    def block(self, b: Block, r: str | None, sec: Section | None, lead: str | None) -> tuple[Node, str] | None:
        ctx = self.ctx
        meta = meta_lines(b)
        if meta and r in (None, "summary", "impact", "symptom", "timeline", "metrics", "environment"):
            self.take_meta(meta)
            return None
        if b.kind in ("text", "list", "quote", "html", "refdef"):
            add_links(ctx, self.lists["links"], b, self.link_targets)
        where = self.place(b, r, sec, lead)
        if where is not None:
            ctx.take(b, *where)
        return where

    def place(self, b: Block, r: str | None, sec: Section | None, lead: str | None) -> tuple[Node, str] | None:
        d, ctx = self.d, self.ctx
        title = lead or b.lead or (plain(sec.title) if sec else "") or "Evidence"
        # A timeline: a table whose first column is the time, or a list whose items open with one.
        if b.kind == "table" and (r == "timeline" or (b.header and _TIME_HEADER.match(b.header[0].strip()))):
            self.timeline_table(b)
            return d, "timeline"
        if b.kind == "list" and _timeline_list(b, r):
            self.timeline_list(b)
            return d, "timeline"
        if b.kind == "list" and r == "actions" or (b.kind == "list" and b.items and all(it.check for it in b.items)):
            for it in b.items:
                self.action(it.text, it.check, None, it.text)
            return d, "action_items"
        if b.kind == "table" and r == "actions" and b.header:
            self.action_table(b)
            return d, "action_items"
        if b.kind == "code":
            return self.code(b, r, title)
        text = refdef_text(b) if b.kind == "refdef" else b.text
        items = [it.text for it in b.items] if b.kind == "list" else [text]
        if r in ("summary", "environment", None) and sec is None:
            self.texts["summary"].append(text)
            return d, "summary"
        if r in ("summary", "background"):
            self.texts["summary"].append(text)
            return d, "summary"
        if r == "impact":
            self.texts["impact"].append(text)
            return d, "impact"
        if r in ("symptom", "signature"):
            self.texts["symptom"].append(text)
            return d, "symptom"
        if r == "cause":
            if not self.root["summary"]:
                self.root["summary"] = text
                set_category(ctx, self.root, text)
                words = plain(sec.title if sec else "")
                if re.search(r"根本原因|根因|root.?cause", words, re.I) and not re.search(
                    r"可能|疑似|possible|suspect|likely", words, re.I
                ):
                    self.root["confirmed"] = True
                    ctx.guess(self.root, "confirmed", f'the write-up calls it "{plain(sec.title) if sec else ""}"')
                return self.root, "summary"
            self.root["details"] += items
            return self.root, "details"
        if r == "contributing":
            for t in items:
                self.contributing_item(t)
            return d, "contributing_errors"
        if r == "ruled_out":
            for t in items:
                m = re.match(r"^(.{2,120}?)\s*(?:[:：—–]|\s-\s|[(（])\s*(.+)$", plain(t))
                self.lists["ruled_out"].append({"cause": m.group(1) if m else t, "evidence": m.group(2) if m else t})
            return d, "ruled_out"
        if r == "hypotheses":
            for t in items:
                self.hypothesis_item(t)
            return d, "hypotheses"
        if r in ("solution", "correct"):
            if b.kind == "list" and b.ordered:
                target = "user_actions" if sec is not None and _USER.search(sec.title) else "steps"
                self.resolution[target] += [manual_step(t) for t in items]
                return self.resolution, target
            if sec is not None and _USER.search(sec.title) and b.kind == "list":
                self.resolution["user_actions"] += [manual_step(t) for t in items]
                return self.resolution, "user_actions"
            append(self.resolution, "summary", text)
            return self.resolution, "summary"
        if r == "diagnosis":
            for t in items:
                step = {**manual_step(title_of(t)), "result": t}
                step.pop("note", None)
                self._outcome(step, t)
                self.lists["diagnosis"].append(step)
            return d, "diagnosis"
        if r == "verification":
            self.lists["verification"] += [manual_step(t) for t in items]
            return d, "verification"
        if r == "prevention":
            if b.kind == "list":
                for it in b.items:
                    self.measure_item(it.text, it.check)
                return d, "prevention"
            measure = self._measure(plain(sec.title) if sec else "Prevention")
            measure["details"].append(text)
            return measure, "details"
        if r == "lessons":
            lesson = self._lesson(plain(sec.title) if sec else "Lessons")
            lesson["points"] += items
            return lesson, "points"
        if r in ("metrics", "analysis"):
            self.lists["analysis"].append(text)
            return d, "analysis"
        if r == "evidence" and b.kind == "table":
            self.lists["analysis"].append(text)
            return d, "analysis"
        if r == "timeline":
            ctx.comment(d, "timeline", plain(text))
            return d, "timeline"
        if r in ("procedure", "health", "cheatsheet", "escalation", "reference", "links", "evidence", "analysis"):
            self.lists["analysis"].append(text)
            return d, "analysis"
        path = [plain(t) for t in sec.path] if sec is not None else []
        heading = " › ".join(path[1:] if len(path) > 1 else path) or "(top of the document)"
        self.lists["unsorted"].append({"heading": heading, "text": text or "(empty)"})
        return None

    def code(self, b: Block, r: str | None, title: str) -> tuple[Node, str]:
        d = self.d
        if r in (
            "diagnosis",
            "solution",
            "verification",
            "correct",
            "procedure",
            "health",
            "cheatsheet",
        ) and not _is_output(b):
            steps = [s for _, s in code_steps(b.lang, b.text, title=title, fallback=title)]
            if r == "diagnosis":
                for s in steps:
                    self._outcome(s, s.get("run", ""))
                self.lists["diagnosis"] += steps
                return d, "diagnosis"
            if r == "verification":
                self.lists["verification"] += steps
                return d, "verification"
            if r in ("solution", "correct"):
                self.resolution["steps"] += steps
                return self.resolution, "steps"
            node = {
                "id": new_id(title, f"procedure-{len(self.lists['procedures']) + 1}", self.used),
                "title": one_line(title),
                "steps": steps,
            }
            self.lists["procedures"].append(node)
            return node, "steps"
        if r == "prevention" and not _is_output(b):
            steps = [s for _, s in code_steps(b.lang, b.text, title=title, fallback=title)]
            m = {"title": one_line(title), "status": "open", "steps": steps}
            self.lists["prevention"].append(m)
            return m, "steps"
        if r == "diagnosis" and self.lists["diagnosis"] and "output" not in self.lists["diagnosis"][-1]:
            self.lists["diagnosis"][-1]["output"] = b.text.rstrip("\n")
            return self.lists["diagnosis"][-1], "output"
        if b.lang in _SHELL_LANGS and not _is_output(b):
            # Commands elsewhere in a post-mortem (root cause, timeline, summary) were run during the
            # incident: a change is part of the resolution, a look is a diagnosis step.
            steps = code_steps(b.lang, b.text, title=title, fallback=title)
            for nature, s in steps:
                if nature == "fix":
                    self.resolution["steps"].append(s)
                else:
                    self.lists["diagnosis"].append(s)
            fixes = [s for nature, s in steps if nature == "fix"]
            return (self.resolution, "steps") if fixes else (d, "diagnosis")
        lang = b.lang if re.match(r"^[A-Za-z0-9][A-Za-z0-9+#._-]{0,31}$", b.lang or "") else "text"
        ev = {"title": one_line(title_of(title, 200)), "lang": lang, "content": b.text.rstrip("\n") or "(empty)"}
        self.lists["evidence"].append(ev)
        return ev, "content"

    def _outcome(self, step: Node, text: str) -> None:
        for rx, outcome in _OUTCOME:
            if rx.search(text):
                step["outcome"] = outcome
                return

    # --- timeline ---------------------------------------------------------------------------------

    def _zone_for(self, header: str) -> tuple[Zone | None, str]:
        z = find_zone(header, self.ctx.chinese)
        if z:
            return z, "document"
        return self.ctx.zone, self.ctx.zone_from

    def timeline_table(self, b: Block) -> None:
        header = b.header
        col = next((n for n, h in enumerate(header) if _TIME_HEADER.match(h.strip())), 0)
        zone, zone_from = self._zone_for(" ".join(header[: col + 1]))
        if header:
            self.ctx.comment(self.d, "timeline", "| " + " | ".join(header) + " |")
        status_col = next((n for n, h in enumerate(header) if n != col and _STATUS_HEADER.search(h)), None)
        previous = None
        for row in b.rows:
            cells = [c.strip() for c in row]
            when_text = cells[col] if col < len(cells) else ""
            rest = [(header[n] if n < len(header) else "", c) for n, c in enumerate(cells) if n != col and c]
            event_cells = [
                c for n, (h, c) in enumerate(rest) if not (status_col is not None and h == header[status_col])
            ]
            event = event_cells[0] if event_cells else when_text or "(empty row)"
            status_name = header[status_col] if status_col is not None else None
            extra = [f"{h}: {c}" if h else c for (h, c) in rest if c != event and h != status_name]
            if extra:
                event = event + "\n" + "\n".join(extra)
            status = cells[status_col] if status_col is not None and status_col < len(cells) else None
            previous = self.entry(when_text, event, status, zone, zone_from, previous, row_text=when_text)

    def timeline_list(self, b: Block) -> None:
        zone, zone_from = self.ctx.zone, self.ctx.zone_from
        previous = None
        for it in b.items:
            if starts_with_time(it.text):
                previous = self.entry(it.text, it.text, None, zone, zone_from, previous, row_text=it.text)
            elif self.lists["timeline"]:
                append(self.lists["timeline"][-1], "event", it.text)
            else:
                self.texts["summary"].append(it.text)

    def entry(
        self,
        when_text: str,
        event: str,
        status: str | None,
        zone: Zone | None,
        zone_from: str,
        previous: dt.datetime | None,
        row_text: str,
    ) -> dt.datetime | None:
        ctx = self.ctx
        day = ctx.day
        if day is None and previous is None and not find_date(when_text):
            day = ctx.today  # nothing in the write-up says which day: a guess, said below
        when = read_when(when_text, day=day, year=ctx.year, zone=zone, zone_from=zone_from, previous=previous)
        row: Node = {"at": None, "event": event or "(empty)"}
        if when is None:
            base = previous or dt.datetime.combine(ctx.day or ctx.today, dt.time(), zone.tz if zone else dt.UTC)
            row["at"] = base.isoformat()
            if when_text and when_text not in event:
                row["event"] = f"{when_text} {event}".strip()
            ctx.guess(row, "at", f'no time read from "{plain(when_text)[:80]}": the row before is used')
            at = base
        else:
            at = when.at
            row["at"] = at.isoformat()
            if ctx.day is None and not find_date(when_text):
                when.guessed.insert(0, f"date ({'the year of the title' if ctx.year else 'today'})")
            if when.guessed:
                ctx.guess(row, "at", f'{", ".join(when.guessed)}; written "{plain(row_text)[:120]}"')
        if status:
            row["status"] = one_line(status)
        self.lists["timeline"].append(row)
        return at

    # --- parts with their own shape ---------------------------------------------------------------

    def contributing(self, sec: Section) -> None:
        node = self._contributing(sec.title)
        self.ctx.take(sec, node, "title")
        for s in sec.walk():
            r = role(s.title) if s is not sec else None
            if s is not sec:
                self.ctx.take(s, node, "title")
            for b in s.blocks:
                self.contributing_block(node, b, r)

    def contributing_item(self, text: str) -> None:
        node = self._contributing(title_of(text))
        node["root_causes"] = [text]

    def _contributing(self, title: str) -> Node:
        node: Node = {
            "id": new_id(title, f"error-{len(self.lists['contributing_errors']) + 1}", self.used),
            "title": one_line(title_of(title, 200)),
            "category": "unknown",
            "description": [],
            "evidence": [],
            "root_causes": [],
            "correct_practice": [],
        }
        set_category(self.ctx, node, title)
        self.lists["contributing_errors"].append(node)
        return node

    def contributing_block(self, node: Node, b: Block, r: str | None) -> None:
        ctx = self.ctx
        meta = meta_lines(b)
        if meta and all(m.key in ("duration", "impact") for m in meta):
            for m in meta:  # "**持续时间**: 22分钟", "**影响**: 网站完全无法访问"
                key = "duration" if m.key == "duration" else "impact"
                node[key] = one_line(m.value) if key == "duration" else m.value
                ctx.take((m.line, m.line), node, key)
            return
        items = [it.text for it in b.items] if b.kind == "list" else [b.text]
        if r == "correct" or r == "solution":
            if b.kind == "code":
                node["correct_practice"] += [
                    s for _, s in code_steps(b.lang, b.text, title=None, fallback=node["title"])
                ]
            else:
                node["correct_practice"] += [manual_step(t) for t in items]
            ctx.take(b, node, "correct_practice")
        elif r == "cause":
            node["root_causes"] += items if b.kind != "code" else [f"```{b.lang}\n{b.text.rstrip()}\n```"]
            ctx.take(b, node, "root_causes")
        elif b.kind == "code":
            lang = b.lang if re.match(r"^[A-Za-z0-9][A-Za-z0-9+#._-]{0,31}$", b.lang or "") else "text"
            node["evidence"].append({"title": node["title"], "lang": lang, "content": b.text.rstrip("\n") or "(empty)"})
            ctx.take(b, node, "evidence")
        elif r == "impact":
            append(node, "impact", b.text)
            ctx.take(b, node, "impact")
        else:
            node["description"] += items
            ctx.take(b, node, "description")

    def hypothesis(self, sec: Section) -> None:
        node = self.hypothesis_item(sec.title)
        self.ctx.take(sec, node, "title")
        for b in sec.all_blocks():
            node["details"] += [it.text for it in b.items] if b.kind == "list" else [b.text]
            self.ctx.take(b, node, "details")
        for s in sec.walk():
            self.ctx.take(s, node, "title")

    def hypothesis_item(self, text: str) -> Node:
        likelihood = next((v for rx, v in _LIKELY if rx.search(text)), "medium")
        node: Node = {
            "title": one_line(title_of(text, 200)),
            "likelihood": likelihood,
            "category": "unknown",
            "details": [],
        }
        if plain(text) != node["title"]:
            node["details"].append(text)
        set_category(self.ctx, node, text)
        self.ctx.guess(node, "likelihood", "the write-up gives none" if likelihood == "medium" else "from its words")
        self.lists["hypotheses"].append(node)
        return node

    def measure(self, sec: Section) -> None:
        done = bool(re.search(r"✅|☑|✔|\bdone\b|已完成|已实施", sec.title, re.I))
        node: Node = {"title": one_line(plain(sec.title)) or "Measure", "details": [], "steps": []}
        if done or re.search(r"⏳|待办|todo|open|进行中", sec.title, re.I):
            node["status"] = "done" if done else "open"
        self.ctx.take(sec, node, "title")
        for s in sec.walk():
            self.ctx.take(s, node, "title")
            for b in s.blocks:
                if b.kind == "code":
                    node["steps"] += [st for _, st in code_steps(b.lang, b.text, title=b.lead, fallback=node["title"])]
                    self.ctx.take(b, node, "steps")
                else:
                    node["details"] += [it.text for it in b.items] if b.kind == "list" else [b.text]
                    self.ctx.take(b, node, "details")
        self.lists["prevention"].append(node)

    def measure_item(self, text: str, check: str | None) -> None:
        node: Node = {"title": one_line(title_of(text, 200)), "details": []}
        status = check or ("done" if re.search(r"✅|已完成|已实施", text) else None)
        if status:
            node["status"] = status
        if plain(text).rstrip(":：").strip() != node["title"]:
            node["details"].append(text)
        self.lists["prevention"].append(node)

    def _measure(self, title: str) -> Node:
        """The measure a prevention section's text describes, named by the section."""
        title = one_line(title) or "Prevention"
        for m in self.lists["prevention"]:
            if m["title"] == title:
                return m
        node: Node = {"title": title, "details": []}
        self.lists["prevention"].append(node)
        return node

    def action(self, text: str, check: str | None, owner: str | None, written: str) -> Node:
        status = check or ("done" if re.search(r"✅|☑|✔|已完成", text) else "open")
        title = one_line(plain(text)) or "(empty)"
        node: Node = {"title": title, "status": status}
        if owner:
            node["owner"] = one_line(owner)
        self.lists["action_items"].append(node)
        return node

    def action_table(self, b: Block) -> None:
        h = b.header
        title_col = next((n for n, x in enumerate(h) if _TITLE_HEADER.search(x)), 0)
        owner_col = next((n for n, x in enumerate(h) if n != title_col and _OWNER_HEADER.search(x)), None)
        status_col = next((n for n, x in enumerate(h) if n != title_col and _STATUS_HEADER.search(x)), None)
        for row in b.rows:
            cells = (row + [""] * len(h))[: len(h)]
            title = cells[title_col]
            extra = [f"{h[n]}: {c}" for n, c in enumerate(cells) if n not in (title_col, owner_col, status_col) and c]
            status_text = cells[status_col].strip() if status_col is not None else ""
            status = "done" if _DONE.match(plain(status_text)) else "open"
            full = title + (f" ({'; '.join(extra)})" if extra else "")
            node = self.action(
                full, status, cells[owner_col] if owner_col is not None and cells[owner_col] else None, full
            )
            if status_text and status_text != status:
                self.ctx.comment(node, "status", f'written "{status_text}"')

    def lesson_block(self, lesson: Node, b: Block) -> None:
        if b.kind == "table" and b.header and all(x.strip() for x in b.header):
            width = len(b.header)
            rows = [(r + [""] * width)[:width] for r in b.rows] or [[""] * width]
            tid = new_id(lesson["title"], f"table-{len(lesson['tables']) + 1}", {t["id"] for t in lesson["tables"]})
            columns = [one_line(x) for x in b.header]
            lesson["tables"].append({"id": tid, "title": lesson["title"], "columns": columns, "rows": rows})
            self.ctx.take(b, lesson, "tables")
            return
        if b.kind == "code":
            lesson["points"].append(f"```{b.lang}\n{b.text.rstrip()}\n```")
        else:
            lesson["points"] += [it.text for it in b.items] if b.kind == "list" else [b.text]
        self.ctx.take(b, lesson, "points")

    def _lesson(self, title: str) -> Node:
        for lesson in self.lists["lessons"]:
            if lesson["title"] == one_line(title):
                return lesson
        lesson = {"title": one_line(title) or "Lessons", "points": [], "tables": []}
        self.lists["lessons"].append(lesson)
        return lesson

    def procedure(self, sec: Section) -> None:
        """A routine the write-up set down: its steps, or one phase per subsection (before, during, after)."""
        node: Node = {
            "id": new_id(sec.title, f"procedure-{len(self.lists['procedures']) + 1}", self.used),
            "title": one_line(plain(sec.title)) or "Procedure",
            "steps": [],
            "phases": [],
        }
        self.ctx.take(sec, node, "title")
        node["steps"] = self._steps(sec.blocks, node, node["title"])
        for child in sec.children:
            phase: Node = {"name": one_line(plain(child.title)) or "Phase", "steps": []}
            self.ctx.take(child, phase, "name")
            blocks = [b for s in child.walk() for b in s.blocks]
            for s in child.walk():
                self.ctx.take(s, phase, "name")
            phase["steps"] = self._steps(blocks, phase, phase["name"])
            if phase["steps"]:
                node["phases"].append(phase)
        if not node["steps"] and not node["phases"]:
            node["steps"] = [{"title": node["title"]}]
        drop_empty(node)
        self.lists["procedures"].append(node)

    def _steps(self, blocks: list[Block], node: Node, title: str) -> list[Node]:
        steps: list[Node] = []
        for b in blocks:
            if b.kind == "code":
                steps += [s for _, s in code_steps(b.lang, b.text, title=b.lead, fallback=title)]
                self.ctx.take(b, node, "steps")
            elif b.kind == "list":
                steps += [manual_step(it.text) for it in b.items]
                self.ctx.take(b, node, "steps")
            else:
                append(node, "description", b.text)
                self.ctx.take(b, node, "description")
        return steps

    # --- metadata ---------------------------------------------------------------------------------

    def take_meta(self, items: list[Meta]) -> None:
        for m in items:
            self.meta.setdefault(m.key, m)
            key = {
                "date": "started_at",
                "updated": "updated",
                "author": "author",
                "owner": "author",
                "reviewer": "reviewer",
                "status": "status",
                "severity": "severity",
                "services": "services",
                "duration": "metrics",
                "tags": "tags",
                "alert": "tags",
            }.get(m.key, "summary")
            if key in ("metrics",):
                fact = {"name": one_line(plain(m.text.split(":")[0].split("：")[0])) or "duration", "value": m.value}
                self.lists["metrics"].append(fact)
                self.ctx.take((m.line, m.line), fact, "value")
                continue
            if key == "tags":
                self.texts["summary"].append(m.text.strip())
                self.ctx.take((m.line, m.line), self.d, "summary")
                continue
            if m.key == "impact":
                self.texts["impact"].append(m.value)
                self.ctx.take((m.line, m.line), self.d, "impact")
                continue
            if m.key == "services":
                names = [slug(v, "") for v in re.split(r"[,，、/]+", m.value)]
                if all(names) and names and self.d.get("services") == ["unknown"]:
                    self.d["services"] = names
                    self.ctx.comments_of(self.d).pop("services", None)
            self.ctx.take((m.line, m.line), self.d, key)

    # --- the draft --------------------------------------------------------------------------------

    def assemble(self) -> Node:
        d, ctx, L = self.d, self.ctx, self.lists
        source = self.src.markdown
        # Severity and status, from the metadata, else from the text.
        sev_text = self.meta["severity"].value if "severity" in self.meta else None
        sev = _severity(sev_text) if sev_text else None
        if sev:
            d["severity"] = sev
            ctx.comment(d, "severity", f'from "{self.meta["severity"].text.strip()}"')
        else:
            m = re.search(r"\bP([123])\b|\bSEV[\s-]?([0-4])\b", source, re.I)
            d["severity"] = _severity(m.group(0)) if m else "P3"
            ctx.guess(
                d,
                "severity",
                f'read from "{m.group(0)}" in the text' if m else "no P1/P2/P3 or SEV in the write-up: P3 is a guess",
            )
        if "status" in self.meta:
            st = next((v for rx, v in _STATUS if rx.search(self.meta["status"].value)), None)
            if st:
                d["status"] = st
                ctx.comment(d, "status", f'from "{self.meta["status"].text.strip()}"')
        # Timeline and times.
        timeline = L["timeline"]
        started = min((e["at"] for e in timeline), key=dt.datetime.fromisoformat) if timeline else None
        if started:
            d["started_at"] = started
            first = next(e for e in timeline if e["at"] == started)
            if any(t.startswith("guessed:") for t in ctx.comments_of(first).get("at", [])):
                ctx.guess(d, "started_at", "from the first timeline row, itself a guess")
        else:
            day = ctx.day or ctx.today
            tz = ctx.zone.tz if ctx.zone else dt.UTC
            d["started_at"] = dt.datetime.combine(day, dt.time(), tz).isoformat()
            why = f'midnight of "{ctx.day_text}"' if ctx.day else "no date in the write-up: today"
            ctx.guess(d, "started_at", f"no timeline with times: {why}")
        self._phases(timeline)
        if "date" in self.meta:
            ctx.comment(d, "started_at", f'date from "{self.meta["date"].text.strip()}"')
        # Text fields.
        if self.texts["summary"]:
            d["summary"] = "\n\n".join(self.texts["summary"])
        d["impact"] = "\n\n".join(self.texts["impact"]) or self._missing("impact")
        d["symptom"] = "\n\n".join(self.texts["symptom"]) or self._missing("symptom")
        root = self.root
        if not root["summary"]:
            root["summary"] = MISSING
            ctx.guess(root, "summary", "no root-cause section found")
        d["root_cause"] = drop_empty(root)
        res = self.resolution
        if not res["summary"]:
            res["summary"] = MISSING if not res["steps"] else "See the steps below."
            ctx.guess(res, "summary", "no resolution text found")
        d["resolution"] = drop_empty(res)
        for node in L["contributing_errors"]:
            if not node["root_causes"]:
                node["root_causes"] = node["description"][:1] or [node["title"]]
            if not node["correct_practice"]:
                node["correct_practice"] = [{"title": MISSING}]
                ctx.guess(node, "correct_practice", "the write-up does not say what to do instead")
        for key, value in L.items():
            for v in value:
                if isinstance(v, dict):
                    drop_empty(v)
            if value:
                d[key] = value
        # People and dates.
        author = self.meta.get("author") or self.meta.get("owner")
        if author:
            d["author"] = one_line(author.value)
            ctx.comment(d, "author", f'from "{author.text.strip()}"')
        elif not d.get("author"):
            d["author"] = self._missing("author")
        if "reviewer" in self.meta:
            d["reviewer"] = one_line(self.meta["reviewer"].value)
        if "updated" in self.meta:
            found = find_date(self.meta["updated"].value)
            if found:
                d["updated"] = found[0].isoformat()
                ctx.comment(d, "updated", f'from "{self.meta["updated"].text.strip()}"')
        return d

    def _phases(self, timeline: list[Node]) -> None:
        if not timeline:
            return
        detected = next((e for e in timeline if _DETECTED.search(e["event"])), None)
        resolved = next((e for e in reversed(timeline) if _RESOLVED.search(e["event"])), None)
        start = dt.datetime.fromisoformat(self.d["started_at"])
        if detected is not None and dt.datetime.fromisoformat(detected["at"]) >= start:
            detected["phase"] = "detected"
            self.ctx.guess(detected, "phase", "from the words of the event")
        if resolved is not None and resolved is not detected and dt.datetime.fromisoformat(resolved["at"]) >= start:
            resolved["phase"] = "resolved"
            self.ctx.guess(resolved, "phase", "from the words of the event")

    def _missing(self, key: str) -> str:
        self.ctx.guess(self.d, key, "not found in the write-up")
        return MISSING


def _incident_role(heading: str) -> str | None:
    """Roles as a post-mortem means them: its "analysis" is why it happened, not a diagnosis step."""
    r = role(heading)
    words = plain(heading)
    if (
        r == "diagnosis"
        and re.search(r"分析|analysis", words, re.I)
        and not re.search(r"排查|诊断|定位|investigat|diagnos|debug", words, re.I)
    ):
        return "analysis"
    return r


_FIELD = {
    "summary": "summary",
    "environment": "summary",
    "impact": "impact",
    "symptom": "symptom",
    "signature": "symptom",
    "timeline": "timeline",
    "diagnosis": "diagnosis",
    "cause": "root_cause",
    "contributing": "contributing_errors",
    "ruled_out": "ruled_out",
    "hypotheses": "hypotheses",
    "solution": "resolution",
    "correct": "resolution",
    "verification": "verification",
    "prevention": "prevention",
    "actions": "action_items",
    "lessons": "lessons",
    "metrics": "analysis",
    "analysis": "analysis",
    "evidence": "evidence",
}


_SHELL_LANGS = {
    "bash", "sh", "shell", "zsh", "ksh", "console", "shell-session", "terminal", "sql", "psql", "mysql",
    "promql", "powershell", "ps1", "pwsh", "cmd", "bat", "batch",
}  # fmt: skip


def _severity(text: str) -> str | None:
    for rx, level in _SEVERITY:
        m = rx.search(text)
        if m:
            return f"P{level(m)}"
    return None


def _timeline_list(b: Block, r: str | None) -> bool:
    timed = [it for it in b.items if starts_with_time(it.text)]
    return bool(timed) and (r == "timeline" or len(timed) * 2 > len(b.items) and len(timed) >= 2)


def _is_output(b: Block) -> bool:
    from generator.authoring.importer.signatures import looks_like_output

    return looks_like_output(b.text, b.lang)
