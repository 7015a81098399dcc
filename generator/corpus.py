"""The whole knowledge base: documents and their indexes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding
from .load import LoadResult, load_file
from .model import Document, Incident, Runbook
from .paths import discover
from .summary import check_summaries, runbook_refs, summarize


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

    def by_signature(self) -> dict[str, list[tuple[Runbook, str, str]]]:
        """Error signature -> (runbook, id and title of the problem or cause it identifies), sorted by text."""
        index: dict[str, list[tuple[Runbook, str, str]]] = defaultdict(list)
        for rb in self.runbooks.values():
            for problem in rb.problems:
                for sig in problem.signatures:
                    index[sig.text].append((rb, problem.id, problem.title))
                for cause in problem.causes:
                    for sig in cause.signatures:
                        index[sig.text].append((rb, cause.id, cause.title))
        return dict(sorted(index.items(), key=lambda kv: kv[0].lower()))

    def backlinks(self) -> dict[str, list[Incident]]:
        """Runbook id -> incidents that used or produced it."""
        index: dict[str, list[Incident]] = defaultdict(list)
        for inc in self.incidents.values():
            for ref, _ in runbook_refs(inc):
                target = ref.partition("#")[0]
                if inc not in index[target]:
                    index[target].append(inc)
        return dict(index)


def load_corpus(
    root: str | Path, today: dt.date | None = None, cache: dict | None = None
) -> tuple[Corpus, list[Finding]]:
    """Load incidents/ and runbooks/ under root. Findings are located; documents with errors are left out.

    `cache` (a dict the caller keeps between calls, as `mkdocs serve` does) skips files whose size and
    modification time have not changed since the last call, so a rebuild after one edit reads one file.
    """
    root = Path(root)
    corpus = Corpus({}, {}, {})
    findings: list[Finding] = []
    summaries = []
    sources = {}
    for path in discover(d for d in (root / "incidents", root / "runbooks") if d.is_dir()):
        result = _load_cached(path, cache) if cache is not None else load_file(path)
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


def _load_cached(path: Path, cache: dict) -> LoadResult:
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return load_file(path)  # reports the error
    hit = cache.get(path)
    if hit is None or hit[0] != stamp:
        hit = cache[path] = (stamp, load_file(path))
    return hit[1]
