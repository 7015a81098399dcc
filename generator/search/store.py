"""The search index: one SQLite database with an FTS5 table, kept in step with the files one by one.

A warm run stats the knowledge base's files and compares size and modification time with what the
index holds (and, for files written moments before they were indexed, their content hash). Only files
that changed are loaded again, through the one pipeline (which refuses a knowledge base with errors),
and only their rows are replaced; a deleted file's rows go. The database's name carries the code
fingerprint, the ops dictionary and the knowledge base's own concepts, so a change to any of them
builds a new index.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from generator.core import parallel
from generator.core.errors import Blocked
from generator.core.fingerprint import code_fingerprint

USER_DICT = Path("search/ops-terms.txt")  # the site search's jieba dictionary, relative to the root
CONCEPTS = Path("search/concepts.yaml")  # a knowledge base's own concepts, same shape as the shipped file
MKDOCS_YML = Path("mkdocs.yml")
RACY_NS = 3_000_000_000  # a file this recent when indexed may change again without a new mtime
WEIGHTS = {
    "signatures": 8.0,
    "titles": 5.0,
    # The runbook's title and the problem's group: shared by the runbook's problems, they tell runbooks apart only.
    "context": 1.5,
    "symptoms": 3.0,
    "causes": 3.0,
    "fixes": 1.5,
    "commands": 1.0,
    "body": 0.5,
    "concepts": 4.0,  # what the entry is about: concepts of its titles, signatures and symptoms
    "side_concepts": 1.5,  # what it mentions along the way: concepts only its causes, fixes or notes name
    "entities": 3.0,
    "codes": 4.0,
}
FIELDS = tuple(WEIGHTS)  # the columns, in order

# Fields hold tokens already split (Chinese segmented by jieba): the tokenizer only splits on spaces.
TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '-_'"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INT, mtime_ns INT, digest TEXT, indexed_ns INT);
CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, path TEXT, kind TEXT, doc TEXT, anchor TEXT, data TEXT);
CREATE INDEX IF NOT EXISTS entries_path ON entries(path);
CREATE TABLE IF NOT EXISTS sigs(entry INT, text TEXT, match TEXT, cause INT, source TEXT);
CREATE INDEX IF NOT EXISTS sigs_entry ON sigs(entry);
CREATE TABLE IF NOT EXISTS refs(entry INT, target TEXT);  -- an incident entry -> runbook, runbook#anchor
CREATE TABLE IF NOT EXISTS segments(run TEXT PRIMARY KEY, tokens TEXT);  -- a Chinese run -> jieba's words
CREATE TABLE IF NOT EXISTS lexicon(word TEXT PRIMARY KEY, freq INT) WITHOUT ROWID;  -- jieba's dictionary
CREATE INDEX IF NOT EXISTS refs_target ON refs(target);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5({", ".join(WEIGHTS)}, tokenize="{TOKENIZE}");
CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS vocab_col USING fts5vocab(fts, 'col');
"""


@dataclass
class Opened:
    db: sqlite3.Connection
    rebuilt: list[str]  # files (re)indexed by this call, relative to the root
    removed: list[str]

    def meta(self, key: str):
        return _meta(self.db, key)


def _extras_key(root: Path) -> str:
    h = hashlib.blake2b(code_fingerprint().encode(), digest_size=8)
    for extra in (USER_DICT, CONCEPTS):
        try:
            h.update(extra.as_posix().encode() + b"\0" + (root / extra).read_bytes())
        except OSError:
            h.update(extra.as_posix().encode() + b" missing")
    return h.hexdigest()


