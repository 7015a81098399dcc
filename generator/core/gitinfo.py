"""Which commit a generated file came from: for adapters only (renderers take it as an argument)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def short_commit(root: str | Path) -> str:
    """`git rev-parse --short HEAD` in root, or "unknown" outside a repository or without git."""
    try:
        r = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = r.stdout.strip()
    return commit if r.returncode == 0 and commit else "unknown"
