"""The whole knowledge base: documents and their indexes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.core.findings import Finding
from generator.core.gcpause import collection_paused
from generator.core.load import LoadResult, load_files
from generator.core.model import Document, Incident, Runbook
from generator.core.paths import discover
from generator.core.rules.crossfile import check_summaries, runbook_refs, summarize


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
    paths = list(discover(d for d in (root / "incidents", root / "runbooks") if d.is_dir()))
    with collection_paused():
        results = _load_cached(paths, cache) if cache is not None else load_files(paths)
    for path, result in zip(paths, results, strict=True):
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


def _load_cached(paths: list[Path], cache: dict) -> list[LoadResult]:
    """Each file's load result, loading again only files whose size or modification time changed."""
    stamps = {}
    for path in paths:
        try:
            st = path.stat()
            stamps[path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamps[path] = None  # load_file reports the error
    stale = [p for p in paths if stamps[p] is None or cache.get(p, (None,))[0] != stamps[p]]
    for path, result in zip(stale, load_files(stale), strict=True):
        cache[path] = (stamps[path], result)
    return [cache[p][1] for p in paths]