def _stats(root: Path) -> dict[str, tuple[int, int]]:
    """Documents of the knowledge base (relative path -> size, mtime); links and special files are left
    to the pipeline, which refuses them."""
    from generator.core.paths import discover

    found = discover([root])
    if found.refused:
        raise Blocked(found.refused)
    out = {}
    start = len(str(root / "_")) - 1  # the paths are root's, joined as Path joins them ("." adds nothing)
    for p in found.paths:
        st = os.stat(p)
        out[p[start:].replace(os.sep, "/")] = (st.st_size, st.st_mtime_ns)
    return out


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def open_store(root: Path, cache_dir: Path) -> Opened:
    """The index of the knowledge base at root, brought up to date first. Raises Blocked when the files
    that changed (or any other file) have findings that `kb validate` rejects."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = f"search-{_extras_key(root)}.sqlite"
    for old in cache_dir.glob("search-*.sqlite*"):
        if not old.name.startswith(name):
            old.unlink(missing_ok=True)  # made by other code, or for another dictionary
    on_disk = _stats(root)  # links and special files refused before anything is written
    created = not (cache_dir / name).exists()
    db = sqlite3.connect(cache_dir / name, isolation_level=None)
    try:
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError:  # a damaged index is rebuilt, never trusted
        db.close()
        (cache_dir / name).unlink(missing_ok=True)
        db = sqlite3.connect(cache_dir / name, isolation_level=None)
        db.executescript(SCHEMA)
    known = {
        p: (s, m, d, i) for p, s, m, d, i in db.execute("SELECT path, size, mtime_ns, digest, indexed_ns FROM files")
    }
    changed = []
    for path, (size, mtime) in on_disk.items():
        old = known.get(path)
        if old is None or old[:2] != (size, mtime):
            changed.append(path)
        elif mtime >= old[3] - RACY_NS and _digest(root / path) != old[2]:
            changed.append(path)  # written in the same clock tick as it was indexed
    removed = sorted(set(known) - set(on_disk))
    site_stamp = _stamp(root / MKDOCS_YML)
    if changed or removed or _meta(db, "site_stamp") != site_stamp:
        try:
            _update(db, root, cache_dir, sorted(changed), removed, on_disk, site_stamp)
        except Blocked:
            db.close()
            if created:  # no index at all rather than an empty one made from a rejected knowledge base
                (cache_dir / name).unlink(missing_ok=True)
            raise
    return Opened(db, sorted(changed), removed)


def _stamp(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _meta(db: sqlite3.Connection, key: str):
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def _update(db, root: Path, cache_dir: Path, changed: list[str], removed: list[str], on_disk, site_stamp) -> None:
    from generator.core import pipeline
    from generator.core.site_config import site_settings
    from generator.search.concepts import cached as cached_concepts
    from generator.search.entries import FIELDS, entries, tokenized
    from generator.search.tokens import partial_segmenter

    user = root / USER_DICT
    user_dict = user if user.is_file() else None
    # Loading jieba's dictionary takes about as long as checking the knowledge base. Runs of Chinese segmented
    # before are read from the index; new ones are cut with the part of jieba's dictionary they need, which the
    # index holds too. Before it does, a forked process loads jieba, segments them and hands its dictionary over.
    known = _known_segments(db, _chinese_runs(root, changed))
    missing = sorted(run for run, tokens in known.items() if tokens is None)
    lexicon = _lexicon(db, missing) if missing else None
    fork = missing and lexicon is None and parallel.can_fork()
    early = parallel.ForkedTask(_segment_runs, missing, user_dict) if fork else None
    prefix = str(root / "_")[:-1]  # root's paths, joined as strings (as discover joins them)
    wanted = {prefix + p for p in changed}
    # Files the index holds unchanged need not be read again: their cached verdicts stand.
    digests = {prefix + p: d for p, d in db.execute("SELECT path, digest FROM files") if p in on_disk}
    result = pipeline.run(root, documents=wanted, cache_dir=cache_dir, digests=digests)
    if result.errors:
        if early:
            early.stop()
        raise Blocked(result.errors)
    docs = {Path(result.corpus.paths[d.id]).relative_to(root).as_posix(): d for d in result.corpus.documents}
    if changed:
        held = {r: t for r, t in known.items() if t is not None}
        fresh, handed = early.wait() if early else ({}, None)
        if lexicon is not None:
            cut_new = partial_segmenter(*lexicon)
            fresh = {run: cut_new(run) for run in missing}
        segmented = {**held, **fresh}
        cut = _segmented(segmented, user_dict)
        extra = root / CONCEPTS
        vocabulary = cached_concepts(extra if extra.is_file() else None, cache_dir)
    now = time.time_ns()
    db.execute("BEGIN IMMEDIATE")
    try:
        for path in [*removed, *changed]:
            ids = [r[0] for r in db.execute("SELECT id FROM entries WHERE path = ?", (path,))]
            db.executemany("DELETE FROM fts WHERE rowid = ?", [(i,) for i in ids])
            db.executemany("DELETE FROM sigs WHERE entry = ?", [(i,) for i in ids])
            db.executemany("DELETE FROM refs WHERE entry = ?", [(i,) for i in ids])
            db.execute("DELETE FROM entries WHERE path = ?", (path,))
            db.execute("DELETE FROM files WHERE path = ?", (path,))
        for path in changed:
            doc = docs.get(path)
            for e in entries(doc, path) if doc is not None else []:
                e.data["path"] = path
                cur = db.execute(
                    "INSERT INTO entries(path, kind, doc, anchor, data) VALUES (?, ?, ?, ?, ?)",
                    (path, e.kind, e.doc, e.anchor, json.dumps(e.data, ensure_ascii=False)),
                )
                fields = tokenized(e, cut, vocabulary.tag)
                db.execute(
                    f"INSERT INTO fts(rowid, {', '.join(FIELDS)}) VALUES (?{', ?' * len(FIELDS)})",
                    (cur.lastrowid, *(fields[f] for f in FIELDS)),
                )
                db.executemany(
                    "INSERT INTO sigs(entry, text, match, cause, source) VALUES (?, ?, ?, ?, ?)",
                    [(cur.lastrowid, *s) for s in e.signatures],
                )
                refs = {r for ref in e.data.get("refs", []) for r in (ref, ref.partition("#")[0])}
                db.executemany("INSERT INTO refs(entry, target) VALUES (?, ?)", [(cur.lastrowid, r) for r in refs])
            size, mtime = on_disk[path]
            db.execute(
                "INSERT INTO files(path, size, mtime_ns, digest, indexed_ns) VALUES (?, ?, ?, ?, ?)",
                (path, size, mtime, _digest(root / path), now),
            )
        if changed:
            new = {r: t for r, t in segmented.items() if r not in held}
            db.executemany("INSERT OR REPLACE INTO segments(run, tokens) VALUES (?, ?)", _segment_rows(new))
            if handed is not None:
                freq, total = handed
                db.execute("DELETE FROM lexicon")
                db.executemany("INSERT INTO lexicon(word, freq) VALUES (?, ?)", freq.items())
                _set(db, "lexicon", [total, max(map(len, freq), default=0)])
        _set(db, "site", site_settings(root / MKDOCS_YML))
        _set(db, "site_stamp", site_stamp)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _chinese_runs(root: Path, changed: list[str]) -> set[str]:
    """The runs of Chinese in the changed files' text."""
    from generator.search.tokens import words

    runs: set[str] = set()
    for rel in changed:
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        runs.update(run for run, chinese in words(text) if chinese)
    return runs


