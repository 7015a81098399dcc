"""Answers from the index: the entries that match an error text or a few words, why, and how sure.

Ranking is FTS5's BM25 with weights per field, then evidence on top: an error signature found in the
text (exact, or a pattern matched under a time bound), an error concept shared by the text and the
entry (so English error text finds a Chinese-written cause), and a service or technology the text names
that the knowledge base knows. An answer is shown only when the evidence is good enough: a signature of
some length, a shared concept, or words that cover most of what the text says. Otherwise the answer is
"no good match", with the nearest runbooks and services.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import time
from dataclasses import dataclass, field

from generator.search.store import FIELDS, WEIGHTS
from generator.search.tokens import CJK, query_tokens, stem, words

CANDIDATES = 60
MIN_SIGNATURE = 8  # characters: a shorter signature ("502") is a hint, not an answer on its own
MIN_COVERAGE = 0.5  # share of the text's information (idf) an entry must hold to answer on words alone
MIN_COVERAGE_WITH_EVIDENCE = 0.25
MIN_COVERAGE_WITH_SERVICE = 0.1
MIN_COVERAGE_WITH_UMBRELLA = 0.1
MAX_QUERY_TOKENS = 256
BROAD_CONCEPT = 0.25  # share of entries
RELATIVE_FLOOR = 0.4  # of the best answer's score
CONCEPT_BONUS = 1.0  # per error concept the text and the entry share (two at most)
# A name's bonus shrinks with the share of entries whose text holds it: to nothing at half of them, but
# never below NAME_FLOOR of the whole.
NAME_FLOOR = 0.3
NAME_SPREAD = 0.5
MENTIONED_NAME = 0.75  # the bonus for a known name the entry mentions, not its own (1.5)
GENERAL_WEIGHT = 0.5  # of a concept or signature that names only the general case of the text's specific one
TITLE_BONUS = 0.75  # per share of the text's information in the entry's titles and symptoms
CAUSE_SIGNATURE = 0.8  # the weight of a signature only a cause of the problem has
PATTERNS_SECONDS = 2.0  # all regex signatures of one question together
# A past incident informs, the runbook problem it links to is what to act on; a reference row is short, so
# BM25 favours it over the problem that explains the same code.
KIND_WEIGHT = {"incident": 0.8, "reference": 0.9}


@dataclass
class Hit:
    id: int
    kind: str
    doc: str
    anchor: str
    data: dict
    score: float
    tier: str = "words"  # exact | pattern | concept | entity | words
    reasons: list[str] = field(default_factory=list)
    confident: bool = False
    cause: dict | None = None  # the cause the evidence points to, with its commands and verification
    signature_chars: int = 0

    @property
    def commands(self) -> list[dict]:
        if self.cause and self.cause["commands"]:
            return self.cause["commands"]
        return self.data.get("commands", [])


@dataclass
class Answer:
    hits: list[Hit]  # confident answers only, best first
    nearest: list[Hit]  # the best candidates that are not answers, best first
    concepts: list[str] = field(default_factory=list)


class _Known:
    """The words a query's Chinese is cut into: the index's vocabulary and the glossary's, one at a time."""

    def __init__(self, query: Query) -> None:
        self.query = query

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and (term in self.query.translations or self.query._df(term) > 0)


