"""What cross-file checks need to know of each document, and those checks.

Kept apart from the models and the loader (and their import cost): `kb validate` caches these
summaries by content hash and re-runs only the cross-file checks when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.core.findings import Finding, Loc
from generator.core.rules import freshness

if TYPE_CHECKING:
    from generator.core.model import Document


@dataclass
class Summary:
    """What cross-file checks need to know about one document."""

    path: str
    kind: str
    id: str
    anchors: list[str] = field(default_factory=list)
    refs: list[tuple[str, Loc]] = field(default_factory=list)  # (runbook ref, where)
    incident_refs: list[tuple[str, Loc]] = field(default_factory=list)
    last_reviewed: str | None = None
    review_every_days: int = 0
    review_line: int = 1

    def to_dict(self) -> dict:
        return {
            **self.__dict__,
            "refs": [[r, list(loc)] for r, loc in self.refs],
            "incident_refs": [[r, list(loc)] for r, loc in self.incident_refs],
        }

    @classmethod
    def from_dict(cls, d: dict) -> Summary:
        return cls(
            **{
                **d,
                "refs": [(r, tuple(loc)) for r, loc in d["refs"]],
                "incident_refs": [(r, tuple(loc)) for r, loc in d["incident_refs"]],
            }
        )


def runbook_refs(doc: Document) -> list[tuple[str, Loc]]:
    if doc.kind == "runbook":
        return [(r, ("related", i)) for i, r in enumerate(doc.related)]
    refs = [(link.ref, ("runbooks", i, "ref")) for i, link in enumerate(doc.runbooks)]
    refs += [(h.runbook, ("hypotheses", i, "runbook")) for i, h in enumerate(doc.hypotheses) if h.runbook]
    return refs


def summarize(path: str, doc: Document, text: str) -> Summary:
    s = Summary(path, doc.kind, doc.id, refs=runbook_refs(doc))
    if doc.kind == "runbook":
        s.anchors = doc.anchors()
        s.last_reviewed = doc.last_reviewed.isoformat()
        s.review_every_days = doc.review_every_days
        m = re.search(r"^last_reviewed\s*:", text, re.MULTILINE)
        s.review_line = text.count("\n", 0, m.start()) + 1 if m else 1
    else:
        s.incident_refs = [(r, ("related_incidents", i)) for i, r in enumerate(doc.related_incidents)]
    return s


def check_summaries(summaries: Iterable[Summary], today: dt.date) -> list[Finding]:
    """Duplicate ids, file names, broken references and overdue reviews. Findings keep `loc` unlocated."""
    summaries = list(summaries)
    out: list[Finding] = []
    by_id: dict[str, Summary] = {}
    for s in summaries:
        if os.path.splitext(os.path.basename(s.path))[0] != s.id:  # not Path: it runs for every file
            out.append(
                Finding(
                    s.path,
                    "filename",
                    f"file name does not match id '{s.id}'",
                    loc=("id",),
                    hint=f"rename the file to {s.id}.yaml (site URLs and links use the id)",
                )
            )
        if s.id in by_id:
            out.append(
                Finding(
                    s.path,
                    "duplicate-id",
                    f"id '{s.id}' is already used by {by_id[s.id].path}",
                    loc=("id",),
                    hint="ids are unique across the knowledge base; choose another",
                )
            )
        else:
            by_id[s.id] = s
    runbooks = {s.id: s for s in by_id.values() if s.kind == "runbook"}
    incidents = {s.id for s in by_id.values() if s.kind == "incident"}

    def broken(s: Summary, message: str, loc: Loc, hint: str) -> None:
        out.append(Finding(s.path, "broken-ref", message, loc=loc, hint=hint))

    for s in summaries:
        for ref, loc in s.refs:
            target, _, anchor = ref.partition("#")
            if target not in runbooks:
                broken(
                    s,
                    f"reference '{ref}': no runbook '{target}'",
                    loc,
                    _suggest(target, runbooks) or "check the id in runbooks/",
                )
            elif anchor and anchor not in runbooks[target].anchors:
                known = runbooks[target].anchors
                broken(
                    s,
                    f"reference '{ref}': runbook '{target}' has no problem, cause or procedure '{anchor}'",
                    loc,
                    _suggest(anchor, known) or f"its ids: {', '.join(known) or 'none'}",
                )
        for ref, loc in s.incident_refs:
            if ref not in incidents:
                broken(
                    s,
                    f"related incident '{ref}' does not exist",
                    loc,
                    _suggest(ref, incidents) or "check the id in incidents/",
                )
        if s.last_reviewed:
            late = freshness.days_overdue(dt.date.fromisoformat(s.last_reviewed), s.review_every_days, today)
            if late > 0:
                out.append(
                    Finding(
                        s.path,
                        freshness.RULE,
                        f"review overdue by {late} days (last reviewed "
                        f"{s.last_reviewed}, every {s.review_every_days} days)",
                        severity="warning",
                        line=s.review_line,
                        col=1,
                        hint="check the runbook still works, then set last_reviewed to today",
                    )
                )
    return out


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else ""
