"""Rendered output kept between the builds of one process (`mkdocs serve`), one entry per document.

An entry is reused while every document it was made from is the very same object. The loader's cache
hands back the same object for a file that has not changed and a new one for a file that has, so an
edit invalidates exactly the entries made from that file. Everything else an entry depends on (the
date, the language, the commit) belongs in its key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, sources: tuple[Any, ...], make: Callable[[], T]) -> T:
        """The value made from `sources` under `key`: the kept one if made from the same objects."""
        kept = self._entries.get(key)
        same = kept is not None and len(kept[0]) == len(sources)
        if same and all(a is b for a, b in zip(kept[0], sources, strict=True)):
            self.hits += 1
            return kept[1]
        self.misses += 1
        value = make()
        self._entries[key] = (sources, value)  # holding the sources keeps their ids from being reused
        return value


def or_new(memo: Memo | None) -> Memo:
    """The caller's memo, or a throwaway one: a one-off render keeps nothing."""
    return memo if memo is not None else Memo()