class Query:
    """A text asked of the index, with what the vocabulary (a concepts.Vocabulary) says of it."""

    def __init__(self, db: sqlite3.Connection, text: str, vocabulary, describe=str):
        self.db, self.text = db, text
        self.translations = vocabulary.translations  # glossary word -> its translations, as index tokens
        self.folded = text.casefold()
        self.n = db.execute("SELECT count(*) FROM entries").fetchone()[0] or 1
        self.tag = tag = vocabulary.tag
        implied = vocabulary.implied
        self.concepts = tag(text)
        # A concept that many others imply (permission denied, memory exhausted) is an umbrella: it alone
        # is evidence only with some of the text's words, or any text that says "access denied" would find it.
        self.umbrellas = vocabulary.umbrellas
        # A concept another of the text's concepts implies is the general case of it ("certificate verify
        # failed" for "hostname mismatch"): where the knowledge base has the specific one, sharing only the
        # general one says less. Where it has not, the general one is the bridge (ENOSPC -> disk full).
        self.general = {c for d in self.concepts if self._concept_df(d) for c in implied(d) if c != d}
        # A concept the text names that no entry shares (a product the knowledge base does not cover, like
        # RabbitMQ's ACCESS_REFUSED) still leads to the general concepts it implies, for ranking; but what
        # only it implies is not evidence enough for an answer.
        direct = set(tag(text, related=False))
        unknown = {d for d in direct if not self._concept_df(d)}
        self.bridged = {c for d in unknown for c in implied(d)} - direct - unknown
        self.describe = describe  # concept id -> a short label for the reasons
        self.tokens = self._tokens()
        # The text's English words as written (tokens are stems): a service is named by its exact name, or
        # by another name of the same technology (pg, postgres, postgresql).
        written = [run for run, chinese in words(text) if not chinese]
        aliases = vocabulary.aliases
        self.words = list(dict.fromkeys([*written, *(a for w in written for a in aliases.get(w, ()))]))
        # Those the knowledge base knows as a service, tag or alert of some document, with their stems.
        self.known = {w: stem(w) for w in self.words if self._df(w, "entities")}
        # Each word's translations that the index holds: they find and cover what the word means.
        self.alternatives = {
            t: [alt for alt in self.translations.get(t, ()) if all(self._df(x) for x in alt)] for t in self.tokens
        }
        self.df = {t: self._df(t) for t in self.tokens}
        # For how much of the text an entry covers, a Chinese word counts once: not again as its parts.
        self.cover = [t for t in self.tokens if not any(t != u and t in u for u in self.tokens)]
        # A concept that tags a large share of the entries says little on its own.
        self.broad = {c for c in self.concepts if self._concept_df(c) > BROAD_CONCEPT * self.n}
        # Judging each candidate asks the same of the same words and signatures: answered once per question.
        self._name_weights: dict[str, float] = {}
        self._only_general: dict[str, bool] = {}

    def name_weight(self, word: str) -> float:
        """How much naming this service or tag says: less for one that many entries' text mentions."""
        if word not in self._name_weights:
            df = self._df(stem(word))
            self._name_weights[word] = min(1.0, max(NAME_FLOOR, 1.0 - df / (NAME_SPREAD * self.n)))
        return self._name_weights[word]

    def only_general(self, text: str) -> bool:
        """Whether the concepts a text (a signature as matched) names are all general cases of the question's
        specific ones ("CERTIFICATE_VERIFY_FAILED" where the question says "hostname mismatch")."""
        if text not in self._only_general:
            named = set(self.tag(text)) if self.general else set()
            self._only_general[text] = bool(named) and named <= self.general
        return self._only_general[text]

    def holds(self, tokens: set[str], token: str) -> bool:
        """Whether an entry's tokens hold the question's token, as written or as one of its translations."""
        return token in tokens or any(tokens.issuperset(alt) for alt in self.alternatives[token])

    def _concept_df(self, concept: str) -> int:
        return self._df(concept, "concepts") + self._df(concept, "side_concepts")

    def _df(self, term: str, column: str | None = None) -> int:
        if column:
            row = self.db.execute("SELECT doc FROM vocab_col WHERE term = ? AND col = ?", (term, column)).fetchone()
        else:
            row = self.db.execute("SELECT doc FROM vocab WHERE term = ?", (term,)).fetchone()
        return row[0] if row else 0

    def _known_code(self, term: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM vocab_col WHERE term = ? AND col IN ('codes', 'signatures') LIMIT 1", (term,)
        ).fetchone()
        return row is not None

    def _tokens(self) -> list[str]:
        """Informative tokens: English words (numbers and single letters only when the knowledge base
        knows them as codes), and the known words inside each Chinese run (a lone character, 的 or 了,
        says little: the words around it say it)."""
        out = []
        for token in query_tokens(self.text, _Known(self)):
            if CJK.match(token):
                if len(token) > 1:
                    out.append(token)
            elif not (token.isdigit() or len(token) == 1) or self._known_code(token):
                out.append(token)
        return list(dict.fromkeys(out))[:MAX_QUERY_TOKENS]

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def candidates(self) -> list[tuple[int, float]]:
        terms = [f'"{t}"' for t in self.tokens] + [f'{{concepts side_concepts}}:"{c}"' for c in self.concepts]
        terms += [
            "(" + " AND ".join(f'"{x}"' for x in alt) + ")" for alts in self.alternatives.values() for alt in alts
        ]
        if not terms:
            return []
        weights = ", ".join(str(WEIGHTS[f]) for f in FIELDS)
        rows = self.db.execute(
            f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ? ORDER BY 2 LIMIT ?",
            (" OR ".join(terms), CANDIDATES),
        ).fetchall()
        return [(rowid, -score) for rowid, score in rows]


