"""Every command refuses a bad root or path the same way: one line on standard error, exit 2, no traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_RUNBOOK, ROOT, kb

pytestmark = pytest.mark.slow  # a kb process per command and path

RULES = ROOT / "tests/fixtures/alerts/web.rules.yaml"

# Each command with --root, and the other arguments it needs to get as far as reading the root.
WITH_ROOT = {
    "validate": [],
    "fmt": ["--check"],
    "export": ["{out}"],
    "snippets": ["{out}"],
    "check": ["web-502"],
    "sheet": ["--all", "--pdf", "{out}"],
    "search": ["backend"],
    "diagnose": ["Address already in use"],
    "stats": [],
    "alerts": [str(RULES)],
    "new": ["runbook", "--id", "x-1"],
}


def _one_line_usage_error(r, command: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kb {command}: error: "), r.stderr


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def _args(command: str, root: Path, out: Path) -> list[str]:
    return [command, *(a.format(out=out) for a in WITH_ROOT[command]), "--root", str(root)]


@pytest.mark.parametrize("command", sorted(WITH_ROOT))
def test_a_missing_root_is_a_one_line_usage_error(command, tmp_path):
    r = kb(*_args(command, tmp_path / "missing", tmp_path / "out"), cwd=tmp_path)
    _one_line_usage_error(r, command)
    assert "no such folder" in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", sorted(WITH_ROOT))
def test_a_root_without_a_knowledge_base_or_that_is_a_file_is_refused(command, tmp_path):
    if command != "new":  # `kb new` may write the first document of an empty folder
        r = kb(*_args(command, tmp_path, tmp_path / "out"), cwd=tmp_path)
        _one_line_usage_error(r, command)
        assert "no knowledge base here" in r.stderr
    (tmp_path / "file").write_text("x")
    r = kb(*_args(command, tmp_path / "file", tmp_path / "out"), cwd=tmp_path)
    _one_line_usage_error(r, command)
    assert "not a folder" in r.stderr


@pytest.mark.parametrize("command", sorted(WITH_ROOT))
def test_a_fifo_as_root_is_refused_and_never_read(command, tmp_path, fifo):
    r = kb(*_args(command, fifo, tmp_path / "out"), cwd=tmp_path, timeout=20)  # a read would block
    _one_line_usage_error(r, command)


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["validate", "{fifo}"], "validate"),
        (["validate", "/dev/null"], "validate"),
        (["fmt", "{fifo}"], "fmt"),
        (["import", "{fifo}"], "import"),
        (["import", "/dev/zero"], "import"),
        (["import", "{dir}"], "import"),  # a folder where a file is wanted
        (["import", "{dir}/missing.md"], "import"),
        (["alerts", "{dir}", "--root", str(ROOT)], "alerts"),
        (["alerts", "{fifo}", "--root", str(ROOT)], "alerts"),
        (["export", "{file}", "--root", str(ROOT)], "export"),  # a file where a folder is wanted
        (["snippets", "{file}", "--root", str(ROOT)], "snippets"),
        (["sheet", "--all", "--pdf", "{file}", "--root", str(ROOT)], "sheet"),
        (["schema", "--out", "{file}"], "schema"),
        (["validate", "--today", "yesterday"], "validate"),
    ],
)
def test_bad_paths_are_one_line_usage_errors(args, command, tmp_path, fifo):
    (tmp_path / "file").write_text("keep me")
    (tmp_path / "dir").mkdir()
    subs = {"fifo": fifo, "dir": tmp_path / "dir", "file": tmp_path / "file"}
    r = kb(*(a.format(**subs) for a in args), cwd=tmp_path, timeout=20)
    _one_line_usage_error(r, command)
    assert (tmp_path / "file").read_text() == "keep me"


def test_an_output_folder_that_is_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").symlink_to(elsewhere)
    r = kb("snippets", tmp_path / "out", "--root", ROOT, cwd=tmp_path)
    _one_line_usage_error(r, "snippets")
    assert list(elsewhere.iterdir()) == []


def test_validate_dot_at_the_repository_root_checks_the_example_only():
    r = kb("validate", ".", "--today", "2026-11-22", "--no-cache")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


def test_validate_a_root_reads_only_its_documents(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav: [\n")  # not a document: never reported
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/kb.yml").write_text("on: [push\n")
    r = kb("validate", tmp_path, "--today", "2026-11-22", "--no-cache")
    assert r.returncode == 0, r.stdout + r.stderr
