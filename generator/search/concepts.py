"""Error concepts: a reviewed vocabulary that ties raw error text to runbook prose in either language.

The data is `concepts.yaml`, next to this file. Each concept has an id and a family, English and
Chinese terms that a runbook author would write, and case-insensitive regexes that recognise it in
raw error text (errno names and numbers, signals, exit statuses, HTTP statuses, server messages...).
`tag(text)` returns the ids of the concepts a text mentions, by pattern or by term, with the concepts
they imply (`related`) added, transitively; `matches(text)` only those its patterns recognise. A
knowledge base may ship its own file of the same shape: `load(extra)` merges it, adding concepts or
extending the terms and patterns of existing ones.

Tagging runs on queries and on whole runbooks, so it does not run ~1,000 regexes over each text.
Parsing each regex gives its anchor: a literal text every match starts with (most patterns) or
contains. One trie-shaped regex finds where anchors occur in the lowercased text; a pattern is then
tried only there (or, for the few not anchored at their start, searched for once). English terms are
looked up by their first word, Chinese terms by their first two characters.
"""

from __future__ import annotations

import operator
import re
import re._constants as _sre  # the regex parser's node types, to find anchors and risky nesting
import re._parser as _sre_parse
import typing
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA = Path(__file__).with_name("concepts.yaml")

Family = Literal[
    "errno",
    "signal",
    "exit-status",
    "http",
    "systemd",
    "kubernetes",
    "tls",
    "dns",
    "disk",
    "memory",
    "permission",
    "connection",
    "syntax",
    "clock",
    "process-manager",
    "runtime",
]
FAMILIES: tuple[str, ...] = typing.get_args(Family)
Language = Literal["en", "zh"]

# IGNORECASE as the data is written; ASCII so that \b, \w and \d mean what they mean in a log line,
# also next to Chinese text ("返回502" has a word boundary before 502) and without Unicode digits.
FLAGS = re.IGNORECASE | re.ASCII
# Strings no pattern may match: an empty text, a bare number, a lone letter. A pattern that does
# would tag almost any text ("28" must not mean ENOSPC; "errno 28" may).
PROBES = ("", " ", "-", "0", "1", "2", "9", "28", "137", "404", "502", "2024", "a", "e", "i", "x", "I")
MIN_ANCHOR = 3  # an anchor shorter than this filters nothing; such a pattern runs on every text
UMBRELLA = 6  # concepts implying one make it an umbrella
SCAN_BUDGET = 500_000  # characters scanned in Python before the anchor regex is worth compiling

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


class ConceptError(ValueError):
    """A concepts file that cannot be used, located at path:line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """A concept pattern, compiled once per process (the `re` module's own cache holds only 512)."""
    return re.compile(pattern, FLAGS)


# --- regex analysis -----------------------------------------------------------------------------

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT}
_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}


def _anchor_char(code: int) -> str | None:
    """The character as it appears in lowercased text, or None where lowercasing may change it."""
    ch = chr(code)
    if code < 128:
        return ch.lower()
    return ch if ch.lower() == ch == ch.upper() else None


