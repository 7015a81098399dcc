"""The error-concept terms of each runbook problem, in both languages, for the site's own search.

Material's search index is built from the pages' text: a Chinese-written problem about a full disk
holds no English words for it. Its concepts' terms, in English and Chinese, are added to its section
as text that search reads and readers do not see, so typing an English error into the search box
finds the Chinese page, and the other way round.
"""

from __future__ import annotations

from generator.core.corpus import Corpus
from generator.core.model.runbook import Problem

MAX_TERMS = 60  # per problem: enough for its concepts, not a wall of words in the index


def problem_text(p: Problem) -> str:
    parts = [p.title, *p.symptoms, *(s.text for s in p.signatures if s.match == "exact")]
    for c in p.causes:
        parts += [c.title, c.description or "", *(s.text for s in c.signatures if s.match == "exact")]
        parts += [f.title for f in c.fixes]
    return "\n".join(parts)


def problem_terms(corpus: Corpus, vocabulary) -> dict[str, dict[str, list[str]]]:
    """runbook id -> problem id -> terms of the concepts its text names (English, then Chinese)."""
    out: dict[str, dict[str, list[str]]] = {}
    for rb in corpus.runbooks.values():
        for p in rb.problems:
            concepts = vocabulary.tag(problem_text(p))
            terms = [t for language in ("en", "zh") for c in concepts for t in vocabulary.terms(c, language)]
            if terms:
                out.setdefault(rb.id, {})[p.id] = list(dict.fromkeys(terms))[:MAX_TERMS]
    return out


def for_knowledge_base(root, corpus: Corpus) -> dict[str, dict[str, list[str]]]:
    """problem_terms with the knowledge base's own concepts (ROOT/search/concepts.yaml) added."""
    from generator.search.concepts import cached
    from generator.search.store import CONCEPTS

    extra = root / CONCEPTS
    return problem_terms(corpus, cached(extra if extra.is_file() else None, root / ".kb-cache"))
