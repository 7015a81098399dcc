"""Regular expressions from the knowledge base: checked once, matched with a bound on time.

Error signatures (`match: regex`), parameter `pattern`s and `expect.regex` are written by
contributors and matched against text nobody controls (a pasted log). Python's `re` can backtrack for
minutes on a one-line input (`(a+)+$` on thirty a's and a '!') and cannot be interrupted, so every
match goes through the `regex` module, whose `timeout=` stops it: a match that runs out of time counts
as no match, and the caller says which pattern it was. `kb validate` compiles each pattern
(`problem`) and runs it on probe strings made from its own repeated parts (`backtracking`), so a
pattern that backtracks catastrophically is an error before anyone pastes a log.

Patterns are written in the syntax of Python's `re` (which is also what `regex` reads in its default,
compatible mode). `re`'s parser, which builds no matcher, is used to refuse patterns whose repeat
counts would make the matcher huge (`(?:a{65535}){65535}` exhausts memory in `regex.compile`) and to
build the probes.
"""

from __future__ import annotations

import re
import re._constants as _sre  # re's parser: a syntax tree without building a matcher
import re._parser as _sre_parse
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import regex

MAX_LENGTH = 1000  # characters; a signature longer than this is a mistake, or an attack
MAX_SIZE = 100_000  # characters a pattern may need at most, counting each repeat's upper bound
MATCH_SECONDS = 0.25  # one pattern over one text, all its lines, in `kb diagnose`
PROBE_SECONDS = 0.2  # one probe in `kb validate`: sound patterns take under 50 ms, runaway ones seconds
PROBE_BUDGET = 1.0  # all the probes of one pattern together
PROBE_LENGTH = 1000  # characters pumped into a probe: a long log line
_MAX_PROBES = 40

INVALID = "is not a valid regular expression"  # how `problem` starts a syntax error
_PARAM = re.compile(r"\$\{[A-Z][A-Z0-9_]*\}")  # ${NAME} in expect.regex: the value, escaped, goes there


class Slow(Exception):
    """A match ran out of time. It counts as no match; the message names the pattern, on one line."""

    def __init__(self, pattern: str, seconds: float):
        self.pattern, self.seconds = pattern, seconds
        super().__init__(f"pattern {shown(pattern)} took longer than {seconds:g} s and counts as no match")


def shown(pattern: str, width: int = 60) -> str:
    """The pattern as a message shows it: /…/, on one line, cut to `width` characters."""
    text = pattern.encode("unicode_escape").decode("ascii") if not pattern.isprintable() else pattern
    return f"/{text if len(text) <= width else text[: width - 1] + '…'}/"


def fill_parameters(pattern: str) -> str:
    """expect.regex with each ${NAME} replaced by a literal, as scripts replace it by the escaped value."""
    return _PARAM.sub("x", pattern)


@lru_cache(maxsize=4096)
def problem(pattern: str) -> str | None:
    """Why the pattern cannot be used (not valid, too long, too big), or None."""
    if len(pattern) > MAX_LENGTH:
        return f"is {len(pattern):,} characters long, over the limit of {MAX_LENGTH:,}"
    try:
        tree = _sre_parse.parse(pattern)
    except re.error as exc:
        where = f" at character {exc.pos + 1}" if exc.pos is not None else ""
        return f"{INVALID}: {exc.msg}{where}"
    except (RecursionError, OverflowError, ValueError):
        return "is nested too deeply to read"
    try:
        size = _size(list(tree))
    except RecursionError:
        return "is nested too deeply to read"
    if size > MAX_SIZE:
        return f"repeats too much: it could need {size:,} characters, over the limit of {MAX_SIZE:,}"
    try:
        regex.compile(pattern)
    except (regex.error, MemoryError, OverflowError, RecursionError) as exc:
        return f"{INVALID}: {exc}"
    return None


