"""Draft documents from blocks: one function per kind, each placing every block exactly once."""

from __future__ import annotations

import re
from typing import Any

from generator.authoring.importer.blocks import Block, Document
from generator.authoring.importer.draft import (
    AUTHOR,
    MISSING,
    PROBLEM,
    SEVERITY,
    Context,
    action_items,
    first_line,
    is_timeline,
    role_of,
    step,
    timeline_rows,
    unsorted,
)


def _text_of(block: Block, ctx: Context) -> str:
    return ctx.clean(block.text, block.line)


def _append_text(target: dict, key: str, text: str) -> None:
    target[key] = f"{target[key]}\n\n{text}" if target.get(key) else text


def _common(doc: Document, kind: str, doc_id: str, title: str, services: list[str]) -> dict[str, Any]:
    return {"schema_version": 1, "kind": kind, "id": doc_id, "title": title, "services": services}


def draft_incident(doc: Document, ctx: Context, *, doc_id: str, title: str, services: list[str]) -> dict[str, Any]:
    d = _common(doc, "incident", doc_id, title, services)
    sev = SEVERITY.search(doc.source)
    d["severity"] = f"P{sev.group(1)}" if sev else "P3"
    if not sev:
        ctx.guessed["severity"] = "no P1/P2/P3 in the write-up: P3 is a guess"
    lists: dict[str, list] = {
        k: []
        for k in (
            "evidence",
            "timeline",
            "diagnosis",
            "verification",
            "prevention",
            "lessons",
            "action_items",
            "unsorted",
        )
    }
    resolution: dict[str, Any] = {"steps": []}
    root: dict[str, Any] = {"category": "unknown", "confirmed": False, "details": []}
    texts: dict[str, str] = {}
    for b in doc.blocks:
        role = role_of(b)
        if b.kind == "table" and is_timeline(b):
            lists["timeline"] += timeline_rows(b, ctx)
            continue
        items = action_items(b)
        if items is not None and role not in ("diagnosis", "solution", "prevention", "cause", "verification"):
            lists["action_items"] += items
            continue
        if b.kind == "code":
            if role in ("symptom", "evidence", "cause"):
                lists["evidence"].append({"title": _title(b), "lang": b.lang or "text", "content": _text_of(b, ctx)})
            elif role == "diagnosis":
                lists["diagnosis"].append(step(b, ctx))
            elif role == "solution":
                resolution["steps"].append(step(b, ctx))
            elif role == "verification":
                lists["verification"].append(step(b, ctx))
            elif role == "prevention":
                lists["prevention"].append({"title": _title(b), "steps": [step(b, ctx)]})
            else:
                lists["unsorted"].append(unsorted(b, ctx))
            continue
        text = _text_of(b, ctx)
        if role in ("symptom", "impact", "summary") or (role is None and len(b.path) <= 1):
            _append_text(texts, role or "summary", text)
        elif role == "cause":
            if "summary" not in root:
                root["summary"] = first_line(text)
            root["details"].append(text)
        elif role == "solution":
            _append_text(resolution, "summary", text)
        elif role == "diagnosis":
            lists["diagnosis"].append({"title": _title(b), "result": text})
        elif role == "prevention":
            lists["prevention"].append({"title": _title(b), "details": [text]})
        elif role == "lessons":
            lists["lessons"].append({"title": _title(b), "points": [text]})
        else:
            lists["unsorted"].append(unsorted(b, ctx))
    d["started_at"] = lists["timeline"][0]["at"] if lists["timeline"] else f"{ctx.date.isoformat()}T00:00:00"
    if not lists["timeline"]:
        d["started_at"] = _iso_midnight(ctx)
        ctx.guessed["started_at"] = "no timeline in the write-up: midnight of its first date"
    if "summary" in texts:
        d["summary"] = texts["summary"]
    d["impact"] = texts.get("impact") or _missing(ctx, "impact")
    d["symptom"] = texts.get("symptom") or _missing(ctx, "symptom")
    root.setdefault("summary", MISSING)
    if root["summary"] == MISSING:
        ctx.guessed["root_cause"] = "no cause section found"
    resolution.setdefault("summary", MISSING)
    if resolution["summary"] == MISSING:
        ctx.guessed["resolution"] = "no solution section found"
    d["root_cause"] = {k: v for k, v in root.items() if v != []}
    d["resolution"] = {k: v for k, v in resolution.items() if v != []}
    for key, value in lists.items():
        if value:
            d[key] = value
    author = AUTHOR.search(doc.source)
    d["author"] = author.group(1) if author else _missing(ctx, "author")
    return d


