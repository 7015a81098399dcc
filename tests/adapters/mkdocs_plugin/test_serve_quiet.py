"""A quiet start: `mkdocs serve --dirty` (what `make serve` runs) prints no warning about the dirty build,
and `make serve` says where the site is and how to stop it."""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from generator.adapters.mkdocs_plugin.plugin import KbPlugin, not_dirty_build_warning
from tests.conftest import MINIMAL_RUNBOOK, ROOT, make_kb

MKDOCS = Path(sys.executable).with_name("mkdocs")
DIRTY_WARNING = "A 'dirty' build is being performed"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A server started by `serving`: what it printed until it served, and its address."""

    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)  # the end of its output


@contextmanager
def serving(
    command: Sequence[str], *, cwd: Path, env: dict[str, str], port: int, timeout: float = 180
) -> Iterator[Served]:
    """Runs a command that serves on 127.0.0.1:port (in its own process group), reads its output until it
    says it is serving, yields it, then stops it as Ctrl+C would: SIGINT to the group it started."""
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group: make and the mkdocs it runs are stopped together
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    served = Served(f"http://127.0.0.1:{port}/")
    try:
        deadline = time.monotonic() + timeout
        while "Serving on" not in served.output:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"not serving after {timeout} s:\n{served.output}")
            assert line is not None, f"exited with {proc.wait()} before serving:\n{served.output}"
            served.lines.append(line)
        yield served
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - a loopback address made here
        return r.status


@pytest.mark.slow  # a real site build and a server on loopback
def test_serve_dirty_prints_no_dirty_build_warning(tmp_path):
    config = make_kb(tmp_path, {"runbooks/web-502.yaml": MINIMAL_RUNBOOK})
    port = free_port()
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    command = [str(MKDOCS), "serve", "--dirty", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"]
    with serving(command, cwd=tmp_path, env=env, port=port) as served:
        assert fetch(served.url) == 200
    assert DIRTY_WARNING not in served.output
    assert "WARNING" not in served.output, served.output


def test_the_filter_drops_only_that_warning_and_only_under_serve_dirty():
    build_log = logging.getLogger("mkdocs.commands.build")
    before = list(build_log.filters)
    try:
        KbPlugin().on_startup(command="build", dirty=True)  # `mkdocs build --dirty` keeps its warning
        assert build_log.filters == before
        for _ in range(2):  # installed once, however many times serve starts
            KbPlugin().on_startup(command="serve", dirty=True)
        assert build_log.filters.count(not_dirty_build_warning) == 1

        def record(message: str) -> logging.LogRecord:
            return build_log.makeRecord(build_log.name, logging.WARNING, __file__, 1, message, None, None)

        assert not build_log.filter(record(f"{DIRTY_WARNING}, this will likely lead to inaccurate navigation"))
        assert build_log.filter(record("Doc file 'a.md' contains a link 'b.md', but the target is not found"))
    finally:
        build_log.filters[:] = before


def test_make_serve_says_where_the_site_is_and_how_to_stop():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    r = subprocess.run(["make", "-n", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    [said] = [line for line in r.stdout.splitlines() if line.startswith("echo ")]
    assert "http://127.0.0.1:8000/" in said and "Ctrl+C" in said
    assert r.stdout.rstrip().endswith("mkdocs serve --dirty --dev-addr 127.0.0.1:8000")
