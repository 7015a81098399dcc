"""The one way anything gets documents: a root (or paths) in, the corpus and every finding out.

`kb validate`, every other command, the MkDocs plugin and the search index all call `run`. It reads
each file once (never through a link, never a FIFO), loads and validates it, applies the per-file
rules, then the cross-file rules, and hands back the documents with every finding, located. An
adapter that produces output refuses to when `Result.blocking` is not empty.

Per-file verdicts (findings and what the cross-file rules need) are cached by content hash under
the package's code fingerprint, so a second `kb validate` over an unchanged tree only hashes files.
`memory` (a dict the caller keeps, as `mkdocs serve` does between rebuilds) keeps each unchanged
file's loaded document, the same object each time, so renderers can tell what changed by identity.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.core import fsio, parallel
from generator.core.corpus import Corpus
from generator.core.findings import Finding, sort_key
from generator.core.fingerprint import code_fingerprint
from generator.core.gcpause import collection_paused
from generator.core.paths import discover
from generator.core.rules.crossfile import Summary, check_summaries, summarize

Target = str | Path | Iterable[str | Path]


class Result(NamedTuple):
    corpus: Corpus
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def blocking(self, strict: bool = False) -> list[Finding]:
        """What stops every output: errors, and with strict warnings too."""
        return list(self.findings) if strict else self.errors


@dataclass
class FileReport:
    findings: list[Finding]
    summary: Summary | None

    def to_dict(self) -> dict:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary.to_dict() if self.summary else None,
        }

    @classmethod
    def from_dict(cls, d: dict) -> FileReport:
        return cls(
            [Finding.from_dict(f) for f in d["findings"]],
            Summary.from_dict(d["summary"]) if d["summary"] else None,
        )


def check_loaded(result) -> FileReport:
    """The per-file rules over one load result: its own findings, lint findings, and its summary."""
    from generator.core.rules import lint_data  # here: a warm `kb validate` never needs the rules

    findings = list(result.findings)
    if isinstance(result.data, dict) and result.source is not None:
        findings += [result.source.locate(f) for f in lint_data(result.path, result.data)]
    summary = summarize(result.path, result.doc, result.source.text) if result.doc is not None else None
    return FileReport(findings, summary)


def _check_batch(items: list[tuple[str, bytes]]) -> list[dict]:
    from generator.core.load import load_file

    return [check_loaded(load_file(path, raw)).to_dict() for path, raw in items]


class Cache:
    """Per-file reports by content hash, in one JSON file named after the code fingerprint."""

    def __init__(self, directory: Path | None):
        self.file = directory / f"validate-{code_fingerprint()}.json" if directory else None
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if self.file and fsio.kind_of(self.file) == "file":
            try:
                self.entries = json.loads(fsio.read_bytes(self.file))
            except (OSError, ValueError):
                self.entries = {}  # a corrupt cache is just a cold cache
        if not isinstance(self.entries, dict):
            self.entries = {}

    @staticmethod
    def key(path: str, raw: bytes) -> str:
        return path + "\0" + hashlib.blake2b(raw, digest_size=16).hexdigest()

    def get(self, key: str) -> dict | None:
        return self.entries.get(key)

    def put(self, key: str, value: dict) -> None:
        # A located finding no longer needs its needle, which may be a secret: never kept on disk.
        findings = [{**f, "needle": ""} if f.get("line") else f for f in value["findings"]]
        self.entries[key] = {**value, "findings": findings}
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if not self.file or not (self.dirty or keep != set(self.entries)):
            return
        try:
            for old in self.file.parent.glob("validate-*.json"):
                if old != self.file:
                    old.unlink(missing_ok=True)
            kept = {k: v for k, v in self.entries.items() if k in keep}
            fsio.write_file(self.file, json.dumps(kept), root=self.file.parent.parent)
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower


def run(
    target: Target = ".",
    *,
    documents: bool | Collection[str] = True,
    strict: bool = False,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    memory: dict | None = None,
    jobs: int | None = None,
    digests: Mapping[str, str] | None = None,
) -> Result:
    """Load and check the knowledge base at target: a root, or files and folders of documents.

    documents=False skips building the corpus (all `kb validate` needs), so cached files are not parsed;
    a collection of paths (as discovered: root/incidents/...) loads only those into the corpus.
    A file with errors is left out of the corpus; its findings say why. Raises UsageError for a target
    that does not exist or is a FIFO or device. `digests` (path -> content digest, from a caller that
    has seen the file unchanged since) spares reading a file that is not wanted while its cached verdict
    holds, as the search index does when one file of thousands changed."""
    targets = [target] if isinstance(target, str | Path) else list(target)
    found = discover(targets)
    cache = Cache(cache_dir)
    reports: dict[str, FileReport] = {path.path: FileReport([path], None) for path in found.refused}
    raws: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    for path in found.paths:
        known = (digests or {}).get(path) if documents is not True and path not in (documents or ()) else None
        if known is not None and (hit := cache.get(f"{path}\0{known}")) is not None:
            keys[path] = f"{path}\0{known}"
            reports[path] = FileReport.from_dict(hit)
            continue
        try:
            raw = fsio.read_bytes(Path(path), limit=_max_bytes())
        except OSError as exc:
            reports[path] = FileReport([Finding(path, "io", f"cannot read file: {exc.strerror}", line=1, col=1)], None)
            continue
        raws[path] = raw
        keys[path] = Cache.key(path, raw)

    wanted = [p for p in keys if documents is True or (documents and p in documents)]
    with collection_paused():
        loaded = _load({p: raws[p] for p in wanted}, keys, memory)
        todo = []
        for path, key in keys.items():
            if path not in raws:
                continue  # its verdict came from the cache above, unread
            hit = cache.get(key)
            if hit is not None:
                reports[path] = FileReport.from_dict(hit)
            elif path in loaded:
                report = check_loaded(loaded[path])
                cache.put(key, report.to_dict())
                reports[path] = report
            else:
                todo.append(path)
        checked = parallel.map_batches(_check_batch, [(p, raws[p]) for p in todo], jobs)
        for path, report in zip(todo, checked, strict=True):
            cache.put(keys[path], report)
            reports[path] = FileReport.from_dict(report)
    cache.save(set(keys.values()))

    findings = [f for r in reports.values() for f in r.findings]
    summaries = [r.summary for r in reports.values() if r.summary]
    findings += _locate(check_summaries(summaries, today or dt.date.today()), raws)
    if strict:
        findings = [f.escalated() for f in findings]
    return Result(_corpus(loaded), sorted(findings, key=sort_key))


def validate(target: Target, **options) -> list[Finding]:
    """Every finding for target, sorted (what `kb validate` prints)."""
    return run(target, documents=False, **options).findings


def _max_bytes() -> int:
    from generator.core.load import MAX_BYTES

    return MAX_BYTES


def _load(raws: dict[str, bytes], keys: dict[str, str], memory: dict | None) -> dict[str, object]:
    """Each file's load result; from `memory` when its bytes are unchanged (the same object)."""
    from generator.core.load import load_files

    if not raws:
        return {}
    memory = memory if memory is not None else {}
    stale = [p for p in raws if memory.get(p, (None,))[0] != keys[p]]
    for path, result in zip(stale, load_files([Path(p) for p in stale], [raws[p] for p in stale]), strict=True):
        memory[path] = (keys[path], result)
    for gone in set(memory) - set(raws):
        del memory[gone]
    return {p: memory[p][1] for p in raws}


def _corpus(loaded: dict[str, object]) -> Corpus:
    corpus = Corpus({}, {}, {})
    for path, result in loaded.items():
        doc = result.doc
        if doc is None:
            continue
        target = corpus.runbooks if doc.kind == "runbook" else corpus.incidents
        target[doc.id] = doc
        corpus.paths[doc.id] = path
    return corpus


def _read_quietly(path: str) -> bytes:
    try:
        return fsio.read_bytes(path, limit=_max_bytes())
    except OSError:
        return b""


def _locate(findings: list[Finding], raws: dict[str, bytes]) -> list[Finding]:
    """Place cross-file findings; each file involved is parsed once, from the bytes already read."""
    from generator.core.load import Source

    sources: dict[str, Source] = {}
    out = []
    for f in findings:
        if not f.located:
            if f.path not in sources:
                raw = raws.get(f.path) or _read_quietly(f.path)
                sources[f.path] = Source(f.path, raw.decode("utf-8", "replace"))
            f = sources[f.path].locate(f)
        out.append(f)
    return out
