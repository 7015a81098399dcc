"""The whole knowledge base: documents and their indexes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from generator.core.model import Document, Incident, Runbook
from generator.core.rules.crossfile import runbook_refs


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
