"""All the work this package shares with other processes, and the one policy for when it does.

Three shapes: a forked process that parses part of a big knowledge base while this one validates the
rest (loading), a pool that checks files when only findings are wanted (`kb validate`), and a forked
task that runs beside MkDocs (the site build's writer). A fork is used only on Linux and only while
no other thread runs: a fork copies the calling thread alone, so a lock another thread holds would
stay locked forever.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

FORK_PARSE_FROM = 200  # files: below this, forking a second parser costs more than it saves
POOL_FROM = 400  # files: below this, starting worker processes costs more than it saves


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def context():
    return multiprocessing.get_context("fork")


def split_work(
    items: Sequence[Any], mine: Callable[[Any], Any], theirs: Callable[[list[Any]], list[Any]], finish: Callable
) -> list[Any]:
    """`mine(item)` for the first part here while a forked process runs `theirs` on the rest; then
    `finish(item, their_result)` here for each of the rest. In process when small or unsafe to fork."""
    if len(items) < FORK_PARSE_FROM or not can_fork():
        return [mine(item) for item in items]
    split = len(items) * 9 // 20  # this process does more per item (it validates), so it takes fewer
    with ProcessPoolExecutor(1, mp_context=context()) as pool:
        future = pool.submit(theirs, list(items[split:]))
        results = [mine(item) for item in items[:split]]
        results += [finish(item, done) for item, done in zip(items[split:], future.result(), strict=True)]
    return results


def map_batches(fn: Callable[[list[Any]], list[Any]], items: list[Any], jobs: int | None = None) -> list[Any]:
    """fn over batches of items, in a pool when there are many, in order."""
    workers = jobs or os.cpu_count() or 1
    if workers < 2 or len(items) < POOL_FROM:
        return fn(items)
    size = max(50, len(items) // (workers * 8))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context() if can_fork() else None) as pool:
        return [r for batch in pool.map(fn, batches) for r in batch]


class TaskError(Exception):
    """A forked task failed; the message says why."""


class ForkedTask:
    """fn(*args) in a forked process that shares this one's memory (nothing is pickled but the result).
    `wait` returns its result or raises TaskError; `stop` ends it, and it never outlives its parent."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        ctx = context()
        self._result, sender = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_child, args=(fn, args, sender), daemon=True)
        self._process.start()
        sender.close()

    def wait(self) -> Any:
        try:
            ok, value = self._result.recv()
        except EOFError:
            ok, value = False, None
        self._process.join()
        if value is None and not ok:
            raise TaskError(f"the process died (exit code {self._process.exitcode})")
        if not ok:
            raise TaskError(value)
        return value

    def stop(self) -> None:
        self._process.terminate()
        self._process.join()


def _child(fn: Callable[..., Any], args: tuple, sender: Connection) -> None:
    _die_with_parent()
    try:
        sender.send((True, fn(*args)))
    except OSError as exc:  # the disk, not our code: say which file and why
        sender.send((False, f"cannot write {exc.filename}: {exc.strerror}"))
    except Exception:  # noqa: BLE001 - a bug: its traceback is the report
        sender.send((False, traceback.format_exc()))


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent dies (a killed build leaves no writer behind)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
