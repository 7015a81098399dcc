"""The memo keeps an entry while it is asked with the very same source objects."""

from __future__ import annotations

from generator.outputs.memo import Memo


def test_an_entry_is_kept_while_its_sources_are_the_same_objects():
    memo, made = Memo(), []

    def make() -> int:
        made.append(1)
        return len(made)

    doc = {"title": "a"}
    assert memo.get("page", (doc,), make) == 1
    assert memo.get("page", (doc,), make) == 1  # the same object: kept
    assert memo.get("page", ({"title": "a"},), make) == 2  # equal, but a new object (an edited file): made again
    assert memo.get("page", (doc, doc), make) == 3  # another source joined (a new backlink)
    assert memo.get("other", (doc,), make) == 4  # keys are apart
    assert (memo.hits, memo.misses) == (1, 4)
