"""The search engine as commands use it: open the index of a knowledge base, ask it, read answers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.search import ranking
from generator.search.store import CONCEPTS, Opened, open_store


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


@dataclass
class Engine:
    opened: Opened
    root: Path
    cache_dir: Path

    @classmethod
    def open(cls, root: Path, cache_dir: Path) -> Engine:
        return cls(open_store(root, cache_dir), root, cache_dir)

    @property
    def site(self) -> dict:
        return self.opened.meta("site") or {"url": "", "directory_urls": True, "language": "en"}

    def _vocabulary(self):
        from generator.search.concepts import cached

        extra = self.root / CONCEPTS
        return cached(extra if extra.is_file() else None, self.cache_dir)

    def ask(self, text: str, limit: int, warn: Callable[[str], None] = _warn) -> ranking.Answer:
        """The answers to an error text or a few words. `warn` gets one line per signature pattern that ran
        out of time (it counts as no match)."""
        vocabulary = self._vocabulary()

        def describe(concept: str) -> str:
            terms = vocabulary.terms(concept, "en")
            return f"{concept} ({terms[0]})" if terms else concept

        def search(pattern: str, lines: list[str]) -> str | None:
            """The first text a signature's pattern matches, line by line, within a time bound."""
            from generator.core import patterns

            try:
                m = patterns.search(pattern, lines)
            except patterns.Slow as slow:
                warn(str(slow))
                return None
            return m.group(0) if m else None

        return ranking.answer(self.opened.db, text, limit, vocabulary, describe, search)
