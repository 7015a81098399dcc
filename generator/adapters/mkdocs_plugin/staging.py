"""`mkdocs build` writes into a folder beside the site and swaps it in when the build has succeeded.

Killed at any moment, a build leaves the previous site whole (at worst a `.site.building-PID` folder
beside it, removed by the next build), and its writer process dies with it (core/parallel.py).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from generator.core.fsio import replace_folder

PREFIX = ".{name}.building-"


def _staging(final: Path, pid: int) -> Path:
    return final.with_name(PREFIX.format(name=final.name) + str(pid))


def start(final: Path) -> Path:
    """A fresh staging folder for this build, after removing those of builds that are no longer running."""
    for stale in final.parent.glob(PREFIX.format(name=final.name) + "*"):
        pid = stale.name.rpartition("-")[2]
        if not pid.isdigit() or not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    staging = _staging(final, os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    return staging


def finish(staging: Path, final: Path, keep: bool) -> None:
    if keep:
        replace_folder(staging, final)
    else:
        shutil.rmtree(staging, ignore_errors=True)


def abandon(final: Path) -> None:
    shutil.rmtree(_staging(final, os.getpid()), ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WarningCounter(logging.Handler):
    """Counts the warnings MkDocs logs, as its own counter does, to know before MkDocs says so whether a
    `--strict` build will be aborted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        logging.getLogger("mkdocs").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def stop(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self)
