"""The whole knowledge base: documents, their indexes, and the checks that span files.

Cross-file checks run on small summaries rather than full models, so that `kb validate` can
cache each file's summary by content hash and still check references across the whole tree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, Loc
from .lint import freshness
from .load import load_file
from .model import Document, Incident, Runbook


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
    if isinstance(doc, Runbook):
        return [(r, ("related", i)) for i, r in enumerate(doc.related)]
    refs = [(link.ref, ("runbooks", i, "ref")) for i, link in enumerate(doc.runbooks)]
    refs += [(h.runbook, ("hypotheses", i, "runbook")) for i, h in enumerate(doc.hypotheses) if h.runbook]
    return refs


def summarize(path: str, doc: Document, text: str) -> Summary:
    s = Summary(path, doc.kind, doc.id, refs=runbook_refs(doc))
    if isinstance(doc, Runbook):
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
        if Path(s.path).stem != s.id:
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
    for s in summaries:
        for ref, loc in s.refs:
            target, _, anchor = ref.partition("#")
            if target not in runbooks:
                out.append(
                    Finding(
                        s.path,
                        "broken-ref",
                        f"reference '{ref}': no runbook '{target}'",
                        loc=loc,
                        hint=_suggest(target, runbooks) or "check the id in runbooks/",
                    )
                )
            elif anchor and anchor not in runbooks[target].anchors:
                out.append(
                    Finding(
                        s.path,
                        "broken-ref",
                        f"reference '{ref}': runbook '{target}' has no problem, cause or procedure '{anchor}'",
                        loc=loc,
                        hint=_suggest(anchor, runbooks[target].anchors)
                        or f"its ids: {', '.join(runbooks[target].anchors) or 'none'}",
                    )
                )
        for ref, loc in s.incident_refs:
            if ref not in incidents:
                out.append(
                    Finding(
                        s.path,
                        "broken-ref",
                        f"related incident '{ref}' does not exist",
                        loc=loc,
                        hint=_suggest(ref, incidents) or "check the id in incidents/",
                    )
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
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass
class Corpus:
    """All documents of a knowledge base, indexed."""

    runbooks: dict[str, Runbook]
    incidents: dict[str, Incident]
    paths: dict[str, str]  # id -> file path

    @property
    def documents(self) -> list[Document]:
        return [*self.runbooks.values(), *self.incidents.values()]

    def by_service(self) -> dict[str, list[Document]]:
        index: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            for service in doc.services:
                index[service].append(doc)
        return dict(sorted(index.items()))

    def by_tag(self) -> dict[str, list[Document]]:
        index: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            for tag in doc.tags:
                index[tag].append(doc)
        return dict(sorted(index.items()))

    def by_signature(self) -> dict[str, list[tuple[Runbook, str]]]:
        """Error signature -> (runbook, problem or cause id) it identifies."""
        index: dict[str, list[tuple[Runbook, str]]] = defaultdict(list)
        for rb in self.runbooks.values():
            for problem in rb.problems:
                for sig in problem.signatures:
                    index[sig.text].append((rb, problem.id))
                for cause in problem.causes:
                    for sig in cause.signatures:
                        index[sig.text].append((rb, cause.id))
        return dict(sorted(index.items()))

    def backlinks(self) -> dict[str, list[Incident]]:
        """Runbook id -> incidents that used or produced it."""
        index: dict[str, list[Incident]] = defaultdict(list)
        for inc in self.incidents.values():
            for ref, _ in runbook_refs(inc):
                target = ref.partition("#")[0]
                if inc not in index[target]:
                    index[target].append(inc)
        return dict(index)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files under the given files or folders, sorted, each once."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found.update(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
        else:
            found.add(p)
    return sorted(found)


def load_corpus(root: str | Path, today: dt.date | None = None) -> tuple[Corpus, list[Finding]]:
    """Load incidents/ and runbooks/ under root. Findings are located; documents with errors are left out."""
    root = Path(root)
    corpus = Corpus({}, {}, {})
    findings: list[Finding] = []
    summaries = []
    sources = {}
    for path in discover([root / "incidents", root / "runbooks"]):
        result = load_file(path)
        findings += result.findings
        if result.doc is None:
            continue
        sources[str(path)] = result.source
        summaries.append(summarize(str(path), result.doc, result.source.text))
        target = corpus.runbooks if isinstance(result.doc, Runbook) else corpus.incidents
        target[result.doc.id] = result.doc
        corpus.paths[result.doc.id] = str(path)
    findings += [sources[f.path].locate(f) for f in check_summaries(summaries, today or dt.date.today())]
    return corpus, findings
