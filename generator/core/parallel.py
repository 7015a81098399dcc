"""Whether work can be shared with a forked process: on Linux, and only while no other thread runs
(a fork copies the calling thread alone, so a lock another thread holds would stay locked forever)."""

from __future__ import annotations

import multiprocessing
import sys
import threading


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def context():
    return multiprocessing.get_context("fork")