def answer(db: sqlite3.Connection, text: str, limit: int, vocabulary, describe, timeout) -> Answer:
    q = Query(db, text, vocabulary, describe)
    scores = dict(q.candidates())
    evidence = _signatures(db, text, q.folded, timeout)
    if len(evidence) > CANDIDATES:  # a common signature in many documents: judge the most specific only
        chars = {e: sum(len(s[4]) for s in sigs) for e, sigs in evidence.items()}
        keep = sorted(chars, key=lambda e: (-chars[e], -scores.get(e, 0.0), e))[:CANDIDATES]
        evidence = {e: evidence[e] for e in keep}
    for entry in evidence:
        scores.setdefault(entry, 0.0)
    if not scores:
        return Answer([], [], q.concepts)
    top = max(scores.values()) or 1.0
    hits = []
    rows = {r[0]: r for r in _rows(db, list(scores))}
    for rowid, bm in scores.items():
        _, kind, doc, anchor, data, fields = rows[rowid]
        hit = Hit(rowid, kind, doc, anchor, json.loads(data), bm / top)
        _judge(hit, q, fields, evidence.get(rowid, []))
        hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.id))
    seen: set[tuple[str, str]] = set()
    hits = [h for h in hits if (h.doc, h.anchor) not in seen and not seen.add((h.doc, h.anchor))]
    # An incident whose runbook problem is among the answers is shown under that problem, not again.
    problems = {f"{h.doc}#{h.anchor}" for h in hits if h.kind != "incident" and h.confident}
    hits = [h for h in hits if h.kind != "incident" or not set(h.data.get("refs", [])) & problems]
    confident = [h for h in hits if h.confident]
    # An answer far below the best one is a weak match, not a second answer, unless a signature says so.
    best = confident[0].score if confident else 0.0
    confident = [h for h in confident if h.signature_chars >= MIN_SIGNATURE or h.score >= RELATIVE_FLOOR * best]
    shown = {id(h) for h in confident[:limit]}
    return Answer(confident[:limit], [h for h in hits if id(h) not in shown][:limit], q.concepts)


def incidents_of(db: sqlite3.Connection, hit: Hit) -> list[str]:
    """Incidents that used the hit's runbook, problem or cause."""
    if hit.kind == "incident":
        return []
    targets = [hit.doc, f"{hit.doc}#{hit.anchor}"] + ([f"{hit.doc}#{hit.cause['id']}"] if hit.cause else [])
    rows = db.execute(
        "SELECT DISTINCT e.doc FROM refs r JOIN entries e ON e.id = r.entry WHERE r.target IN (?, ?, ?) ORDER BY 1",
        (*targets, targets[-1])[:3],
    )
    return [r[0] for r in rows]


def _rows(db: sqlite3.Connection, ids: list[int]):
    marks = ",".join("?" * len(ids))
    cols = ", ".join(f"f.{c}" for c in FIELDS)
    for row in db.execute(
        f"SELECT e.id, e.kind, e.doc, e.anchor, e.data, {cols} FROM entries e JOIN fts f ON f.rowid = e.id "
        f"WHERE e.id IN ({marks})",
        ids,
    ):
        yield (*row[:5], dict(zip(FIELDS, row[5:], strict=True)))


def _signatures(db: sqlite3.Connection, text: str, folded: str, timeout) -> dict[int, list[tuple]]:
    """Entries whose error signatures occur in the text: entry -> [(signature, exact|regex, cause, source, shown)]."""
    found: dict[int, list[tuple]] = {}
    lines = text.splitlines() or [text]
    deadline = time.monotonic() + PATTERNS_SECONDS
    for entry, sig, match, cause, source in db.execute("SELECT entry, text, match, cause, source FROM sigs"):
        if match == "exact":
            if sig.casefold() in folded:
                found.setdefault(entry, []).append((sig, match, cause, source, sig))
        elif time.monotonic() < deadline:  # many slow patterns must not add up to a hang either
            shown = timeout(sig, lines)
            if shown is not None:
                found.setdefault(entry, []).append((sig, match, cause, source, shown))
    return found


