"""Nothing lost: for every write-up of the evaluation corpus (tests/fixtures/import), the dev write-ups
(tests/fixtures/import_dev) and the seeds, each non-empty source line is in the draft (a value, a comment
or `unsorted`), compared the way benchmarks/import.py compares them, and every draft validates."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from generator.authoring.importer import draft
from generator.core.pipeline import validate
from generator.core.rules.secrets import find_secrets
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # imports every write-up of the corpora

TODAY = dt.date(2026, 11, 22)
CORPORA = {
    "import": ROOT / "tests" / "fixtures" / "import",
    "import_dev": ROOT / "tests" / "fixtures" / "import_dev",
    "seeds": ROOT / "tests" / "fixtures" / "seeds",
}
SEED_KINDS = {
    "seed-000-tapspot-site-unreachable.md": "incident",
    "seed-001-login-502.md": "incident",
    "seed-002-word-counter-postmortem.md": "incident",
    "seed-003-voms-troubleshooting.md": "runbook",
    "seed-004-chatserver-troubleshooting.md": "runbook",
}
BIG = 100_000  # bytes: a write-up this large takes seconds to draft


def _bench():
    """benchmarks/import.py, for its reading of sources (markdown_source, html_source) and Haystack."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "benchmarks" / "import.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


def _cases() -> list:
    cases = []
    for corpus, folder in CORPORA.items():
        manifest = folder / "manifest.yaml"
        if corpus == "seeds":
            kinds = dict(SEED_KINDS)
        elif manifest.exists():
            kinds = {
                name: entry["kind"] for name, entry in yaml.safe_load(manifest.read_text("utf-8"))["files"].items()
            }
        else:
            kinds = {}
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".md", ".html", ".htm") or path.name not in kinds:
                continue
            marks = [pytest.mark.slow] if path.stat().st_size > BIG else []
            cases.append(pytest.param(path, kinds[path.name], id=f"{corpus}/{path.name}", marks=marks))
    return cases


def _found(hay, piece: str) -> bool:
    if hay.has(piece):
        return True
    # A credential is redacted in the draft: its line is there with <redacted …> in its place.
    redacted = piece
    for what, secret in find_secrets(piece):
        redacted = redacted.replace(secret, f"<redacted {what}>")
    return redacted != piece and hay.has(BENCH.norm(redacted))


@pytest.mark.parametrize(("path", "kind"), _cases())
def test_every_line_is_kept_and_every_draft_validates(tmp_path: Path, path: Path, kind: str) -> None:
    text = path.read_text(encoding="utf-8")
    result = draft(text, name=path.name, kind=kind, today=TODAY)
    written = []
    for d in result.all:
        out = tmp_path / f"{d.kind}s" / f"{d.id}.yaml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(d.text, encoding="utf-8")
        written.append(out)
    errors = [f for f in validate(written, today=TODAY) if f.severity == "error"]
    assert errors == [], errors[:3]

    source = BENCH.html_source(text) if path.suffix.lower() in (".html", ".htm") else BENCH.markdown_source(text)
    datas = [yaml.safe_load(d.text) for d in result.all]
    hay = BENCH.Haystack([d.text for d in result.all] + [s for data in datas for s in BENCH.strings(data)])
    lost = [line.pieces for line in source.lines if not all(_found(hay, p) for p in line.pieces)]
    assert lost == [], f"{len(lost)} of {len(source.lines)} lines lost, e.g. {lost[:3]}"
