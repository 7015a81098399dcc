"""Which files make up a knowledge base."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files under the given files or folders, sorted, each once."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found.update(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
        else:
            found.add(p)
    return sorted(found, key=str)  # str keys: sorting Paths is slow on big trees
