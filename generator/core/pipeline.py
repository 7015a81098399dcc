"""`kb validate`: every file through loader and lint rules, then the cross-file checks.

Per-file results are cached by content hash (and by the checker's own code), so a second run over
an unchanged tree only hashes files. Date-dependent and cross-file checks run every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.core.findings import Finding, sort_key
from generator.core.fingerprint import code_fingerprint
from generator.core.paths import discover
from generator.core.rules.crossfile import Summary, check_summaries

PARALLEL_FROM = 400  # files; below this, starting worker processes costs more than it saves


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


def check_file(path: str, raw: bytes) -> FileReport:
    # Imported here: a warm run, served from the cache, never needs the models or the parsers.
    from generator.core.load import load_file
    from generator.core.rules import lint_data
    from generator.core.rules.crossfile import summarize

    result = load_file(path, raw)
    findings = list(result.findings)
    if isinstance(result.data, dict) and result.source is not None:
        findings += [result.source.locate(f) for f in lint_data(path, result.data)]
    summary = summarize(path, result.doc, result.source.text) if result.doc is not None else None
    return FileReport(findings, summary)


def _check_batch(items: list[tuple[str, bytes]]) -> list[dict]:
    return [check_file(path, raw).to_dict() for path, raw in items]


class Cache:
    def __init__(self, directory: Path | None):
        self.file = directory / f"validate-{code_fingerprint()}.json" if directory else None
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if self.file and self.file.exists():
            try:
                self.entries = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}  # a corrupt cache is just a cold cache

    @staticmethod
    def key(path: str, raw: bytes) -> str:
        return path + "\0" + hashlib.blake2b(raw, digest_size=16).hexdigest()

    def get(self, key: str) -> dict | None:
        return self.entries.get(key)

    def put(self, key: str, value: dict) -> None:
        self.entries[key] = value
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if not self.file or not (self.dirty or keep != set(self.entries)):
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        for old in self.file.parent.glob("validate-*.json"):
            if old != self.file:
                old.unlink(missing_ok=True)
        tmp = self.file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({k: v for k, v in self.entries.items() if k in keep}), encoding="utf-8")
        tmp.replace(self.file)


def validate(
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> list[Finding]:
    files = discover(paths)
    cache = Cache(cache_dir)
    reports: dict[str, FileReport] = {}
    todo: list[tuple[str, bytes, str]] = []
    keys: set[str] = set()
    for p in files:
        path = str(p)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            reports[path] = FileReport([Finding(path, "io", f"cannot read file: {exc.strerror}", line=1, col=1)], None)
            continue
        key = Cache.key(path, raw)
        keys.add(key)
        hit = cache.get(key)
        if hit is not None:
            reports[path] = FileReport.from_dict(hit)
        else:
            todo.append((path, raw, key))

    for (path, _, key), report in zip(todo, _run(todo, jobs), strict=True):
        cache.put(key, report)
        reports[path] = FileReport.from_dict(report)
    cache.save(keys)

    findings = [f for r in reports.values() for f in r.findings]
    summaries = [r.summary for r in reports.values() if r.summary]
    cross = check_summaries(summaries, today or dt.date.today())
    findings += _locate(cross)
    if strict:
        findings = [f.escalated() for f in findings]
    return sorted(findings, key=sort_key)


def _run(todo: list[tuple[str, bytes, str]], jobs: int | None) -> list[dict]:
    items = [(path, raw) for path, raw, _ in todo]
    workers = jobs or os.cpu_count() or 1
    if workers < 2 or len(items) < PARALLEL_FROM:
        return _check_batch(items)
    size = max(50, len(items) // (workers * 8))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [r for batch in pool.map(_check_batch, batches) for r in batch]


def _locate(findings: list[Finding]) -> list[Finding]:
    """Place cross-file findings; each file involved is read and parsed once."""
    sources: dict = {}
    out = []
    for f in findings:
        if not f.located:
            from generator.core.load import Source

            if f.path not in sources:
                sources[f.path] = Source(f.path, Path(f.path).read_text(encoding="utf-8"))
            f = sources[f.path].locate(f)
        out.append(f)
    return out