def _best(candidates: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement, roughly: long texts, few alternatives. Any text of at least
    MIN_ANCHOR characters beats a shorter one."""

    def score(c: frozenset[str]) -> tuple[bool, float]:
        shortest = min(map(len, c))
        return shortest >= MIN_ANCHOR, shortest / len(c)

    return max(candidates, key=score, default=None)


def _requirement(items: Sequence[tuple[Any, Any]]) -> tuple[frozenset[str] | None, str | None]:
    """(texts one of which every match contains, lowercased; the exact text if the sequence is literal)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    exact = True

    def flush() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL and (ch := _anchor_char(av)) is not None:
            run.append(ch)
            continue
        if op in _ZERO_WIDTH:  # takes no characters: the literal run goes on across it
            continue
        if op is _sre.SUBPATTERN or op is _sre.ATOMIC_GROUP:
            need, text = _requirement(av[-1] if op is _sre.SUBPATTERN else av)
            if text is not None:
                run.append(text)
                continue
        elif op is _sre.BRANCH:
            parts = [_requirement(alt) for alt in av[1]]
            need = None if any(p[0] is None for p in parts) else frozenset().union(*(p[0] for p in parts))
        elif op in _REPEATS and av[0] >= 1:
            need, text = _requirement(av[2])
            if text is not None and av[0] == av[1] == 1:
                run.append(text)
                continue
        else:
            need = None
        exact = False
        flush()
        if need:
            candidates.append(need)
    literal = "".join(run) if exact else None
    flush()
    return _best(candidates), literal


@cache
def _tree(pattern: str) -> list[tuple[Any, Any]] | None:
    """The regex parser's tree of a pattern; None if the (internal) parser is not usable."""
    try:
        return list(_sre_parse.parse(pattern, FLAGS))
    except Exception:
        return None


_PLAIN = re.compile(r"(?:\\b)?((?:[\w ,;:'\"<>=/@#%&~!-]|\\[-.()\[\]{}/'\":*+?|$^])+?)(?:\\b)?")
_UNESCAPE = re.compile(r"\\(.)")


def _plain(pattern: str) -> str | None:
    """The text of a pattern that is a phrase between optional word boundaries (most are), lowercased."""
    plain = _PLAIN.fullmatch(pattern)
    return _UNESCAPE.sub(r"\1", plain.group(1)).lower() if plain and pattern.isascii() else None


def leading(pattern: str) -> str | None:
    """The text, lowercased, that every match of the pattern starts with (after zero-width assertions
    like \\b), if it is long enough to look for; such a pattern is tried only where that text occurs."""
    text = _plain(pattern)
    if text is None:
        tree = _tree(pattern)
        if tree is None:
            return None
        run: list[str] = []
        for op, av in tree:
            if op is _sre.AT:
                continue
            if op is not _sre.LITERAL or (ch := _anchor_char(av)) is None:
                break
            run.append(ch)
        text = "".join(run)
    return text if len(text) >= MIN_ANCHOR else None


def anchors(pattern: str) -> frozenset[str] | None:
    """Texts, lowercased, one of which occurs in any text the pattern matches; None if there is no
    useful one (the pattern then runs on every text)."""
    text = _plain(pattern)
    if text is not None:
        return frozenset([text]) if len(text) >= MIN_ANCHOR else None
    tree = _tree(pattern)
    if tree is None:
        return None
    need, _ = _requirement(tree)
    if not need or min(map(len, need)) < MIN_ANCHOR:
        return None
    return need


def _repeats_inside(items: Iterable[tuple[Any, Any]]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for op, av in items:
        if op in _REPEATS:
            found.append((av[0], av[1]))
            found += _repeats_inside(av[2])
        elif op is _sre.SUBPATTERN:
            found += _repeats_inside(av[-1])
        elif op is _sre.ATOMIC_GROUP:
            found += _repeats_inside(av)
        elif op is _sre.BRANCH:
            for alt in av[1]:
                found += _repeats_inside(alt)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            found += _repeats_inside(av[1])
    return found


def nesting_risk(pattern: str) -> str | None:
    """Why the pattern may backtrack catastrophically (a repeat of a repeat, one of them unbounded,
    like `(a+)+` or `(\\s*x)*`), or None."""
    tree = _tree(pattern)
    if tree is None:
        return None

    def walk(items: Iterable[tuple[Any, Any]]) -> str | None:
        for op, av in items:
            if op in _REPEATS:
                lo, hi, body = av
                inner = [r for r in _repeats_inside(body) if r[1] > 1]
                if hi > 1 and inner and (hi == _sre.MAXREPEAT or any(r[1] == _sre.MAXREPEAT for r in inner)):
                    return "repeats a group that itself repeats without bound (like (a+)+); this can take forever"
                sub = walk(body)
            elif op is _sre.SUBPATTERN:
                sub = walk(av[-1])
            elif op is _sre.ATOMIC_GROUP:
                sub = walk(av)
            elif op is _sre.BRANCH:
                sub = next((r for alt in av[1] if (r := walk(alt))), None)
            elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
                sub = walk(av[1])
            else:
                sub = None
            if sub:
                return sub
        return None

    return walk(tree)


# --- text normalisation -------------------------------------------------------------------------


_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _words(text: str) -> list[str]:
    """English words of a text for phrase lookup: lowercase ASCII letters and digits."""
    text = text.lower()
    if text.isascii():
        return text.translate(_SEPARATORS).split()
    return _NOT_ALNUM.sub(" ", text).split()


def _squeeze(text: str) -> str:
    """Text for Chinese term lookup: lowercased, without whitespace ("返回 502" = "返回502")."""
    return _SPACES.sub("", text.lower())


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _occurs(term: str, text: str) -> bool:
    """Whether a Chinese term occurs in the (squeezed) text. An end of the term that is a letter or
    digit must not run on into a longer word or number: "退出码 1" is not in "退出码 137"."""
    head, tail = _alnum(term[0]), _alnum(term[-1])
    at = text.find(term)
    while at >= 0:
        end = at + len(term)
        if not (head and at > 0 and _alnum(text[at - 1])) and not (tail and end < len(text) and _alnum(text[end])):
            return True
        at = text.find(term, at + 1)
    return False


@dataclass
class Concept:
    """One concept as tagging uses it: plain data, so a vocabulary loads without the file's validators."""

    id: str
    family: str
    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


def _trie(words: Iterable[str]) -> str:
    """A regex matching any of the words, longest first at each position, shaped as a trie so that
    the engine tries one branch per character instead of every word."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return body + "?" if len(alts) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return emit(root)


class Vocabulary:
    """Concepts, with their terms indexed and their patterns ready to run.

    One regex over the lowercased text finds where the patterns' literal anchors occur. A pattern
    that starts with its anchor is then tried only at those places; another one is searched for in
    the whole text only if one of its anchors occurs. Patterns are compiled the first time they run.
    """

    def __init__(self, concepts: dict[str, Concept]):
        self.concepts = concepts
        self._translations: dict[str, tuple[tuple[str, ...], ...]] | None = None
        self._aliases: dict[str, tuple[str, ...]] | None = None
        self._ids = list(concepts)
        index = {cid: i for i, cid in enumerate(self._ids)}
        self._patterns: list[tuple[str, int]] = []  # (regex, index of its concept)
        self._always: list[int] = []  # patterns without a usable anchor: searched for in every text
        starts: dict[str, list[int]] = {}  # anchor -> patterns that start with it
        within: dict[str, list[int]] = {}  # anchor -> patterns that contain it somewhere
        self._en: dict[str, list[tuple[str, int]]] = {}  # by their first word
        self._zh: dict[str, list[tuple[str, int]]] = {}  # by their first two characters
        for i, c in enumerate(concepts.values()):
            for p in c.patterns:
                k = len(self._patterns)
                self._patterns.append((p, i))
                if (lead := leading(p)) is not None:
                    starts.setdefault(lead, []).append(k)
                elif (need := anchors(p)) is not None:
                    for a in need:
                        within.setdefault(a, []).append(k)
                else:
                    self._always.append(k)
            for term in c.en:
                words = _words(term)
                self._en.setdefault(words[0], []).append((" " + " ".join(words) + " ", i))
            for term in c.zh:
                squeezed = _squeeze(term)
                self._zh.setdefault(squeezed[:2], []).append((squeezed, i))
        # The anchor regex reports the longest anchor at a position: the anchors that are its
        # prefixes start there too.
        self._at: dict[str, tuple[list[int], list[int]]] = {}
        for a in starts.keys() | within.keys():
            prefixes = [a[:n] for n in range(MIN_ANCHOR, len(a) + 1)]
            self._at[a] = (
                sorted({k for b in prefixes for k in starts.get(b, ())}),
                sorted({k for b in prefixes for k in within.get(b, ())}),
            )
        # Anchors by their first MIN_ANCHOR characters, longest first: a short text is scanned with these.
        self._by_head: dict[str, list[str]] = {}
        for a in sorted(self._at, key=len, reverse=True):
            self._by_head.setdefault(a[:MIN_ANCHOR], []).append(a)
        self._scanned = 0  # characters scanned without the regex so far, in this process
        self._anchor_rx: re.Pattern[str] | None = None
        self._closure = [tuple(sorted(index[r] for r in self.implied(cid))) for cid in self._ids]
        # Umbrella concepts: the general case of many others (permission denied, memory exhausted).
        implying = Counter(self._ids[j] for i, closure in enumerate(self._closure) for j in closure if j != i)
        self.umbrellas = frozenset(c for c, n in implying.items() if n >= UMBRELLA)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_anchor_rx": None, "_scanned": 0}  # a pickle holds no compiled regex

    def _anchors_in(self, lowered: str) -> Iterator[tuple[int, str]]:
        """(position, the longest anchor there) for every position where an anchor occurs.

        Compiling the anchors' trie regex takes longer than a query takes to answer, so texts are first
        scanned in Python, a dictionary lookup per character; once a process has scanned enough text to
        have paid for the compilation (building an index), it compiles the regex and uses it."""
        if self._scanned < SCAN_BUDGET:
            self._scanned += len(lowered)
            heads = self._by_head
            for pos in range(len(lowered) - MIN_ANCHOR + 1):
                for a in heads.get(lowered[pos : pos + MIN_ANCHOR], ()):
                    if lowered.startswith(a, pos):
                        yield pos, a
                        break
            return
        if self._anchor_rx is None:
            self._anchor_rx = re.compile(_trie(self._at))
        search, pos = self._anchor_rx.search, 0
        while (m := search(lowered, pos)) is not None:
            pos = m.start()
            yield pos, m.group()
            pos += 1

    def _by_patterns(self, text: str, lowered: str) -> set[int]:
        found: set[int] = set()
        search_all = set(self._always)
        aligned = len(lowered) == len(text)  # lowercasing kept every character's place
        if self._at:
            at = self._at
            for pos, anchor in self._anchors_in(lowered):
                here, elsewhere = at[anchor]
                for k in here:
                    pattern, i = self._patterns[k]
                    if i in found:
                        continue
                    if not aligned:
                        search_all.add(k)
                    elif compiled(pattern).match(text, pos):
                        found.add(i)
                search_all.update(elsewhere)
        for k in search_all:
            pattern, i = self._patterns[k]
            if i not in found and compiled(pattern).search(text):
                found.add(i)
        return found

    def matches(self, text: str) -> list[str]:
        """Ids of the concepts whose patterns match the text (sorted): recognition of raw error text
        only, without terms or related concepts."""
        return sorted(self._ids[i] for i in self._by_patterns(text, text.lower()))

    def tag(self, text: str, *, related: bool = True) -> list[str]:
        """Ids of the concepts the text mentions (sorted), by pattern or by term, with what they imply."""
        lowered = text.lower()
        found = self._by_patterns(text, lowered)
        words = _words(lowered)
        normal = " " + " ".join(words) + " "
        for word in self._en.keys() & set(words):
            for phrase, i in self._en[word]:
                if i not in found and phrase in normal:
                    found.add(i)
        if not text.isascii():
            squeezed = _squeeze(lowered)
            pairs = set(map(operator.add, squeezed, squeezed[1:])) if len(self._zh) > 64 else self._zh.keys()
            for pair in self._zh.keys() & pairs:
                for term, i in self._zh[pair]:
                    if i not in found and term in squeezed and _occurs(term, squeezed):
                        found.add(i)
        if related:
            found = {j for i in found for j in self._closure[i]}
        return sorted(self._ids[i] for i in found)

    @property
    def translations(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The glossary's word -> translations (see glossary.py), read once and pickled with the concepts."""
        if self._translations is None:
            from generator.search.glossary import translations

            self._translations = translations()
        return self._translations

    @property
    def aliases(self) -> dict[str, tuple[str, ...]]:
        """The glossary's technology name -> its other names, read once and pickled with the concepts."""
        if self._aliases is None:
            from generator.search.glossary import aliases

            self._aliases = aliases()
        return self._aliases

    def implied(self, concept_id: str) -> set[str]:
        """The concept and every concept it implies through `related`, transitively (cycles are fine)."""
        seen = {concept_id}
        todo = [concept_id]
        while todo:
            for r in self.concepts[todo.pop()].related:
                if r not in seen:
                    seen.add(r)
                    todo.append(r)
        return seen

    def terms(self, concept_id: str, language: Language) -> list[str]:
        """The concept's terms in a language ('en' or 'zh'); KeyError for an unknown concept."""
        if language not in ("en", "zh"):
            raise ValueError(f"language must be 'en' or 'zh', not {language!r}")
        return list(getattr(self.concepts[concept_id], language))

    def family(self, concept_id: str) -> str:
        return self.concepts[concept_id].family


def load(extra: Path | None = None, *, verify: bool = False) -> Vocabulary:
    """The shipped concepts merged with a knowledge base's own file, checked (see concept_file.load)."""
    from generator.search import concept_file

    return concept_file.load(extra, verify=verify)


def cached(extra: Path | None, cache_dir: Path) -> Vocabulary:
    """load(extra), kept in cache_dir between runs: a warm `kb diagnose` neither parses nor validates the
    files again. The cache's name carries the code fingerprint and the extra file's content. Within one
    process it is read once (unpickling compiles its regexes again)."""
    key = (extra, cache_dir, extra.stat().st_mtime_ns if extra is not None else 0)
    if key not in _READ:
        _READ.clear()
        _READ[key] = _cached(extra, cache_dir)
    return _READ[key]


_READ: dict[tuple, Vocabulary] = {}


def _cached(extra: Path | None, cache_dir: Path) -> Vocabulary:
    import hashlib
    import pickle

    from generator.core.fingerprint import code_fingerprint

    h = hashlib.blake2b(code_fingerprint().encode(), digest_size=8)
    if extra is not None:
        h.update(extra.read_bytes())
    path = cache_dir / f"concepts-{h.hexdigest()}.pickle"
    try:
        with path.open("rb") as f:
            vocabulary = pickle.load(f)  # our own file, written below by this same code
        if isinstance(vocabulary, Vocabulary):
            return vocabulary
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass
    vocabulary = load(extra)
    vocabulary.translations, vocabulary.aliases  # noqa: B018 -- read now, so that the pickle holds them
    try:
        from generator.core.fsio import write_file

        for old in cache_dir.glob("concepts-*.pickle"):
            old.unlink(missing_ok=True)
        write_file(path, pickle.dumps(vocabulary), root=cache_dir)
    except OSError:
        pass  # no cache: the next run loads the files again
    return vocabulary


def __getattr__(name: str):
    """The file's model and errors, from concept_file, imported only when asked for."""
    if name in ("ConceptFile", "ConceptEntry"):
        from generator.search import concept_file

        return getattr(concept_file, name)
    raise AttributeError(name)


@cache
def default() -> Vocabulary:
    """The shipped vocabulary, loaded once per process."""
    return load()


def tag(text: str, *, related: bool = True) -> list[str]:
    """Ids of the shipped concepts that a text (an error, a log excerpt, runbook prose) mentions."""
    return default().tag(text, related=related)


def terms(concept_id: str, language: Language) -> list[str]:
    """A shipped concept's terms in 'en' or 'zh'."""
    return default().terms(concept_id, language)
