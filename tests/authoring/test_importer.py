"""`kb import`: each seed write-up becomes a draft that validates and keeps every command and timeline row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markdown_it import MarkdownIt

from generator.authoring.importer import draft
from generator.core import fastyaml
from generator.core.pipeline import validate
from generator.core.rules.secrets import find_secrets
from generator.core.rules.walk import strings
from tests.conftest import ROOT, kb

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
KINDS = {
    "seed-000-tapspot-site-unreachable.md": "incident",
    "seed-001-login-502.md": "incident",
    "seed-002-word-counter-postmortem.md": "incident",
    "seed-003-voms-troubleshooting.md": "runbook",
    "seed-004-chatserver-troubleshooting.md": "runbook",
}


def _redacted(text: str) -> str:
    for what, secret in find_secrets(text):
        text = text.replace(secret, f"<redacted {what}>")
    return text


def code_blocks(source: str) -> list[str]:
    """Every fenced or indented code block of the markdown, nested ones included, counted by markdown-it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    return [t.content for t in tokens if t.type in ("fence", "code_block")]


def timeline_rows(source: str) -> list[list[str]]:
    """Rows of the tables whose first column is the time."""
    rows, in_timeline, header, row = [], False, True, []
    for t in MarkdownIt("commonmark").enable("table").parse(source):
        if t.type == "table_open":
            in_timeline, header = None, True
        elif t.type == "thead_close":
            header = False
        elif t.type == "tr_open":
            row = []
        elif t.type == "inline" and in_timeline is not False and row is not None:
            row.append(t.content)
        elif t.type == "tr_close":
            if header:
                in_timeline = bool(row) and row[0].strip() in ("时间", "Time")
            elif in_timeline:
                rows.append(row)
    return rows


def write_draft(tmp_path, name: str):
    result = draft((SEEDS / name).read_text(encoding="utf-8"), name=name, kind=KINDS[name], today=dt.date(2026, 11, 22))
    path = tmp_path / f"{result.kind}s" / f"{result.id}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(result.text, encoding="utf-8")
    return path, fastyaml.load(result.text)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_seed_draft_validates(tmp_path, name):
    path, data = write_draft(tmp_path, name)
    errors = [f for f in validate([path], today=dt.date(2026, 11, 22)) if f.severity == "error"]
    assert errors == [], errors
    assert data["kind"] == KINDS[name]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_seed_draft_keeps_every_code_block(tmp_path, name):
    source = (SEEDS / name).read_text(encoding="utf-8")
    _, data = write_draft(tmp_path, name)
    texts = "\n".join(t for _, t in strings(data))
    blocks = code_blocks(source)
    for block in blocks:
        for line in _redacted(block).splitlines():
            assert line.strip() in texts, f"lost {line!r}"
    # Most code becomes commands (a step's `run`, evidence, a signature), not text left to sort.
    placed = [t for loc, t in strings(data) if loc[-1] in ("run", "content", "text") and loc[0] != "unsorted"]
    assert len(placed) >= len(blocks) // 2


@pytest.mark.parametrize("name", [n for n in sorted(KINDS) if timeline_rows((SEEDS / n).read_text(encoding="utf-8"))])
def test_seed_draft_keeps_every_timeline_row(tmp_path, name):
    rows = timeline_rows((SEEDS / name).read_text(encoding="utf-8"))
    _, data = write_draft(tmp_path, name)
    assert len(data["timeline"]) == len(rows)
    for row, entry in zip(rows, data["timeline"], strict=True):
        hh, mm = row[0].strip().split(":")
        assert entry["at"].endswith(f"T{int(hh):02d}:{mm}:00+08:00") or f"T{int(hh):02d}:{mm}:00" in entry["at"]
        assert entry["event"] == row[1]
        assert entry.get("status") == row[2]


def test_timeline_times_take_the_write_ups_date_and_zone(tmp_path):
    _, data = write_draft(tmp_path, "seed-000-tapspot-site-unreachable.md")
    assert data["timeline"][0]["at"] == "2026-02-25T23:01:00+08:00"  # "GMT+8" in the write-up
    assert data["started_at"] == "2026-02-25T23:01:00+08:00"


def test_checkbox_and_emoji_lists_become_action_items():
    source = (
        "# Outage\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 10:00 | down |\n\n"
        "## Follow-up\n\n- [x] add alert\n- [ ] add runbook\n- ⏳ load test\n"
    )
    data = fastyaml.load(draft(source, name="x.md", today=dt.date(2026, 1, 2)).text)
    assert data["action_items"] == [
        {"title": "add alert", "status": "done"},
        {"title": "add runbook", "status": "open"},
        {"title": "load test", "status": "open"},
    ]


def test_sections_land_in_their_fields_and_the_rest_is_kept_to_sort():
    source = (
        "# API timeouts\n\n## 症状 / Symptom\n\n用户报告超时\n\n## 原因 / Cause\n\n连接池耗尽\n\n"
        "## 解决方案 / Solution\n\n扩大连接池\n\n```bash\nsystemctl restart api\n```\n\n"
        "## 排查 / Diagnosis\n\n```bash\nss -s\n```\n\n## 预防 / Prevention\n\n加监控\n\n## 杂项\n\n一段无处安放的话\n"
    )
    data = fastyaml.load(draft(source, name="api.md", kind="incident", today=dt.date(2026, 1, 2)).text)
    assert data["symptom"] == "用户报告超时"
    assert data["root_cause"]["summary"] == "连接池耗尽" and data["root_cause"]["confirmed"] is False
    assert data["resolution"]["summary"] == "扩大连接池"
    assert data["resolution"]["steps"][0] == {"title": "解决方案 / Solution", "lang": "bash", "destructive": True,
                                              "run": "systemctl restart api"}  # fmt: skip
    assert data["diagnosis"][0]["run"] == "ss -s"
    assert data["prevention"] == [{"title": "预防 / Prevention", "details": ["加监控"]}]
    assert data["unsorted"] == [{"heading": "杂项", "text": "一段无处安放的话"}]


def test_secrets_are_redacted_and_reported(tmp_path):
    src = SEEDS / "seed-000-tapspot-site-unreachable.md"
    out = tmp_path / "incidents" / "draft.yaml"
    r = kb("import", str(src), "--kind", "incident", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert re.search(r"seed-000-tapspot-site-unreachable.md:\d+: warning: API key redacted", r.stderr)
    text = out.read_text(encoding="utf-8")
    assert "sk-sp-" not in text and "<redacted API key>" in text
    assert text.startswith("# yaml-language-server: $schema=../../schema/incident.schema.json") or "$schema=" in text
    again = kb("import", str(src), "-o", str(out))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert out.read_text(encoding="utf-8") == text


def test_unreadable_input_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.md"
    bad.write_bytes(b"\xff\xfe bad")
    r = kb("import", str(bad))
    assert r.returncode == 2 and "not UTF-8" in r.stderr and "Traceback" not in r.stderr
    assert kb("import", str(tmp_path / "missing.md")).returncode == 2