def _known_segments(db, runs: set[str]) -> dict[str, list[str] | None]:
    """Each run with the segmentation the index holds for it, or None."""
    out: dict[str, list[str] | None] = dict.fromkeys(runs)
    if runs and db.execute("SELECT 1 FROM segments LIMIT 1").fetchone():
        for run, tokens in _rows_in(db, "SELECT run, tokens FROM segments WHERE run IN ({})", list(runs)):
            out[run] = tokens.split(" ")
    return out


def _rows_in(db, query: str, keys: list[str]):
    """The rows of a query with one `IN ({})` list, for all the keys, 500 at a time (SQLite's bound)."""
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        yield from db.execute(query.format(",".join("?" * len(chunk))), chunk)


def _segment_runs(runs: list[str], user_dict: Path | None) -> tuple[dict[str, list[str]], tuple[dict[str, int], int]]:
    """Chinese run -> its jieba segmentation; and jieba's dictionary, for the index to keep."""
    from generator.search.tokens import dictionary, segmenter

    cut = segmenter(user_dict)
    return {run: cut(run) for run in runs}, dictionary(user_dict)


def _lexicon(db, runs: list[str]) -> tuple[dict[str, int], int] | None:
    """The entries of jieba's dictionary (as the index holds it) that segmenting the runs looks up, and
    the dictionary's total; None if the index holds no dictionary yet."""
    from generator.search.tokens import substrings

    held = _meta(db, "lexicon")
    if held is None:
        return None
    total, longest = held
    wanted = list(set().union(*(substrings(run, longest) for run in runs)))
    return dict(_rows_in(db, "SELECT word, freq FROM lexicon WHERE word IN ({})", wanted)), total


def _segment_rows(done: dict[str, list[str]]):
    return [(run, " ".join(tokens)) for run, tokens in done.items() if tokens and " " not in "".join(tokens)]


def _segmented(done: dict[str, list[str]], user_dict: Path | None):
    """A segmenter that answers from `done`, and loads jieba here only for a run it does not hold (kept in
    `done`, so that the index keeps it too)."""
    from generator.search.tokens import segmenter

    def cut(run: str) -> list[str]:
        if run not in done:
            done[run] = segmenter(user_dict)(run)
        return done[run]

    return cut


def _set(db, key: str, value) -> None:
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))
