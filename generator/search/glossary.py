"""Operations words in English and Chinese (`glossary.yaml`, next to this file): a word of a query in one
language also matches its translations, so a Chinese query finds an English-written runbook and the other
way round even when no error concept connects them.

`translations()` maps each word (English lowercased, Chinese as written) to the ways the other language
says it, each a tuple of index tokens: ("thread", "pool") for 线程池, ("线程池",) for "thread pool".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from generator.search.tokens import CJK, stem

DATA = Path(__file__).with_name("glossary.yaml")


class GlossaryError(ValueError):
    """The glossary file is not a list of entries with English and Chinese words."""


def parse(entries: object) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The word -> translations map of the file's `words` list; GlossaryError says which entry is wrong."""
    if not isinstance(entries, list):
        raise GlossaryError("`words` must be a list of {en: [...], zh: [...]}")
    out: dict[str, list[tuple[str, ...]]] = {}
    for n, entry in enumerate(entries, 1):
        en, zh = (entry.get(k) if isinstance(entry, dict) else None for k in ("en", "zh"))
        if not _words(en) or not _words(zh):
            raise GlossaryError(f"entry {n}: needs `en` and `zh`, each a list of words")
        if any(CJK.search(w) for w in en) or any(len(w) < 2 or not CJK.search(w) for w in zh):
            raise GlossaryError(
                f"entry {n}: English words go under `en`, Chinese words of two characters or more under `zh`"
            )
        english = [tuple(stem(x) for x in w.lower().split()) for w in en]  # as the index holds them
        for word in en:
            out.setdefault(stem(word.lower()), []).extend((z,) for z in zh)
        for word in zh:
            out.setdefault(word, []).extend(english)
    return {word: tuple(dict.fromkeys(alts)) for word, alts in out.items()}


def _words(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(w, str) and w.strip() for w in value)


@cache
def translations() -> dict[str, tuple[tuple[str, ...], ...]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return parse((yaml.load(DATA.read_text(encoding="utf-8"), Loader=loader) or {}).get("words"))
