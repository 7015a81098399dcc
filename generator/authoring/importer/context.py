"""What one import knows and records: the document's date and zone, where each source line went, the
comments to write next to values (guesses, the wording a value was read from), and what to report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from generator.authoring.importer.blocks import Block, Section
from generator.authoring.importer.when import Zone

Node = dict[str, Any]


@dataclass
class Context:
    name: str
    today: dt.date
    chinese: bool = False
    day: dt.date | None = None  # the document's own date
    day_text: str | None = None  # ... as written
    year: int | None = None  # the year in the title, when there is no full date
    zone: Zone | None = None
    zone_from: str = "guess"  # "document" when the write-up names its zone
    # id(node) -> key -> comment texts; the nodes are kept so that their ids stay theirs.
    comments: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    guesses: int = 0
    _nodes: dict[int, Node] = field(default_factory=dict)
    # source line (1-based, in the parsed Markdown) -> (node, key) that holds what it said
    taken: dict[int, tuple[Node, str]] = field(default_factory=dict)
    redacted: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)  # names declared for shell variables

    def comment(self, node: Node, key: str, text: str) -> None:
        self._nodes[id(node)] = node
        texts = self.comments.setdefault(id(node), {}).setdefault(key, [])
        if text not in texts:
            texts.append(text)

    def guess(self, node: Node, key: str, why: str) -> None:
        self.guesses += 1
        self.comment(node, key, f"guessed: {why}")

    def take(self, what: Block | Section | tuple[int, int], node: Node, key: str) -> None:
        """Record that the lines of a block (or a heading) are now held by node[key]."""
        if isinstance(what, Block):
            first, last = what.line, what.end
        elif isinstance(what, Section):
            first = last = what.line
        else:
            first, last = what
        for n in range(first, last + 1):
            self.taken.setdefault(n, (node, key))
        self._nodes[id(node)] = node

    def comments_of(self, node: Node) -> dict[str, list[str]]:
        return self.comments.get(id(node), {})
