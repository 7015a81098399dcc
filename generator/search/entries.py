"""What the search index holds: one entry per thing a person acts on, its text split into weighted fields.

Entries are a runbook problem (its causes, each with its fix and verification, are found within it), a
procedure, a row of a reference table (an error code, an exit code) and an incident (its symptom,
evidence and root cause, linking to the runbooks it used). Field texts are tokens separated by spaces,
Chinese already segmented, so the index's own tokenizer only splits on spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from generator.core.model import Document, Incident, Runbook
from generator.core.model.common import Step
from generator.core.model.runbook import Problem
from generator.search.store import FIELDS
from generator.search.tokens import index_tokens, stem

FIRST_COMMANDS = 3
ABOUT = ("signatures", "titles", "symptoms")  # the fields that say what an entry is about
MENTIONS = ("causes", "fixes", "body")
_CODE = re.compile(r"(?<![\w.])(?:[1-9]\d{1,5}|[A-Z][A-Z0-9_]{2,})(?![\w.])")  # 502, 1045, 137, ENOSPC, OOMKilled


@dataclass
class Entry:
    kind: str  # problem | procedure | reference | incident
    doc: str  # the runbook's or incident's id
    anchor: str  # the problem, procedure or table on its page ("" for an incident)
    path: str
    data: dict  # what a result shows: titles, symptoms, causes with commands, links
    texts: dict[str, list[str]] = field(default_factory=dict)  # field -> raw texts
    signatures: list[tuple[str, str, int, str]] = field(default_factory=list)  # (text, exact|regex, cause, source)

    def add(self, name: str, *texts: str | None) -> None:
        self.texts.setdefault(name, []).extend(t for t in texts if t)


def entries(doc: Document, path: str) -> list[Entry]:
    if isinstance(doc, Incident):
        return [_incident(doc, path)]
    assert isinstance(doc, Runbook)
    out = [_problem(doc, p, path) for p in doc.problems]
    for proc in doc.procedures:
        steps = proc.steps + [s for ph in proc.phases for s in ph.steps]
        e = _base(doc, "procedure", proc.id, path, proc.title)
        e.data["summary"] = proc.description or ""
        e.data["commands"] = _commands(steps)
        e.add("titles", proc.title)
        e.add("context", doc.title)
        e.add("body", proc.description, proc.schedule, *_step_texts(steps))
        e.add("commands", *_runs(steps))
        out.append(e)
    for table in doc.reference:
        for row in table.rows:
            if not row or not row[0].strip():
                continue
            e = _base(doc, "reference", table.id, path, f"{table.title}: {row[0]}")
            e.data["row"] = dict(zip(table.columns, row, strict=False))
            e.add("titles", row[0])
            e.add("context", table.title, doc.title)
            e.add("body", *row[1:])
            e.add("codes", *_codes(row[0]))
            out.append(e)
    return out


def _base(rb: Runbook, kind: str, anchor: str, path: str, title: str) -> Entry:
    data = {"title": title, "doc_title": rb.title, "severity": str(rb.severity or ""), "services": rb.services}
    e = Entry(kind, rb.id, anchor, path, data)
    e.add("entities", *rb.services, *rb.tags, *rb.alerts)
    return e


def _problem(rb: Runbook, p: Problem, path: str) -> Entry:
    e = _base(rb, "problem", p.id, path, p.title)
    e.signatures = [(s.text, s.match, -1, s.source or "") for s in p.signatures]
    causes = []
    for i, c in enumerate(p.causes):
        e.signatures += [(s.text, s.match, i, s.source or "") for s in c.signatures]
        e.add("causes", c.title, c.description)
        e.add("fixes", *(t for f in c.fixes for t in (f.title, f.description)))
        e.add("commands", *_runs(c.checks), *(r for f in c.fixes for r in _runs(f.steps + f.verify)))
        e.add("body", *_step_texts(c.checks), *(t for f in c.fixes for t in _step_texts(f.steps + f.verify)))
        fix_steps = [s for f in c.fixes for s in f.steps]
        verify = [s for f in c.fixes for s in f.verify] or p.verification
        causes.append(
            {
                "id": c.id,
                "title": c.title,
                "fix": c.fixes[0].title if c.fixes else "",
                "commands": _commands(c.checks + fix_steps),
                "verify": _commands(verify, any_lang=True),
                "words": " ".join(_all_text([c.title, c.description, *_step_texts(c.checks)])),
            }
        )
    exact = [s[0] for s in e.signatures if s[1] == "exact"]
    e.add("signatures", *exact)
    e.add("codes", *(code for s in exact for code in _codes(s)), *_codes(p.title))
    e.add("titles", p.title)
    e.add("context", rb.title, p.group)
    e.add("symptoms", *p.symptoms)
    e.add("fixes", *(t for f in p.fixes for t in (f.title, f.description)))
    e.add("commands", *_runs(p.diagnosis), *(r for f in p.fixes for r in _runs(f.steps + f.verify)))
    e.add("body", p.notes, *p.prevention, *_step_texts(p.diagnosis + p.verification))
    e.add("body", *(t for f in p.fixes for t in _step_texts(f.steps + f.verify)))
    steps = p.diagnosis + [s for c in p.causes for s in c.checks] + [s for f in p.fixes for s in f.steps]
    e.data.update(
        symptoms=p.symptoms,
        causes=causes,
        commands=_commands(steps),
        verify=_commands(p.verification, any_lang=True),
        sources=sorted({s[3] for s in e.signatures if s[3]}),
    )
    return e


def _incident(inc: Incident, path: str) -> Entry:
    refs = [link.ref for link in inc.runbooks] + [h.runbook for h in inc.hypotheses if h.runbook]
    e = Entry(
        "incident",
        inc.id,
        "",
        path,
        {
            "title": inc.title,
            "doc_title": inc.title,
            "severity": str(inc.severity),
            "services": inc.services,
            "refs": refs,
            "root_cause": inc.root_cause.summary,
            "symptoms": [inc.symptom],
        },
    )
    e.add("titles", inc.title)
    e.add("symptoms", inc.symptom, inc.impact, inc.summary)
    e.add("signatures", *(ev.content for ev in inc.evidence))
    e.add("causes", inc.root_cause.summary, *inc.root_cause.details, *(h.title for h in inc.hypotheses))
    e.add("causes", *(t for ce in inc.contributing_errors for t in (ce.title, *ce.root_causes)))
    e.add("fixes", inc.resolution.summary, *_step_texts(inc.resolution.steps))
    e.add("commands", *_runs(inc.resolution.steps + inc.verification))
    e.add("body", *inc.analysis, *(ev.title for ev in inc.evidence), *(t.event for t in inc.timeline))
    e.add("entities", *inc.services, *inc.tags)
    return e


def tokenized(entry: Entry, cut: Callable[[str], list[str]], tag: Callable[[str], list[str]]) -> dict[str, str]:
    """The entry's fields as space-separated tokens, with the concepts its text names."""
    out = {name: "" for name in FIELDS}
    for name, texts in entry.texts.items():
        if name == "entities":  # names as written: "payments" names a service, "payment" does not
            out[name] = " ".join(t.lower() for t in texts)
        elif name == "codes":  # each word stemmed, as a query's words are
            out[name] = " ".join(stem(w) for t in texts for w in t.lower().split())
        else:
            out[name] = " ".join(tok for t in texts for tok in index_tokens(t, cut))
    about = tag("\n".join(t for name in ABOUT for t in entry.texts.get(name, [])))
    mentioned = tag("\n".join(t for name in MENTIONS for t in entry.texts.get(name, [])))
    out["concepts"] = " ".join(about)
    out["side_concepts"] = " ".join(c for c in mentioned if c not in about)
    return out


def _codes(text: str) -> list[str]:
    return [m.lower() for m in _CODE.findall(text)]


def _all_text(texts: Iterable[str | None]) -> list[str]:
    return [t for t in texts if t]


def _runs(steps: Iterable[Step]) -> list[str]:
    return [s.run for s in steps if s.run]


def _step_texts(steps: Iterable[Step]) -> list[str]:
    return [t for s in steps for t in (s.title, s.note, s.output) if t]


def _commands(steps: Iterable[Step], any_lang: bool = False) -> list[dict]:
    """The first commands a reader would run, each once, in order, marked when they change things."""
    out: list[dict] = []
    for s in steps:
        runnable = any_lang or s.lang in ("bash", "powershell", "cmd")
        if s.run and runnable and s.run.strip() not in [c["run"] for c in out]:
            out.append({"run": s.run.strip(), "title": s.title, "destructive": s.destructive})
        if len(out) == FIRST_COMMANDS:
            break
    return out