def _iso_midnight(ctx: Context) -> str:
    import datetime as dt

    return dt.datetime.combine(ctx.date, dt.time(), ctx.offset).isoformat()


def _missing(ctx: Context, key: str) -> str:
    ctx.guessed[key] = "not found in the write-up"
    return MISSING


def _title(b: Block) -> str:
    return b.label or (b.path[-1] if b.path else "") or first_line(b.text)[:80] or "(untitled)"


def _slug(text: str, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return s if len(s) >= 3 else fallback


def draft_runbook(
    doc: Document, ctx: Context, *, doc_id: str, title: str, services: list[str], owner: str
) -> dict[str, Any]:
    d = _common(doc, "runbook", doc_id, title, services)
    d["owner"] = owner
    d["last_reviewed"] = ctx.today.isoformat()
    health: list[dict] = []
    problems: dict[tuple[str, ...], dict[str, Any]] = {}
    cheatsheet: dict[str, list[dict]] = {}
    reference: list[dict] = []
    rest: list[dict] = []
    actions: list[dict] = []
    used: set[str] = set()

    def problem_for(b: Block) -> dict[str, Any] | None:
        for n in range(len(b.path), 0, -1):
            if PROBLEM.search(b.path[n - 1]):
                key = b.path[:n]
                if key not in problems:
                    pid = _unique(_slug(key[-1], f"problem-{len(problems) + 1}"), used)
                    problems[key] = {"id": pid, "title": key[-1], "symptoms": [], "diagnosis": [], "fixes": []}
                return problems[key]
        return None

    for b in doc.blocks:
        role = role_of(b)
        p = problem_for(b)
        if b.kind == "code":
            if p is None and role == "health":
                health.append(step(b, ctx))
            elif p is None:
                cheatsheet.setdefault(_group(b), []).append(step(b, ctx))
            elif role == "symptom":
                p.setdefault("signatures", []).extend(
                    {"text": ln.strip()} for ln in _text_of(b, ctx).splitlines() if ln.strip()
                )
            elif role in ("solution", "cause"):
                p["fixes"].append(
                    {"id": _unique(f"fix-{len(p['fixes']) + 1}", set()), "title": _title(b), "steps": [step(b, ctx)]}
                )
            elif role == "verification":
                p.setdefault("verification", []).append(step(b, ctx))
            else:
                p["diagnosis"].append(step(b, ctx))
            continue
        if b.kind == "table" and p is None:
            rows = [(r + [""] * len(b.header))[: len(b.header)] for r in b.rows] or [[""] * len(b.header)]
            if b.header:
                reference.append(
                    {
                        "id": _unique(f"table-{len(reference) + 1}", used),
                        "title": _title(b),
                        "columns": b.header,
                        "rows": rows,
                    }
                )
                continue
        items = action_items(b)
        if items is not None and p is None and role == "actions":
            actions += items
            continue
        text = _text_of(b, ctx)
        if p is not None and role == "symptom":
            p["symptoms"].append(text)
        elif p is not None:
            _append_text(p, "notes", f"{_title(b)}:\n{text}" if b.label or len(b.path) > 0 else text)
        elif role is None and not b.path[1:] and "summary" not in d:
            d["summary"] = text
        else:
            rest.append(unsorted(b, ctx))
    if health:
        d["health_check"] = {"title": next(_title(b) for b in doc.blocks if role_of(b) == "health"), "steps": health}
    if problems:
        d["problems"] = []
        for p in problems.values():
            if not p["symptoms"] and not p.get("signatures"):
                p["symptoms"] = [p["title"]]
            d["problems"].append({k: v for k, v in p.items() if v != []})
    if cheatsheet:
        d["cheatsheet"] = [{"title": title, "steps": steps} for title, steps in cheatsheet.items()]
    if reference:
        d["reference"] = reference
    for item in actions:  # a runbook has no action items: keep them for a person to place
        rest.append(
            {"heading": "action items", "text": f"[{'x' if item['status'] == 'done' else ' '}] {item['title']}"}
        )
    if rest:
        d["unsorted"] = rest
    return d


def _group(b: Block) -> str:
    return " › ".join(b.path[1:] or b.path) or "commands"


def _unique(slug: str, used: set[str]) -> str:
    out, n = slug, 2
    while out in used:
        out, n = f"{slug}-{n}", n + 1
    used.add(out)
    return out
