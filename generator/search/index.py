"""The search index on disk: built from the YAML, reused while the files stay the same.

A warm run stats the knowledge base's files, compares their fingerprint (path, size, mtime) with the
one stored in the index, and reads the index: one file, a JSON header and binary postings. Files
written within a few seconds of being indexed are also checked by content hash, because a second
edit in the same timestamp tick would leave size and mtime unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import time
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import Blocked
from generator.core.fingerprint import code_fingerprint
from generator.core.site_config import site_settings

MAGIC = b"KBFIND1\n"
FOLDERS = ("incidents", "runbooks")
USER_DICT = Path("search/ops-terms.txt")  # the site search's jieba dictionary, relative to the root
MKDOCS_YML = Path("mkdocs.yml")  # where the site's URLs come from
RACY_NS = 3_000_000_000  # files this recent when indexed may change again without a new mtime
# A change to any of these changes what an index holds, so it is part of the cache's name.


@dataclass
class Stat:
    path: str  # relative to the root, with '/'
    size: int
    mtime_ns: int


def scan(root: Path) -> list[Stat]:
    """The YAML files of the knowledge base, with size and mtime, sorted by path."""
    out: list[Stat] = []
    stack = [(root / d, d) for d in FOLDERS if (root / d).is_dir()]
    while stack:
        folder, rel = stack.pop()
        with os.scandir(folder) as it:
            for e in it:
                if e.is_dir():
                    stack.append((Path(e.path), f"{rel}/{e.name}"))
                elif e.name.endswith((".yaml", ".yml")) and e.is_file():
                    st = e.stat()
                    out.append(Stat(f"{rel}/{e.name}", st.st_size, st.st_mtime_ns))
    return sorted(out, key=lambda s: s.path)


def fingerprint(stats: list[Stat], root: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    for s in stats:
        h.update(f"{s.path}\0{s.size}\0{s.mtime_ns}\n".encode())
    for extra in (USER_DICT, MKDOCS_YML):
        if (root / extra).is_file():
            st = (root / extra).stat()
            h.update(f"{extra}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def code_version() -> str:
    return code_fingerprint()


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@dataclass
class Index:
    header: dict
    data: memoryview
    _entries: dict[int, dict] = field(default_factory=dict)

    def _section(self, name: str, typecode: str, start: int = 0, count: int | None = None) -> array:
        off, length = self.header["sections"][name]
        size = array(typecode).itemsize
        end = off + length if count is None else off + (start + count) * size
        a = array(typecode)
        a.frombytes(self.data[off + start * size : end])
        return a

    @property
    def size(self) -> int:
        return self.header["count"]

    @property
    def vocabulary(self) -> dict[str, list[int]]:
        return self.header["vocab"]

    def postings(self, token: str) -> tuple[array, array]:
        """Entry numbers holding the token, and the token's weighted count in each."""
        off, df = self.header["vocab"][token]
        return self._section("ids", "I", off, df), self._section("tfs", "H", off, df)

    def lengths(self) -> array:
        return self._section("lengths", "I")

    def used_by(self) -> array:
        """How many incidents used each entry's problem or runbook."""
        return self._section("used_by", "H")

    def entry(self, i: int) -> dict:
        if i not in self._entries:
            offsets = self._section("offsets", "Q", i, 2)
            base = self.header["sections"]["entries"][0]
            self._entries[i] = json.loads(bytes(self.data[base + offsets[0] : base + offsets[1]]))
        return self._entries[i]


@dataclass
class Built:
    index: Index
    rebuilt: bool
    errors: list[str]  # files left out because they do not load; `kb validate` says why


def open_index(root: Path, cache_dir: Path) -> Built:
    """The index of the knowledge base under root, rebuilt first if any file changed."""
    version = code_version()
    file = cache_dir / f"find-{version}.bin"
    stats = scan(root)
    fp = fingerprint(stats, root)
    index = _read(file)
    if index is not None and index.header["files"] == fp and _racy_unchanged(root, file, fp, stats):
        return Built(index, False, index.header["errors"])
    return _build(root, cache_dir, version, stats, fp)


def _racy_file(index_file: Path) -> Path:
    return index_file.with_suffix(".racy.json")


