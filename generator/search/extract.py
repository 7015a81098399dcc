"""What the index keeps of each document: one entry per runbook problem and procedure.

Entries are plain JSON data, cached per file by content hash, so an edit to one file re-reads only
that file. Token weights favour the words people search with: titles, error text, symptoms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from generator.core.model import Document
from generator.core.model.common import Step
from generator.core.model.runbook import Problem, Runbook
from generator.search.tokens import index_tokens

FIRST_COMMANDS = 3
WEIGHT = {"title": 4, "signature": 3, "symptom": 2, "cause": 2, "context": 1}


def extract(doc: Document, path: str, cut: Callable[[str], list[str]]) -> dict:
    """A document's part of the index: entries for a runbook, references for an incident."""
    if not isinstance(doc, Runbook):
        refs = [link.ref for link in doc.runbooks] + [h.runbook for h in doc.hypotheses if h.runbook]
        return {"kind": "incident", "id": doc.id, "refs": refs}
    entries = [_problem(doc, p, path, cut) for p in doc.problems]
    for proc in doc.procedures:
        steps = proc.steps + [s for ph in proc.phases for s in ph.steps]
        bag = _Bag(cut)
        bag.add("title", proc.title)
        bag.add("context", doc.title, proc.description, *doc.services, *_step_texts(steps))
        entries.append(
            _entry(doc, path, "procedure", proc.id, proc.title, [], _commands(steps), [], bag, proc.description or "")
        )
    return {"kind": "runbook", "id": doc.id, "entries": entries}


def _problem(rb: Runbook, p: Problem, path: str, cut: Callable[[str], list[str]]) -> dict:
    bag = _Bag(cut)
    bag.add("title", p.title)
    bag.add("symptom", *p.symptoms)
    sigs = [[s.text, s.match, -1, s.source or ""] for s in p.signatures]
    for i, c in enumerate(p.causes):
        sigs += [[s.text, s.match, i, s.source or ""] for s in c.signatures]
        bag.add("cause", c.title)
        bag.add("context", c.description, *_step_texts(c.checks), *(f.title for f in c.fixes))
        for f in c.fixes:
            bag.add("context", f.description, *_step_texts(f.steps + f.verify))
    bag.add("signature", *(s[0] for s in sigs if s[1] == "exact"))
    bag.add("context", rb.title, p.group, p.notes, *rb.services, *p.prevention, *_step_texts(p.diagnosis))
    for f in p.fixes:
        bag.add("context", f.title, f.description, *_step_texts(f.steps + f.verify))
    steps = p.diagnosis + [s for c in p.causes for s in c.checks] + [s for f in _fixes(p) for s in f.steps]
    return _entry(
        rb,
        path,
        "problem",
        p.id,
        p.title,
        p.symptoms,
        _commands(steps),
        [c.title for c in p.causes],
        bag,
        "",
        sigs,
        [c.id for c in p.causes],
        [_commands(c.checks + [s for f in c.fixes for s in f.steps]) for c in p.causes],
    )


def _entry(
    rb,
    path,
    kind,
    anchor,
    title,
    symptoms,
    commands,
    causes,
    bag,
    summary,
    sigs=None,
    cause_ids=(),
    cause_commands=None,
) -> dict:
    return {
        "runbook": rb.id,
        "runbook_title": rb.title,
        "path": path,
        "kind": kind,
        "anchor": anchor,
        "title": title,
        "severity": str(rb.severity) if rb.severity else "",
        "symptoms": symptoms,
        "summary": summary,
        "commands": commands,
        "causes": causes,
        "cause_ids": list(cause_ids),
        "cause_commands": cause_commands or [],
        "sigs": sigs or [],
        "tf": dict(bag.counts),
    }


class _Bag:
    """Weighted token counts of one entry."""

    def __init__(self, cut: Callable[[str], list[str]]):
        self.cut = cut
        self.counts: Counter[str] = Counter()

    def add(self, field: str, *texts: str | None) -> None:
        for text in texts:
            if text:
                for tok in index_tokens(text, self.cut):
                    self.counts[tok] += WEIGHT[field]


def _fixes(p: Problem):
    return [f for c in p.causes for f in c.fixes] + p.fixes


def _step_texts(steps: Iterable[Step]) -> list[str]:
    return [t for s in steps for t in (s.title, s.run, s.note) if t]


def _commands(steps: Iterable[Step]) -> list[dict]:
    """The first commands a reader would run, each once, in order, marked when they change things."""
    out: list[dict] = []
    for s in steps:
        if s.run and s.lang in ("bash", "powershell", "cmd") and s.run.strip() not in [c["run"] for c in out]:
            out.append({"run": s.run.strip(), "destructive": s.destructive})
        if len(out) == FIRST_COMMANDS:
            break
    return out
