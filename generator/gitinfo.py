"""The commit a knowledge base is at, for the "generated from" line of printed sheets."""

from __future__ import annotations

import subprocess
from pathlib import Path


def short_commit(folder: Path) -> str:
    """`git rev-parse --short HEAD` in folder, or "unknown" outside git (or without git)."""
    try:
        r = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "unknown"