@lru_cache(maxsize=4096)
def compiled(pattern: str) -> regex.Pattern[str] | None:
    """The compiled pattern, or None when `problem` says it cannot be used (it then never matches)."""
    if problem(pattern) is not None:
        return None
    return regex.compile(pattern)


def search(pattern: str, lines: Iterable[str], seconds: float = MATCH_SECONDS) -> regex.Match[str] | None:
    """The first match in the lines, in order, all of them within `seconds`. Raises Slow when the time
    runs out; None when nothing matches or the pattern cannot be used."""
    rx = compiled(pattern)
    if rx is None:
        return None
    deadline = time.monotonic() + seconds
    for line in lines:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Slow(pattern, seconds)
        try:
            m = rx.search(line, timeout=left)
        except TimeoutError:
            raise Slow(pattern, seconds) from None
        if m:
            return m
    return None


def fullmatch(pattern: str, text: str, seconds: float = MATCH_SECONDS) -> regex.Match[str] | None:
    """The match of the whole text (a parameter value against its pattern) within `seconds`. Raises Slow
    when the time runs out; None when it does not match or the pattern cannot be used."""
    rx = compiled(pattern)
    if rx is None:
        return None
    try:
        return rx.fullmatch(text, timeout=seconds)
    except TimeoutError:
        raise Slow(pattern, seconds) from None


@lru_cache(maxsize=4096)
def backtracking(pattern: str) -> str | None:
    """Why the pattern would hang a match (it took over PROBE_SECONDS on a probe), or None. Only for a
    pattern `problem` accepts."""
    rx = compiled(pattern)
    if rx is None:
        return None
    spent = 0.0
    for probe in _probes(pattern):
        started = time.monotonic()
        try:
            rx.search(probe, timeout=PROBE_SECONDS)
        except TimeoutError:
            return (
                f"backtracks catastrophically: over {PROBE_SECONDS:g} s on a {len(probe):,}-character probe "
                f"{_probe_shown(probe)}"
            )
        spent += time.monotonic() - started
        if spent > PROBE_BUDGET:
            break  # each probe is quick, many of them are not a hang: no verdict
    return None


def _probe_shown(probe: str) -> str:
    head = probe[:12].encode("unicode_escape").decode("ascii")
    return f'"{head}…"'


# --- what a pattern needs ---------------------------------------------------------------------------

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT}


def _size(items: list[tuple[Any, Any]]) -> int:
    """Characters the pattern may take at most, counting an unbounded repeat as its lower bound plus
    one: what its matcher has to be ready for."""
    total = 0
    for op, av in items:
        if op in _REPEATS:
            lo, hi, body = av
            total += max(lo, 1 if hi == _sre.MAXREPEAT else hi) * max(_size(list(body)), 1)
        elif op is _sre.SUBPATTERN:
            total += _size(list(av[-1]))
        elif op is _sre.ATOMIC_GROUP:
            total += _size(list(av))
        elif op is _sre.BRANCH:
            total += max((_size(list(alt)) for alt in av[1]), default=0)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            total += _size(list(av[1]))
        elif op is _sre.GROUPREF_EXISTS:
            total += max(_size(list(av[1])), _size(list(av[2])) if av[2] else 0)
        else:
            total += 1
        if total > MAX_SIZE:
            return total
    return total


# --- probes -----------------------------------------------------------------------------------------

# Characters tried for a class, in order: the first one the class holds stands for it.
_CANDIDATES = "a1 A_-./:x!~\t=,;@#é\x01"
_FAILS = ("\x00", "\n")  # what ends a probe: characters a pattern rarely expects, so the match fails


