"""A site build killed at any moment leaves the previous site whole, and no process of it behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_kb, mkdocs_build

pytestmark = pytest.mark.slow  # real mkdocs builds, killed


def _example(tmp_path: Path) -> Path:
    files = {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for d in ("incidents", "runbooks")
        for p in (ROOT / d).glob("*.yaml")
    }
    return make_kb(tmp_path, files)


def _snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _group_alive(pgid: int) -> list[int]:
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def test_a_killed_build_keeps_the_previous_site_and_leaves_no_process(tmp_path):
    config = _example(tmp_path)
    site = tmp_path / "site"
    assert mkdocs_build(config, site).returncode == 0
    before = _snapshot(site)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    for after in (0.4, 1.2, 2.2):  # while loading, while MkDocs writes pages, while the writer writes
        build = subprocess.Popen(
            [str(mkdocs), "build", "-f", str(config), "-d", str(site)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            start_new_session=True,  # its own process group: what it forks stays in it
        )
        time.sleep(after)
        os.kill(build.pid, signal.SIGKILL)  # the build alone: its writer must not outlive it
        build.wait()
        deadline = time.monotonic() + 5
        while _group_alive(build.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group_alive(build.pid) == [], after
        assert _snapshot(site) == before, after

    # The next build replaces the site and clears what the killed ones left.
    assert mkdocs_build(config, site).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


def test_a_build_that_fails_strict_keeps_the_previous_site(tmp_path):
    config = _example(tmp_path)
    site = tmp_path / "site"
    assert mkdocs_build(config, site).returncode == 0
    before = _snapshot(site)
    (tmp_path / "docs" / "extra.md").write_text("[broken](nowhere.md)\n", encoding="utf-8")  # a warning
    r = mkdocs_build(config, site)
    assert r.returncode != 0 and "nowhere.md" in r.stderr
    assert _snapshot(site) == before
