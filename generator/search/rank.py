"""Ranking: words (BM25) for `kb search`; error signatures first, then words, for `kb diagnose`."""

from __future__ import annotations

import heapq
import math
import sys
import time
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.core import patterns
from generator.search.index import Index
from generator.search.tokens import query_tokens

K1, B = 1.2, 0.75
# A problem with many causes is long because it is thorough, not because it is off the subject: its
# length counts against it up to this many times the average, no more.
MAX_LENGTH_RATIO = 2.0
TIERS = {"exact": 2, "pattern": 1, "words": 0}
# All regex signatures of one `kb diagnose` together: past this, the rest are not tried (and that is said),
# so that many slow patterns cannot add up to a hang either.
PATTERNS_SECONDS = 2.0


@dataclass
class Hit:
    entry: dict
    tier: str  # exact | pattern | words
    score: float  # the words' BM25 score
    reasons: list[str] = field(default_factory=list)
    matched: int = 0  # characters of error signatures matched: more specific evidence ranks higher
    via: int | None = None  # the cause a matched signature points to, if any

    @property
    def commands(self) -> list[dict]:
        """First commands: the matched cause's own checks and fixes when there is one."""
        if self.via is not None and self.entry["cause_commands"][self.via]:
            return self.entry["cause_commands"][self.via]
        return self.entry["commands"]


def bm25(index: Index, tokens: list[str]) -> dict[int, float]:
    scores: dict[int, float] = {}
    if not index.size:
        return scores
    n, avgdl = index.size, index.header["avgdl"] or 1.0
    lengths = index.lengths()
    for tok in dict.fromkeys(tokens):
        if tok not in index.vocabulary:
            continue
        ids, tfs = index.postings(tok)
        idf = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
        for i, tf in zip(ids, tfs, strict=True):
            norm = tf + K1 * (1 - B + B * min(lengths[i] / avgdl, MAX_LENGTH_RATIO))
            scores[i] = scores.get(i, 0.0) + idf * tf * (K1 + 1) / norm
    return scores


def _words_matched(index: Index, i: int, tokens: list[str]) -> list[str]:
    """The query's words that entry i contains (postings are sorted by entry number)."""
    out = []
    for tok in dict.fromkeys(tokens):
        if tok in index.vocabulary:
            ids, _ = index.postings(tok)
            j = bisect_left(ids, i)
            if j < len(ids) and ids[j] == i:
                out.append(tok)
    return out


def search(index: Index, query: str, limit: int = 10) -> list[Hit]:
    tokens = query_tokens(query, index.vocabulary)
    scores = bm25(index, tokens)
    top = heapq.nsmallest(limit, scores, key=lambda i: (-scores[i], i))
    return [
        Hit(index.entry(i), "words", scores[i], [f"words: {', '.join(_words_matched(index, i, tokens))}"]) for i in top
    ]


@dataclass
class _Evidence:
    """What matched in one entry, kept cheap: entries are read only for the results shown."""

    tier: str = "words"
    matched: int = 0
    via: int | None = None
    found: list[tuple[str, str, int]] = field(default_factory=list)  # (shown, signature, cause)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def diagnose(index: Index, text: str, limit: int = 5, warn: Callable[[str], None] = _warn) -> list[Hit]:
    """Entries whose error signatures occur in the text (exact, then patterns), then by words.

    A regex signature gets at most patterns.MATCH_SECONDS over the whole text; one that runs out counts
    as no match, and `warn` gets one line naming it (on standard error by default)."""
    evidence: dict[int, _Evidence] = {}
    folded = text.casefold()
    lines = text.splitlines() or [text]
    deadline = time.monotonic() + PATTERNS_SECONDS
    skipped = 0
    for sig, match, postings in index.header["sigs"]:
        if match == "exact":
            if sig.casefold() not in folded:
                continue
            tier, shown = "exact", f'error signature "{sig}"'
        else:
            if time.monotonic() > deadline:
                skipped += 1
                continue
            try:
                found = _regex(sig, lines)
            except patterns.Slow as exc:
                warn(f"{exc} (kb validate checks patterns)")
                continue
            if found is None:
                continue
            tier, shown = "pattern", f'pattern /{sig}/ matched "{found}"'
        for i, via in postings:
            ev = evidence.get(i)
            if ev is None:
                ev = evidence[i] = _Evidence(tier)
            elif TIERS[tier] > TIERS[ev.tier]:
                ev.tier = tier
            ev.matched += len(sig)
            if via >= 0 and ev.via is None:
                ev.via = via
            ev.found.append((shown, sig, via))
    if skipped:
        warn(f"{skipped} regex signature(s) not tried: the patterns' time ({PATTERNS_SECONDS:g} s) was spent")
    tokens = query_tokens(text, index.vocabulary)
    scores = bm25(index, tokens)
    for i in heapq.nsmallest(limit, scores, key=lambda i: (-scores[i], i)):
        evidence.setdefault(i, _Evidence())
    used_by = index.used_by()

    def order(i: int) -> tuple:
        """Signatures before words; among equal signature evidence, the problem incidents ran into first."""
        ev = evidence[i]
        used = used_by[i] if ev.tier != "words" else 0
        return (-TIERS[ev.tier], -ev.matched, -used, -scores.get(i, 0.0), i)

    out = []
    for i in heapq.nsmallest(limit, evidence, key=order):
        ev, entry = evidence[i], index.entry(i)
        reasons = [shown + _where(entry, sig, via) for shown, sig, via in ev.found]
        if ev.tier == "words":
            reasons.append(f"words: {', '.join(_words_matched(index, i, tokens))}")
        out.append(Hit(entry, ev.tier, scores.get(i, 0.0), reasons, ev.matched, ev.via))
    return out


def _where(entry: dict, sig: str, via: int) -> str:
    """Which cause the signature points to, and where it shows up."""
    source = next((s[3] for s in entry["sigs"] if s[0] == sig and s[2] == via and s[3]), "")
    parts = [f"cause: {entry['causes'][via]}"] if via >= 0 else []
    if source:
        parts.append(f"seen in {source}")
    return f" ({'; '.join(parts)})" if parts else ""


def _regex(pattern: str, lines: list[str]) -> str | None:
    """The first text a signature's regular expression matches, line by line, within
    patterns.MATCH_SECONDS (else patterns.Slow). A pattern `kb validate` rejects never matches."""
    m = patterns.search(pattern, lines)
    return m.group(0)[:120] if m else None