def _judge(hit: Hit, q: Query, fields: dict[str, str], sigs: list[tuple]) -> None:
    """Score the hit on its evidence, say why it matched, and decide whether it is an answer."""
    entry_tokens = {t for f in FIELDS if f not in ("concepts", "side_concepts", "entities") for t in fields[f].split()}
    entities = set(fields["entities"].split())
    about = set(fields["concepts"].split())
    mentioned = set(fields["side_concepts"].split())
    shared = [c for c in q.concepts if c in about or c in mentioned]
    # A concept the entry is about weighs fully; one it only mentions (a cause among others) half; a general
    # one half again where the knowledge base has the specific one the text names.
    weights = sorted(
        ((1.0 if c in about else 0.5) * (GENERAL_WEIGHT if c in q.general else 1.0) for c in shared), reverse=True
    )
    named = [w for w in q.words if w in entities]
    # A known name the entry's own text mentions ("pod" in a problem of a runbook not tagged pod) says less.
    mentioned_names = [w for w, st in q.known.items() if w not in entities and st in entry_tokens]
    services = [t for t in named if t in {s.lower() for s in hit.data.get("services", [])}]
    matched = [t for t in q.cover if q.holds(entry_tokens, t)]
    total = sum(q.idf(t) for t in q.cover) or 1.0
    coverage = sum(q.idf(t) for t in matched) / total
    # What the problem's own title and symptoms say, more than what its causes and fixes mention.
    titled = set(fields["titles"].split()) | set(fields["symptoms"].split())
    title_coverage = sum(q.idf(t) for t in matched if q.holds(titled, t)) / total
    causes = hit.data.get("causes", [])
    signature_weight = 0.0
    for sig, match, cause, source, shown in sigs:
        where = []
        if 0 <= cause < len(causes):
            where.append(f"cause: {causes[cause]['title']}")
            hit.cause = hit.cause or causes[cause]
        if source:
            where.append(f"seen in {source}")
        label = f'error signature "{sig}"' if match == "exact" else f'pattern /{sig}/ matched "{shown[:120]}"'
        hit.reasons.append(label + (f" ({'; '.join(where)})" if where else ""))
        whole = match == "exact" and sig.casefold() == q.folded.strip()  # typed exactly the signature
        chars = (len(sig) * (3 if whole else 1)) if match == "exact" else min(len(shown), 40)
        hit.signature_chars += chars
        # A signature that names only the general case of what the text names weighs as a general concept does.
        signature_weight += chars * (GENERAL_WEIGHT if q.only_general(shown) else 1.0)
    if sigs:
        hit.tier = "exact" if any(s[1] == "exact" for s in sigs) else "pattern"
    elif shared:
        hit.tier = "concept"
    elif named:
        hit.tier = "entity"
    if shared:
        hit.reasons.append("concept: " + ", ".join(q.describe(c) for c in shared))
    if named:
        hit.reasons.append("names: " + ", ".join(named))
    elif mentioned_names:
        hit.reasons.append("mentions: " + ", ".join(mentioned_names))
    if matched:
        hit.reasons.append("words: " + ", ".join(matched[:12]))
    # A problem's own signature says the text is that problem; a cause's alone, that it is one way into it.
    own = any(s[2] < 0 for s in sigs) or not sigs
    hit.score += (
        min(signature_weight / 20, 2.5) * (1.0 if own else CAUSE_SIGNATURE)
        + CONCEPT_BONUS * sum(weights[:2])
        + 1.5 * max((q.name_weight(w) for w in named), default=0.0)
        + MENTIONED_NAME * bool(mentioned_names and not named)
    )
    # (A reference row's title is the code itself: it would always win.)
    hit.score += coverage + TITLE_BONUS * title_coverage * (hit.kind == "problem")
    hit.score *= KIND_WEIGHT.get(hit.kind, 1.0)
    hit.confident = (
        hit.signature_chars >= MIN_SIGNATURE
        or (hit.signature_chars > 0 and bool(named))  # a short signature ("errored") of the service named
        or any(
            c not in q.broad and c not in q.bridged and (c not in q.umbrellas or coverage >= MIN_COVERAGE_WITH_UMBRELLA)
            for c in shared
        )
        or (bool(shared) and coverage >= MIN_COVERAGE_WITH_EVIDENCE)
        or (bool(named) and coverage >= MIN_COVERAGE_WITH_EVIDENCE and len(matched) >= 2)
        # The service itself named (not one of its tags), with a few of its words: "kafka ... message larger".
        or (bool(services) and coverage >= MIN_COVERAGE_WITH_SERVICE and len(matched) >= 3)
        or coverage >= MIN_COVERAGE
    )
    if hit.cause is None and causes:
        hit.cause = _closest_cause(causes, q.tokens)


def _closest_cause(causes: list[dict], tokens: list[str]) -> dict | None:
    """The cause whose own words share most with the text, when no signature names one."""
    best, best_n = None, 0
    for c in causes:
        folded = c["words"].casefold()
        n = sum(1 for t in tokens if re.search(re.escape(t), folded))
        if n > best_n:
            best, best_n = c, n
    return best