def _probes(pattern: str) -> Iterator[str]:
    """Strings that make a backtracking pattern fail slowly: for each repeat, what comes before it,
    its body many times over, then a character that does not fit. Then runs of single characters."""
    seen: set[str] = set()
    try:
        tree = list(_sre_parse.parse(pattern))
        pumps = list(_pumps(tree, ""))
    except (re.error, RecursionError):
        pumps = []
    chars = dict.fromkeys([*(c for c in pattern if c.isprintable() and not c.isspace()), *"a1 A"])
    runs = [("", c) for c in chars]
    for prefix, unit in [*pumps, *runs]:
        if not unit:
            continue
        body = unit * (PROBE_LENGTH // len(unit) + 1)
        for end in _FAILS:
            probe = prefix + body[:PROBE_LENGTH] + end
            if probe not in seen:
                seen.add(probe)
                yield probe
                if len(seen) >= _MAX_PROBES:
                    return


def _pumps(items: list[tuple[Any, Any]], prefix: str) -> Iterator[tuple[str, str]]:
    """(text before, body of the repeat) for each unbounded or long repeat, outermost first."""
    for i, (op, av) in enumerate(items):
        if op in _REPEATS:
            lo, hi, body = av
            if hi == _sre.MAXREPEAT or hi > 16:
                yield prefix, _witness(list(body), every=False)
                yield prefix, _witness(list(body), every=True)
            yield from _pumps(list(body), prefix)
        elif op is _sre.SUBPATTERN:
            yield from _pumps(list(av[-1]), prefix)
        elif op is _sre.ATOMIC_GROUP:
            yield from _pumps(list(av), prefix)
        elif op is _sre.BRANCH:
            for alt in av[1]:
                yield from _pumps(list(alt), prefix)
        prefix += _witness([(op, av)], every=False)
        if i > 50:
            return


def _witness(items: list[tuple[Any, Any]], every: bool) -> str:
    """A short text the items match. `every`: each alternative of a branch in turn, so that a repeat
    of `(a|b|ab)` is pumped with text that can be split several ways."""
    out: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            out.append(chr(av))
        elif op is _sre.NOT_LITERAL:
            out.append("b" if chr(av) == "a" else "a")
        elif op is _sre.ANY:
            out.append("a")
        elif op is _sre.IN:
            out.append(_member(av))
        elif op in _REPEATS:
            lo, _, body = av
            out.append(_witness(list(body), every) * min(lo, 16))
        elif op is _sre.SUBPATTERN:
            out.append(_witness(list(av[-1]), every))
        elif op is _sre.ATOMIC_GROUP:
            out.append(_witness(list(av), every))
        elif op is _sre.BRANCH:
            alts = av[1] if every else av[1][:1]
            out.append("".join(_witness(list(alt), every) for alt in alts))
        elif op is _sre.GROUPREF_EXISTS:
            out.append(_witness(list(av[1]), every))
        # AT, ASSERT, ASSERT_NOT, GROUPREF: no text of their own
    return "".join(out)[:PROBE_LENGTH]


def _member(items: list[tuple[Any, Any]]) -> str:
    """A character of the class: its first literal, or the first candidate it holds."""
    negate = any(op is _sre.NEGATE for op, _ in items)
    if not negate:
        for op, av in items:
            if op is _sre.LITERAL:
                return chr(av)
            if op is _sre.RANGE:
                return chr(av[0])
    for c in _CANDIDATES:
        if _holds(items, c) != negate:
            return c
    return "a"


def _holds(items: list[tuple[Any, Any]], c: str) -> bool:
    code = ord(c)
    for op, av in items:
        if op is _sre.LITERAL and av == code:
            return True
        if op is _sre.RANGE and av[0] <= code <= av[1]:
            return True
        if op is _sre.CATEGORY and _CATEGORY.get(av, lambda _: False)(c):
            return True
    return False


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


_CATEGORY = {
    _sre.CATEGORY_DIGIT: str.isdigit,
    _sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    _sre.CATEGORY_SPACE: str.isspace,
    _sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    _sre.CATEGORY_WORD: _word,
    _sre.CATEGORY_NOT_WORD: lambda c: not _word(c),
}
