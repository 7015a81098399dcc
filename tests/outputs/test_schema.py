"""The exported JSON Schema: up to date, and as strict as `kb validate` at the schema level."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.core.load import load_file
from generator.core.paths import discover
from generator.outputs.schema import render_schemas
from tests.conftest import MINIMAL_RUNBOOK, ROOT
from tests.core.test_load import CASES

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def check_jsonschema(kind: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(ROOT / "schema" / f"{kind}.schema.json"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_committed_schema_files_are_current():
    for name, text in render_schemas().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, f"run `kb schema` ({name})"


def test_every_document_names_its_schema():
    for path in discover([ROOT]).files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = path.parent.name.rstrip("s")
        assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json", path


@pytest.mark.parametrize("kind", ["incident", "runbook"])
def test_check_jsonschema_accepts_the_example_knowledge_base(kind):
    files = sorted((ROOT / f"{kind}s").glob("*.yaml"))
    r = check_jsonschema(kind, *files)
    assert r.returncode == 0, r.stdout + r.stderr


SCHEMA_LEVEL = ["invalid date", "list where a mapping belongs", "unknown kind", "misspelled key", "wrong type"]
EXTRA = [
    ("missing required key", MINIMAL_RUNBOOK.replace("owner: ops\n", "")),
    ("bad id", MINIMAL_RUNBOOK.replace("id: web-502", "id: ../etc/passwd")),
    ("bad severity", MINIMAL_RUNBOOK + "severity: P5\n"),
    (
        "bad root-cause category",
        MINIMAL_RUNBOOK.replace(
            "    diagnosis:", "    causes:\n      - id: c\n        title: t\n        category: gremlins\n    diagnosis:"
        ),
    ),
]


@pytest.mark.parametrize(("name", "content"), [(c[0], c[1]) for c in CASES if c[0] in SCHEMA_LEVEL] + EXTRA)
def test_schema_level_rejections_agree(write, name, content):
    path = write("web-502.yaml", content)
    assert not load_file(path).ok
    r = check_jsonschema("runbook", path)
    assert r.returncode == 1, f"check-jsonschema accepted {name}: {r.stdout}"
