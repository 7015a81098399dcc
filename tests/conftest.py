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
