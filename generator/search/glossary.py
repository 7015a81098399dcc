"""Operations words in English and Chinese (`glossary.yaml`, next to this file): a word of a query in one
language also matches its translations, so a Chinese query finds an English-written runbook and the other
way round even when no error concept connects them.

`translations()` maps each word (English lowercased, Chinese as written) to the ways the other language
says it, each a tuple of index tokens: ("thread", "pool") for 线程池, ("线程池",) for "thread pool".
The file's `aliases` are the names one technology goes by (postgres, postgresql, pg): each name also
matches the others, and `aliases()` maps each name, as written, to the others, so that naming one names
a service known by another.
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


def parse_aliases(groups: object) -> dict[str, tuple[str, ...]]:
    """Name -> the other names of its technology, from the file's `aliases` list of lists of names."""
    if groups is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for n, group in enumerate(groups if isinstance(groups, list) else [None], 1):
        if not _words(group) or len(group) < 2 or any(CJK.search(w) or " " in w.strip() for w in group):
            raise GlossaryError(f"alias group {n}: needs a list of two or more names, each one English word")
        names = [w.strip().lower() for w in group]
        for name in names:
            out[name] = tuple(dict.fromkeys(x for x in names if x != name))
    return out


def _words(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(w, str) and w.strip() for w in value)


@cache
def _data() -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(DATA.read_text(encoding="utf-8"), Loader=loader) or {}


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    return parse_aliases(_data().get("aliases"))


@cache
def translations() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The words' translations, and each alias's other names (as index tokens)."""
    out = {word: list(alts) for word, alts in parse(_data().get("words")).items()}
    for name, others in aliases().items():
        out.setdefault(stem(name), []).extend((stem(o),) for o in others if stem(o) != stem(name))
    return {word: tuple(dict.fromkeys(alts)) for word, alts in out.items()}
