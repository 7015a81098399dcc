"""Shared test helpers: a minimal valid runbook, and a way to write variants of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# A fixed "today", so that review-date checks do not change verdict as the calendar moves.
TODAY = dt.date(2026, 11, 22)

MINIMAL_RUNBOOK = """\
schema_version: 1
kind: runbook
id: web-502
title: 网站 502
services: [web]
owner: ops
last_reviewed: 2026-11-01
parameters:
  - name: PORT
    description: 后端端口
    default: "8080"
problems:
  - id: backend-down
    title: 后端未运行
    symptoms:
      - 页面返回 502
    diagnosis:
      - title: 检查端口
        run: ss -tlnp | grep ${PORT}
"""


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes) -> path of a file in a fresh folder."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def make_kb(folder: Path, files: dict[str, str]) -> Path:
    """A small knowledge base with the project's site configuration; returns its mkdocs.yml."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "docs").mkdir(exist_ok=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("jieba_dict_user: search/", f"jieba_dict_user: {ROOT}/search/")
    config = config.replace("  - kb:\n", f"  - kb:\n      shim: {ROOT}/node_modules/iframe-worker/shim/index.js\n")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"


def mkdocs_build(config: Path, out: Path):
    """A real `mkdocs build --strict`, as a process."""
    import subprocess
    import sys

    mkdocs = Path(sys.executable).with_name("mkdocs")
    return subprocess.run(
        [str(mkdocs), "build", "--strict", "-f", str(config), "-d", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def kb(*args, cwd=ROOT, stdin: str | None = None, timeout: int = 120):
    """`kb ARGS…` as users run it: a real process of this checkout's code."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def runs(steps) -> list[str]:
    """The commands of the steps that have one."""
    return [s.run for s in steps if s.run]


def all_steps(obj):
    """Every Step anywhere below a model (health check, diagnosis, checks, fixes, procedures...)."""
    from generator.core.model.common import Step

    if isinstance(obj, Step):
        yield obj
    if isinstance(obj, list):
        for item in obj:
            yield from all_steps(item)
    elif hasattr(type(obj), "model_fields"):
        for name in type(obj).model_fields:
            yield from all_steps(getattr(obj, name))


def expand(rb, text: str) -> str:
    """A runbook command with its ${NAME} parameters replaced by their defaults; all must be declared."""
    import re

    defaults = {p.name: p.default for p in rb.parameters}

    def repl(m: re.Match) -> str:
        assert m.group(1) in defaults, f"undeclared parameter {m.group(1)}"
        return defaults[m.group(1)]

    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)\}", repl, text)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example knowledge base's site, built once per test run (with its sheet PDFs)."""
    out = tmp_path_factory.mktemp("example-site") / "site"
    r = mkdocs_build(ROOT / "mkdocs.yml", out)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


# A test that starts a process (a `kb` command, a site build, a script, a browser) is slow by nature:
# `make test-fast` runs the in-process tests only. Marked here from each test's own source, so a new
# test is classed by what it does, not by someone remembering a marker.
_PROCESS_CALLS = ("kb(", "mkdocs_build(", "subprocess.", "Popen(", "run_script(", "playwright")


def pytest_collection_modifyitems(items):
    import inspect

    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function else ""
        except (OSError, TypeError):
            continue
        if any(call in source for call in _PROCESS_CALLS):
            item.add_marker(pytest.mark.slow)
