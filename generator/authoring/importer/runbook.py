"""A runbook draft from a write-up's sections, read by what each is for.

Problems come from sections that name one (numbered, an alert's name, words of something gone wrong),
from the sections under a list of problems ("Known issues", "常见问题", an alert handbook), from
sections made of a problem's parts (symptoms, causes, fixes), or, for an alert runbook or a one-issue
guide, from the whole document. Inside a problem each part goes to its field, and each command to the
step it belongs to: a check to diagnosis, a change to a fix, a check after the fix to verification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.authoring.importer import signatures as sig
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
from generator.authoring.importer.layout import Layout, layout, meta_lines
from generator.authoring.importer.source import Source
from generator.authoring.importer.steps import code_steps, manual_step
from generator.authoring.importer.text import bare, one_line, plain, slug, strip_label, title_of
from generator.authoring.importer.vocab import (
    ALTERNATIVE,
    FAILURE,
    PROBLEM_PARTS,
    STRONG,
    is_alert_name,
    is_container,
    lead_role,
    names_problem,
    role,
)

CAUSE_ITEM = re.compile(
    r"(原因|根因|cause|reason|错误|error|情况|case|场景|scenario|可能性)\s*#?\s*\d|^(原因|cause|reason)\s*[:：]\s*\S",
    re.IGNORECASE,
)
_ERROR_ITEM = re.compile(
    r"^\s*(?:`(?P<code>[^`\n]{4,300})`|\"(?P<quote>[^\"\n]{4,300})\")\s*(?:[-–—:：,，]|\bmeans\b)\s*(?P<why>\S.*)", re.S
)
_OUTPUT_LEAD = re.compile(
    r"输出|结果|示例|output|result|returns?|looks like|example|shows?|显示|日志|log", re.IGNORECASE
)
_TEMPORARY = re.compile(r"临时|暂时|workaround|temporar|stop.?gap|quick fix|缓解", re.IGNORECASE)
_OWNER_INLINE = re.compile(
    r"(?:(?:作者|负责人|维护人|维护者|负责团队|owner|maintainer)\s*[:：]|owned by|maintained by)"
    r"\s*(?P<who>[^,，。;；\n]{2,60})",
    re.IGNORECASE,
)
_SEVERITY_ITEM = re.compile(r"^\s*(?:\*\*)?P([123])(?:\*\*)?\s*[:：\-–—]\s*(?P<meaning>\S.*)$", re.S)


@dataclass
class ProblemState:
    node: Node
    notes: list[str] = field(default_factory=list)
    last_step: Node | None = None
    fix: Node | None = None  # the fix being filled, when a section says "fix" without naming one
    fix_ids: set[str] = field(default_factory=set)
    stepped: bool = False  # a step was placed: later plain text is a note, not a symptom
    cause_lists: set[int] = field(default_factory=set)  # sections whose list made causes


class RunbookDraft:
    def __init__(self, doc: Document, src: Source, ctx: Context, data: Node) -> None:
        self.doc, self.src, self.ctx, self.d = doc, src, ctx, data
        self.used: set[str] = set()  # anchors: problems, causes, procedures
        self.problems: list[Node] = []
        self.summary: list[str] = []
        self.health: Node | None = None
        self.procedures: list[Node] = []
        self.cheatsheet: list[Node] = []
        self.reference: list[Node] = []
        self.links: list[Node] = []
        self.link_targets: set[str] = set()
        self.escalation: Node = {"policy": [], "collect": []}
        self.severity_levels: list[Node] = []
        self.alerts: list[str] = []
        self.unsorted: list[Node] = []
        self.guessed_problem = False

    # --- the document -------------------------------------------------------------------------

    def build(self) -> Node:
        lay = layout(self.doc)
        self.intro(lay)
        problems = [s for s in lay.sections if self.is_problem(s, False)]
        nested = any(self._has_problem(s) for s in lay.sections)
        if problems or nested:
            for s in lay.sections:
                self.section(s, group=None)
        else:
            parts = [s for s in lay.sections if role(s.title) in PROBLEM_PARTS]
            title = lay.title or self.d["title"]
            if parts:
                state = self.new_problem(title, None, lay.title_section)
                for s in lay.sections:
                    if s in parts:
                        self.walk(state, s, role(s.title))
                    else:
                        self.section(s, group=None)
                self.finish_problem(state)
            else:
                for s in lay.sections:
                    self.section(s, group=None)
                self.whole_page_problem(title, lay)
        return self.assemble()

    def _has_problem(self, sec: Section) -> bool:
        return any(self.is_problem(c, is_container(sec.title)) or self._has_problem(c) for c in sec.children)

    def is_problem(self, sec: Section, in_container: bool) -> bool:
        r = role(sec.title)
        if r in STRONG:
            return False
        if names_problem(sec.title):
            return True
        if in_container and r not in PROBLEM_PARTS and (sec.blocks or sec.children):
            return True
        # A section made of a problem's parts: symptoms, causes, fixes...
        parts = {role(c.title) for c in sec.children} & PROBLEM_PARTS
        return r not in PROBLEM_PARTS and len(parts) >= 2 and bool(parts & {"solution", "diagnosis", "cause"})

    def section(self, sec: Section, group: str | None, in_container: bool = False) -> None:
        if self.is_problem(sec, in_container):
            state = self.new_problem(sec.title, group, sec)
            self.walk(state, sec, None)
            self.finish_problem(state)
            return
        if is_container(sec.title) or any(self.is_problem(c, False) for c in sec.children):
            self.ctx.take(sec, self.d, "problems")
            for b in sec.blocks:
                self.doc_block(b, sec, None)
            for child in sec.children:
                self.section(child, group=bare(sec.title) or sec.title, in_container=is_container(sec.title))
            return
        self.doc_section(sec)

    def intro(self, lay: Layout) -> None:
        if lay.title_section is not None:
            self.ctx.take(lay.title_section, self.d, "title")
        blocks = lay.intro
        i = 0
        while i < len(blocks):
            b = blocks[i]
            meta = meta_lines(b)
            if meta:
                self.meta(meta)
                i += 1
                continue
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if b.kind == "code" or (b.leads(nxt) and nxt is not None and nxt.kind == "code"):
                lead = b if b.kind != "code" else None
                code = nxt if lead else b
                title = plain(lead.text).rstrip(":：") if lead else "Quick checks"
                self.health_steps(code, title, lead)
                i += 2 if lead else 1
                continue
            if b.kind == "text" and self.d.get("owner") == "TODO":
                # "…的情况。作者：基础架构组", "Maintained by: the web team": an owner named in passing.
                m = _OWNER_INLINE.search(plain(b.text))
                if m:
                    self.d["owner"] = one_line(m.group("who").strip())
                    self.ctx.comments_of(self.d).pop("owner", None)
                    self.ctx.comment(self.d, "owner", f'from "{m.group(0).strip()}"')
            self.doc_block(b, None, None)
            i += 1

    def meta(self, items: list[Any]) -> None:
        for m in items:
            if m.key == "owner" or (m.key == "author" and self.d.get("owner") == "TODO"):
                self.d["owner"] = one_line(m.value)
                self.ctx.comment(self.d, "owner", f'from "{m.text.strip()}"')
                self.ctx.take((m.line, m.line), self.d, "owner")
            elif m.key in ("updated", "date"):
                from generator.authoring.importer.when import find_date

                found = find_date(m.value)
                if found:
                    self.d["last_reviewed"] = found[0].isoformat()
                    self.ctx.comments_of(self.d).pop("last_reviewed", None)
                    self.ctx.comment(self.d, "last_reviewed", f'from "{m.text.strip()}"')
                    self.ctx.take((m.line, m.line), self.d, "last_reviewed")
                else:
                    self.summary.append(m.text.strip())
            elif m.key == "alert":
                self.alerts += [a.strip(" `") for a in re.split(r"[,，、]", m.value) if a.strip(" `")]
                self.ctx.take((m.line, m.line), self.d, "alerts")
            elif m.key == "tags":
                self.d.setdefault("tags", [])
                for t in re.split(r"[,，、\s]+", m.value):
                    s = slug(t, "")
                    if s and s not in self.d["tags"]:
                        self.d["tags"].append(s)
                self.ctx.take((m.line, m.line), self.d, "tags")
            else:
                self.summary.append(m.text.strip())
                self.ctx.take((m.line, m.line), self.d, "summary")

    # --- sections outside problems --------------------------------------------------------------

    def doc_section(self, sec: Section) -> None:
        r = role(sec.title)
        if not sec.blocks:
            self.ctx.take(sec, self.d, "procedures" if r in (None, "procedure") else "summary")
        if r == "health":
            for b in sec.blocks:
                if b.kind == "code":
                    self.health_steps(b, sec.title, None)
                elif b.kind == "list":
                    hc = self.health_check(sec.title)
                    hc["steps"] += [manual_step(it.text) for it in b.items]
                    self.ctx.take(b, hc, "steps")
                else:
                    self.doc_block(b, sec, r)
            self.ctx.take(sec, self.health_check(sec.title), "title")
            for child in sec.children:
                self.doc_section(child) if role(child.title) not in (None, "health") else self._health_child(child)
            return
        if r == "toc":
            self.ctx.take(sec, self.d, "title")
            for b in sec.all_blocks():
                self.ctx.take(b, self.d, "title")
            return
        if r == "severity":
            self.severity(sec)
            return
        if r == "escalation":
            self.escalate(sec)
            return
        if r == "cheatsheet":
            self.commands(sec)
            return
        steps = [b for b in sec.blocks if b.kind == "code" or (b.kind == "list" and b.ordered)]
        if steps and r not in ("links", "reference"):
            self.procedure(sec)
            for child in sec.children:
                self.section(child, group=None)
            return
        for b in sec.blocks:
            self.doc_block(b, sec, r)
        for child in sec.children:
            self.section(child, group=None)

    def _health_child(self, sec: Section) -> None:
        hc = self.health_check(sec.title)
        for b in sec.all_blocks():
            if b.kind == "code":
                self.health_steps(b, sec.title, None)
            elif b.kind == "list":
                hc["steps"] += [manual_step(it.text) for it in b.items]
                self.ctx.take(b, hc, "steps")
            else:
                append(hc, "description", b.text)
                self.ctx.take(b, hc, "description")
        for s in sec.walk():
            self.ctx.take(s, hc, "steps")

    def health_check(self, title: str) -> Node:
        if self.health is None:
            self.health = {"title": one_line(plain(title)) or "Health check", "steps": []}
        return self.health

    def health_steps(self, b: Block, title: str, lead: Block | None) -> None:
        hc = self.health_check(title)
        for _, step in code_steps(
            b.lang, b.text, title=plain(lead.text).rstrip(":：") if lead else b.lead, fallback=title
        ):
            hc["steps"].append(step)
        self.ctx.take(b, hc, "steps")
        if lead:
            self.ctx.take(lead, hc["steps"][-1] if hc["steps"] else hc, "title")

    def doc_block(self, b: Block, sec: Section | None, r: str | None) -> None:
        """A block outside any problem: links, reference tables, and text that says what the runbook is."""
        if sec is not None:
            self.ctx.take(sec, self.d, "summary")
        if b.kind == "refdef":
            add_links(self.ctx, self.links, b, self.link_targets)
            return
        if b.kind in ("text", "list", "quote", "html"):
            add_links(self.ctx, self.links, b, self.link_targets)
        if b.kind == "table" and b.header and all(h.strip() for h in b.header):
            self.table(b, sec.title if sec else "Reference")
            return
        if b.kind == "code":
            title = sec.title if sec else "Commands"
            self.cheatsheet_group(title).setdefault("steps", []).extend(
                step for _, step in code_steps(b.lang, b.text, title=b.lead, fallback=title)
            )
            self.ctx.take(b, self.cheatsheet_group(title), "steps")
            return
        if r == "links" and b.kind == "list":
            self.ctx.take(b, self.d, "links")
            return
        text = b.text
        if sec is not None and not self.summary:
            pass
        head = f"**{plain(sec.title)}**\n\n" if sec is not None and r not in ("summary", None) and sec.title else ""
        self.summary.append(head + text if head and not any(s.startswith(head) for s in self.summary) else text)
        self.ctx.take(b, self.d, "summary")

    def table(self, b: Block, title: str) -> None:
        width = len(b.header)
        rows = [(r + [""] * width)[:width] for r in b.rows] or [[""] * width]
        node = {
            "id": new_id(title, f"table-{len(self.reference) + 1}", set(t["id"] for t in self.reference)),
            "title": one_line(plain(title)) or "Table",
            "columns": [one_line(h) for h in b.header],
            "rows": rows,
        }
        self.reference.append(node)
        self.ctx.take(b, node, "rows")

    def cheatsheet_group(self, title: str) -> Node:
        title = one_line(plain(title)) or "Commands"
        for g in self.cheatsheet:
            if g["title"] == title:
                return g
        g: Node = {"title": title, "steps": []}
        self.cheatsheet.append(g)
        return g

    def commands(self, sec: Section) -> None:
        for s in sec.walk():
            group = self.cheatsheet_group(s.title if s is not sec or not s.children else s.title)
            self.ctx.take(s, group, "title")
            blocks = s.blocks
            i = 0
            while i < len(blocks):
                b = blocks[i]
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if b.leads(nxt) and nxt is not None and nxt.kind == "code":
                    title = plain(b.text).rstrip(":：")
                    group["steps"] += [st for _, st in code_steps(nxt.lang, nxt.text, title=title, fallback=s.title)]
                    self.ctx.take(b, group["steps"][-1], "title")
                    self.ctx.take(nxt, group, "steps")
                    i += 2
                    continue
                if b.kind == "code":
                    group["steps"] += [st for _, st in code_steps(b.lang, b.text, title=b.lead, fallback=s.title)]
                    self.ctx.take(b, group, "steps")
                elif b.kind == "table" and b.header:
                    self.table(b, s.title)
                else:
                    self.doc_block(b, s, "cheatsheet")
                i += 1

    def procedure(self, sec: Section) -> None:
        node: Node = {
            "id": new_id(sec.title, f"procedure-{len(self.procedures) + 1}", self.used),
            "title": one_line(plain(sec.title)) or "Procedure",
            "steps": [],
        }
        self.ctx.take(sec, node, "title")
        blocks = sec.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            lead = b if b.leads(nxt) and nxt is not None and nxt.kind in ("code", "list") else None
            if lead:
                b = nxt  # type: ignore[assignment]
                i += 1
            if b.kind == "code":
                title = plain(lead.text).rstrip(":：") if lead else b.lead
                node["steps"] += [st for _, st in code_steps(b.lang, b.text, title=title, fallback=sec.title)]
                self.ctx.take(b, node, "steps")
            elif b.kind == "list" and (b.ordered or lead):
                node["steps"] += [manual_step(it.text) for it in b.items]
                self.ctx.take(b, node, "steps")
            elif b.kind == "refdef":
                add_links(self.ctx, self.links, b, self.link_targets)
                append(node, "description", refdef_text(b))
                self.ctx.take(b, node, "description")
            else:
                add_links(self.ctx, self.links, b, self.link_targets)
                append(node, "description", b.text)
                self.ctx.take(b, node, "description")
            if lead:
                self.ctx.take(lead, node["steps"][-1] if node["steps"] else node, "title")
            i += 1
        if not node["steps"]:
            node["steps"] = [{"title": node["title"]}]
        self.procedures.append(node)

    def severity(self, sec: Section) -> None:
        for b in sec.all_blocks():
            if b.kind == "refdef":
                self.doc_block(b, sec, "links")
            elif b.kind == "list":
                levels = [_SEVERITY_ITEM.match(it.text) for it in b.items]
                if all(levels):
                    for m in levels:
                        node = {"level": f"P{m.group(1)}", "meaning": m.group("meaning")}  # type: ignore[union-attr]
                        self.severity_levels.append(node)
                        self.ctx.take(b, node, "meaning")
                    continue
                self.escalation["policy"] += [it.text for it in b.items]
                self.ctx.take(b, self.escalation, "policy")
            elif b.kind == "table" and b.header:
                self.table(b, sec.title)
            elif b.introduces:
                self.ctx.take(b, self.escalation, "policy")
            else:
                self.doc_block(b, sec, "severity")
        for s in sec.walk():
            self.ctx.take(s, self.d, "severity_levels")

    def escalate(self, sec: Section) -> None:
        for b in sec.all_blocks():
            if b.kind == "refdef":
                self.doc_block(b, sec, "links")
            elif b.kind == "list":
                self.escalation["policy"] += [it.text for it in b.items]
                self.ctx.take(b, self.escalation, "policy")
            elif b.kind == "table" and b.header:
                self.table(b, sec.title)
            elif b.kind == "code":
                self.doc_block(b, sec, "escalation")
            else:
                self.escalation["policy"].append(b.text)
                self.ctx.take(b, self.escalation, "policy")
        for s in sec.walk():
            self.ctx.take(s, self.escalation, "policy")

    # --- problems ---------------------------------------------------------------------------------

    def new_problem(self, title: str, group: str | None, sec: Section | None) -> ProblemState:
        node: Node = {
            "id": new_id(title, f"problem-{len(self.problems) + 1}", self.used),
            "title": one_line(plain(title)) or "Problem",
            "symptoms": [],
            "signatures": [],
            "diagnosis": [],
            "causes": [],
            "fixes": [],
            "verification": [],
            "prevention": [],
        }
        if group:
            node["group"] = one_line(group)
        if is_alert_name(title):
            name = bare(title).strip("`")
            if name not in self.alerts:
                self.alerts.append(name)
        if sec is not None:
            self.ctx.take(sec, node, "title")
        self.problems.append(node)
        return ProblemState(node)

    def whole_page_problem(self, title: str, lay: Layout) -> None:
        """No section names a problem: the page is about one, named by its title."""
        state = self.new_problem(title, None, None)
        state.node["symptoms"] = [one_line(plain(title))]
        self.ctx.guess(state.node, "symptoms", "no section of the write-up names a problem; its title is taken as one")
        self.guessed_problem = True
        self.finish_problem(state)

    def finish_problem(self, st: ProblemState) -> None:
        p = st.node
        if st.notes:
            p["notes"] = "\n\n".join(st.notes)
        if not p["symptoms"] and not p["signatures"]:
            p["symptoms"] = [p["title"]]
            self.ctx.guess(p, "symptoms", "the write-up describes no symptom: the title is used")
        p["signatures"] = sig._dedupe(p["signatures"])[:50]
        for c in p["causes"]:
            c["signatures"] = sig._dedupe(c.get("signatures", []))[:50]
            for f in c.get("fixes", []):
                drop_empty(f)
            drop_empty(c)
        for f in p["fixes"]:
            drop_empty(f)
        drop_empty(p)

    def walk(
        self,
        st: ProblemState,
        sec: Section,
        inherited: str | None,
        cause: Node | None = None,
        fix: Node | None = None,
        root: bool = True,
    ) -> None:
        own = role(sec.title) if not root or inherited else None
        r = own or inherited
        if (not root or inherited) and cause is None and fix is None:
            self.ctx.take(sec, st.node, _key_of(r))
        blocks = sec.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if b.leads(nxt):
                self.block(st, nxt, lead_role(b.text) or r, b, sec, cause, fix)
                i += 2
                continue
            self.block(st, b, r, None, sec, cause, fix)
            i += 1
        for child in sec.children:
            cr = role(child.title)
            numbered = bool(CAUSE_ITEM.search(bare(child.title))) and cr not in ("solution", "verification")
            if cause is None and (numbered or (r == "cause" and cr is None)):
                c = self.new_cause(st, child.title)
                self.ctx.take(child, c, "title")
                self.walk(st, child, "cause", cause=c, root=False)
            elif (
                cause is None
                and fix is None
                and (
                    (cr is None and (r == "solution" or ALTERNATIVE.search(bare(child.title))))
                    or (cr == "solution" and child.blocks and not child.children)
                )
            ):
                # A fix of its own; a "方案 2" step inside it starts another (place_step).
                st.fix = self.new_fix(st.node["fixes"], st.fix_ids, child.title)
                self.ctx.take(child, st.fix, "title")
                self.walk(st, child, "solution", root=False)
            else:
                self.walk(st, child, cr or r, cause, fix, root=False)

    def new_cause(self, st: ProblemState, title: str, text: str | None = None) -> Node:
        c: Node = {
            "id": new_id(title, f"cause-{len(self.used) + 1}", self.used),
            "title": one_line(title_of(title, 200)),
            "category": "unknown",
            "signatures": [],
            "checks": [],
            "fixes": [],
        }
        set_category(self.ctx, c, text or title)
        st.node["causes"].append(c)
        return c

    def new_fix(self, fixes: list[Node], ids: set[str], title: str) -> Node:
        f: Node = {
            "id": new_id(title, f"fix-{len(fixes) + 1}", ids),
            "title": one_line(title_of(title, 200)) or "Fix",
            "steps": [],
            "verify": [],
        }
        if _TEMPORARY.search(title):
            f["temporary"] = True
        fixes.append(f)
        return f

    def current_fix(self, st: ProblemState, title: str) -> Node:
        if st.fix is None:
            st.fix = self.new_fix(st.node["fixes"], st.fix_ids, title)
        return st.fix

    def block(
        self,
        st: ProblemState,
        b: Block,
        r: str | None,
        lead: Block | None,
        sec: Section,
        cause: Node | None,
        fix: Node | None,
    ) -> None:
        ctx = self.ctx
        if b.kind in ("text", "list", "quote", "html", "refdef"):
            add_links(ctx, self.links, b, self.link_targets)
        where: tuple[Node, str] | None = None
        if b.kind == "code":
            where = self.code(st, b, r, lead, sec, cause, fix)
        elif b.kind == "table":
            where = self.problem_table(st, b, r, cause)
        elif b.kind == "list":
            where = self.problem_list(st, b, r, cause, fix, sec)
        else:
            text = refdef_text(b) if b.kind == "refdef" else b.text
            where = self.problem_text(st, b, text, r, cause, fix, sec)
        if where is not None:
            ctx.take(b, *where)
            if lead is not None:
                ctx.take(lead, *where)

    def problem_text(
        self, st: ProblemState, b: Block, text: str, r: str | None, cause: Node | None, fix: Node | None, sec: Section
    ) -> tuple[Node, str]:
        p = st.node
        found = sig.from_text(text)
        if cause is not None:
            append(cause, "description", text)
            cause["signatures"] += found
            return cause, "description"
        if fix is not None or r == "solution":
            f = fix or self.current_fix(st, _fix_title(sec, b))
            append(f, "description", text)
            return f, "description"
        p["signatures"] += found
        if r in ("symptom", "signature", "summary", "evidence") or (r is None and not st.stepped):
            p["symptoms"].append(text)
            return p, "symptoms"
        if r == "cause" and id(sec) not in st.cause_lists:
            c = self.new_cause(st, title_of(strip_label(text)), text)
            if plain(text) != c["title"]:
                c["description"] = text
            return c, "title"
        if r in ("diagnosis", "verification", "health"):
            step = manual_step(text)
            (p["diagnosis"] if r != "verification" else p["verification"]).append(step)
            st.last_step = step
            return step, "title"
        if r == "prevention":
            p["prevention"].append(text)
            return p, "prevention"
        st.notes.append(text)
        return p, "notes"

    def problem_list(
        self, st: ProblemState, b: Block, r: str | None, cause: Node | None, fix: Node | None, sec: Section
    ) -> tuple[Node, str]:
        p = st.node
        items = [it.text for it in b.items] or [b.text]
        errors = [_ERROR_ITEM.match(t) for t in items]
        if cause is None and fix is None and r in (None, "symptom", "signature", "cause", "evidence") and all(errors):
            for m, t in zip(errors, items, strict=True):
                why = m.group("why").strip()  # type: ignore[union-attr]
                c = self.new_cause(st, why, t)
                c["description"] = t
                c["signatures"].append(sig._signature(m.group("code") or m.group("quote")))  # type: ignore[union-attr]
            return p, "causes"
        if cause is not None:
            if r == "solution" or fix is not None:
                f = self._cause_fix(cause, "Fix")
                f["steps"] += [manual_step(t) for t in items]
                return f, "steps"
            append(cause, "description", b.text)
            for t in items:
                cause["signatures"] += sig.from_text(t)
            return cause, "description"
        if fix is not None or r == "solution":
            f = fix or self.current_fix(st, _fix_title(None, b))
            f["steps"] += [manual_step(t) for t in items]
            st.stepped = True
            return f, "steps"
        failing = sum(1 for t in items if FAILURE.search(plain(t)))
        if r == "cause" or (r is None and st.stepped and failing * 2 > len(items)):
            for t in items:
                c = self.new_cause(st, title_of(t), t)
                if plain(t) != c["title"]:
                    c["description"] = t
                c["signatures"] += sig.from_text(t)
            st.cause_lists.add(id(sec))
            return p, "causes"
        if r in ("diagnosis", "verification", "health"):
            steps = [manual_step(t) for t in items]
            (p["diagnosis"] if r != "verification" else p["verification"]).extend(steps)
            st.stepped = True
            return p, "diagnosis" if r != "verification" else "verification"
        if r == "prevention":
            p["prevention"] += items
            return p, "prevention"
        for t in items:
            p["signatures"] += sig.from_text(t)
        if r in ("symptom", "signature", "summary", "evidence") or (r is None and not st.stepped):
            p["symptoms"] += items
            return p, "symptoms"
        st.notes.append(b.text)
        return p, "notes"

    def problem_table(self, st: ProblemState, b: Block, r: str | None, cause: Node | None) -> tuple[Node, str]:
        p = st.node
        if r == "cause" and cause is None and b.header and b.rows:
            for row in b.rows:
                title = row[0] if row and row[0].strip() else "Cause"
                rest = [f"{h}: {c}" for h, c in zip(b.header[1:], row[1:], strict=False) if c.strip()]
                c = self.new_cause(st, title, " ".join(row))
                if rest:
                    c["description"] = "\n".join(rest)
            return p, "causes"
        if cause is not None:
            append(cause, "description", b.text)
            return cause, "description"
        st.notes.append(b.text)
        return p, "notes"

    def _cause_fix(self, cause: Node, title: str) -> Node:
        if not cause["fixes"]:
            self.new_fix(cause["fixes"], set(), title)
        return cause["fixes"][-1]

    def code(
        self,
        st: ProblemState,
        b: Block,
        r: str | None,
        lead_block: Block | None,
        sec: Section,
        cause: Node | None,
        fix: Node | None,
    ) -> tuple[Node, str]:
        p = st.node
        text = b.text.rstrip("\n")
        lead = plain(strip_label(lead_block.text)).rstrip(":：").strip() if lead_block else None
        shown = [lead_block.text] if lead_block else []  # the sentence that says what the block shows
        templates = sig.from_template_block(text) if b.lang in ("", "text", "yaml", "yml", "txt", "json") else []
        if templates:
            (cause or p)["signatures"] += templates
            if cause is not None:
                append(cause, "description", "\n\n".join([*shown, _fenced(b)]))
                return cause, "description"
            p["symptoms"] += [*shown, _fenced(b)]
            return p, "symptoms"
        if sig.looks_like_output(text, b.lang):
            found = sig.from_output(text)
            if (
                st.last_step is not None
                and "output" not in st.last_step
                and (
                    not found
                    or (lead and _OUTPUT_LEAD.search(lead) and not re.search(r"log|日志|报错|error", lead, re.I))
                )
            ):
                st.last_step["output"] = text
                return st.last_step, "output"
            if cause is not None:
                cause["signatures"] += found
                append(cause, "description", "\n\n".join([*shown, _fenced(b)]))
                return cause, "description"
            p["signatures"] += found
            p["symptoms"] += [*shown, _fenced(b)]
            return p, "symptoms"
        title = lead or b.lead
        fallback = plain(sec.title) or p["title"]
        placed: tuple[Node, str] | None = None
        for nature, step in code_steps(b.lang, b.text, title=title, fallback=fallback):
            placed = self.place_step(st, step, nature, r, cause, fix, sec)
        st.stepped = True
        return placed or (p, "diagnosis")

    def place_step(
        self,
        st: ProblemState,
        step: Node,
        nature: str,
        r: str | None,
        cause: Node | None,
        fix: Node | None,
        sec: Section,
    ) -> tuple[Node, str]:
        p = st.node
        st.last_step = step
        if cause is not None:
            if nature == "check" and r != "solution":
                cause["checks"].append(step)
                return cause, "checks"
            if ALTERNATIVE.search(step["title"]) or not cause["fixes"]:
                f = self.new_fix(cause["fixes"], {f["id"] for f in cause["fixes"]}, step["title"])
            else:
                f = cause["fixes"][-1]
            (f["verify"] if nature == "verify" else f["steps"]).append(step)
            return f, "steps"
        if fix is not None or r == "solution":
            if fix is None and ALTERNATIVE.search(step["title"]) and (st.fix is None or st.fix["steps"]):
                st.fix = self.new_fix(p["fixes"], st.fix_ids, step["title"])
            f = fix or self.current_fix(st, plain(sec.title) or "Fix")
            if nature == "verify":
                f["verify"].append(step)
                return f, "verify"
            f["steps"].append(step)
            return f, "steps"
        if r == "verification" or nature == "verify":
            p["verification"].append(step)
            return p, "verification"
        if r == "prevention":
            node = {
                "id": new_id(f"prevent {p['title']}", f"procedure-{len(self.procedures) + 1}", self.used),
                "title": one_line(f"{plain(sec.title)} — {p['title']}"),
                "steps": [step],
            }
            self.procedures.append(node)
            return node, "steps"
        if nature == "fix":
            f = self.current_fix(st, plain(sec.title) if r not in (None, "diagnosis") else "Fix")
            f["steps"].append(step)
            return f, "steps"
        p["diagnosis"].append(step)
        return p, "diagnosis"

    # --- the whole draft ------------------------------------------------------------------------

    def assemble(self) -> Node:
        d = self.d
        if self.summary:
            d["summary"] = "\n\n".join(self.summary)
        if self.alerts:
            d["alerts"] = list(dict.fromkeys([*d.get("alerts", []), *(one_line(a) for a in self.alerts)]))
        if self.health and self.health["steps"]:
            d["health_check"] = drop_empty(self.health)
        elif self.health and self.health.get("description"):
            self.summary.append(self.health["description"])
            d["summary"] = "\n\n".join(self.summary)
        if self.problems:
            d["problems"] = self.problems
        if self.procedures:
            d["procedures"] = self.procedures
        if self.cheatsheet:
            d["cheatsheet"] = [g for g in self.cheatsheet if g["steps"]]
            if not d["cheatsheet"]:
                del d["cheatsheet"]
        if self.reference:
            d["reference"] = self.reference
        if self.severity_levels:
            d["severity_levels"] = self.severity_levels
        esc = drop_empty(self.escalation)
        if esc:
            d["escalation"] = esc
        if self.links:
            d["links"] = self.links
        if self.unsorted:
            d["unsorted"] = self.unsorted
        return d


def _key_of(r: str | None) -> str:
    return {
        "symptom": "symptoms",
        "signature": "signatures",
        "diagnosis": "diagnosis",
        "cause": "causes",
        "solution": "fixes",
        "verification": "verification",
        "prevention": "prevention",
        "impact": "notes",
    }.get(r or "", "title")


def _fix_title(sec: Section | None, b: Block) -> str:
    """A fix made from a section is named by it ("Mitigation", "解决"), else "Fix"."""
    return plain(sec.title) if sec is not None and sec.title else "Fix"


def _fenced(b: Block) -> str:
    return f"```{b.lang}\n{b.text.rstrip()}\n```"