def _racy_unchanged(root: Path, index_file: Path, fp: str, stats: list[Stat]) -> bool:
    """Files indexed moments after they were written still hold what was indexed (by content hash).

    Once such a file is old enough that a new write would change its mtime, it is dropped from the
    list, so the hashing is paid once, not on every run."""
    try:
        racy = json.loads(_racy_file(index_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if racy.get("files") != fp:
        return False
    if not racy["hashes"]:
        return True
    for rel, digest in racy["hashes"].items():
        try:
            if _digest((root / rel).read_bytes()) != digest:
                return False
        except OSError:
            return False
    settled = time.time_ns() - RACY_NS
    mtimes = {s.path: s.mtime_ns for s in stats}
    left = {rel: d for rel, d in racy["hashes"].items() if mtimes.get(rel, settled) >= settled}
    if left != racy["hashes"]:
        _atomic(_racy_file(index_file), json.dumps({"files": fp, "hashes": left}).encode())
    return True


def _read(file: Path) -> Index | None:
    try:
        raw = file.read_bytes()
    except OSError:
        return None
    if not raw.startswith(MAGIC):
        return None
    try:
        (n,) = struct.unpack_from("<Q", raw, len(MAGIC))
        start = len(MAGIC) + 8
        header = json.loads(raw[start : start + n])
    except (struct.error, ValueError):
        return None  # a damaged cache is rebuilt, never trusted
    return Index(header, memoryview(raw)[start + n :])


def _build(root: Path, cache_dir: Path, version: str, stats: list[Stat], fp: str) -> Built:
    per_file_path = cache_dir / f"find-files-{version}.json"
    try:
        per_file: dict[str, dict | None] = json.loads(per_file_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        per_file = {}
    now = time.time_ns()
    racy: dict[str, str] = {}
    keys: list[str] = []
    cut = None
    from generator.core import pipeline  # the documents come from the one pipeline, checked

    result = pipeline.run(root)
    if result.errors:
        raise Blocked(result.errors)
    docs = {
        Path(p).relative_to(root).as_posix(): result.corpus.runbooks.get(i) or result.corpus.incidents[i]
        for i, p in result.corpus.paths.items()
    }
    for s in stats:
        try:
            raw = (root / s.path).read_bytes()
        except OSError:
            continue
        digest = _digest(raw)
        if s.mtime_ns >= now - RACY_NS:
            racy[s.path] = digest
        key = f"{s.path}\0{digest}"
        keys.append(key)
        if key not in per_file:
            if cut is None:
                from generator.search.extract import extract
                from generator.search.tokens import segmenter

                user = root / USER_DICT
                cut = segmenter(user if user.is_file() else None)
            per_file[key] = extract(docs[s.path], s.path, cut) if s.path in docs else None
    parts = {k: per_file[k] for k in keys}
    header, sections = _assemble(parts)
    header.update(files=fp, site=site_settings(root / MKDOCS_YML))
    _write(cache_dir, version, per_file_path, parts, header, sections)
    _atomic(_racy_file(cache_dir / f"find-{version}.bin"), json.dumps({"files": fp, "hashes": racy}).encode())
    index = _read(cache_dir / f"find-{version}.bin")
    assert index is not None
    return Built(index, True, header["errors"])


def _assemble(parts: dict[str, dict | None]) -> tuple[dict, dict[str, bytes]]:
    """Postings, entry texts and signatures from the per-file parts."""
    errors = sorted(k.partition("\0")[0] for k, v in parts.items() if v is None)
    docs = [v for v in parts.values() if v is not None]
    used: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in docs:
        if d["kind"] == "incident":
            for ref in d["refs"]:
                rb, _, anchor = ref.partition("#")
                used[rb, anchor].add(d["id"])
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    sigs: dict[tuple[str, str], list[list[int]]] = defaultdict(list)
    lengths = array("I")
    used_by = array("H")  # incidents per entry, for ranking without reading the entries
    offsets = array("Q", [0])
    lines: list[bytes] = []
    n = 0
    for d in docs:
        for part in d.get("entries", []):
            tf = part["tf"]
            anchors = [part["anchor"], *part["cause_ids"]]
            e = {k: v for k, v in part.items() if k not in ("tf", "cause_ids")}
            # Incidents that used this problem, one of its causes, or the whole runbook.
            e["incidents"] = sorted(set().union(*(used[e["runbook"], a] for a in ["", *anchors])))
            for tok, w in tf.items():
                postings[tok].append((n, min(w, 0xFFFF)))
            lengths.append(sum(tf.values()))
            used_by.append(min(len(e["incidents"]), 0xFFFF))
            for text, match, via, _ in e["sigs"]:
                sigs[text, match].append([n, via])
            line = json.dumps(e, ensure_ascii=False).encode()
            lines.append(line)
            offsets.append(offsets[-1] + len(line))
            n += 1
    ids, tfs, vocab = array("I"), array("H"), {}
    for tok in sorted(postings):
        vocab[tok] = [len(ids), len(postings[tok])]
        for i, w in postings[tok]:
            ids.append(i)
            tfs.append(w)
    header = {
        "count": n,
        "avgdl": (sum(lengths) / n) if n else 0.0,
        "vocab": vocab,
        "sigs": [[text, match, hits] for (text, match), hits in sorted(sigs.items())],
        "errors": errors,
    }
    sections = {
        "ids": ids.tobytes(),
        "tfs": tfs.tobytes(),
        "lengths": lengths.tobytes(),
        "used_by": used_by.tobytes(),
        "offsets": offsets.tobytes(),
        "entries": b"".join(lines),
    }
    return header, sections


def _write(cache_dir: Path, version: str, per_file_path: Path, parts, header: dict, sections: dict) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in [*cache_dir.glob("find-*.bin"), *cache_dir.glob("find-*.json")]:
        if version not in old.name:
            old.unlink(missing_ok=True)  # left by an older version of this code
    pos, table = 0, {}
    for name, blob in sections.items():
        table[name] = [pos, len(blob)]
        pos += len(blob)
    header["sections"] = table
    head = json.dumps(header, ensure_ascii=False).encode()
    _atomic(
        cache_dir / f"find-{version}.bin", MAGIC + struct.pack("<Q", len(head)) + head + b"".join(sections.values())
    )
    _atomic(per_file_path, json.dumps(parts, ensure_ascii=False).encode())


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
