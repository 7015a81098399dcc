"""Cross-references, duplicate ids and indexes over a whole tree."""

from __future__ import annotations

from generator.core import pipeline
from generator.core.pipeline import validate
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY

INCIDENT = """\
schema_version: 1
kind: incident
id: inc-1
title: 登录 502
services: [web]
severity: P1
started_at: 2026-02-11T10:00:00+08:00
impact: 用户无法登录
symptom: 登录失败，返回 502 错误
root_cause:
  summary: 后端未运行
  category: process-management
  confirmed: true
resolution:
  summary: 重启后端
runbooks:
  - ref: web-502#backend-down
  - ref: web-502#backend-gone
  - ref: web-520
related_incidents: [inc-0]
author: ops
"""


def test_broken_references_are_named_and_located(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "incidents").mkdir()
    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    (tmp_path / "incidents/inc-1.yaml").write_text(INCIDENT, encoding="utf-8")
    findings = validate([tmp_path / "incidents", tmp_path / "runbooks"], today=TODAY)
    got = [(f.rule, f.line, f.col, f.message, f.hint) for f in findings]
    assert got == [
        (
            "broken-ref",
            18,
            10,
            "reference 'web-502#backend-gone': runbook 'web-502' has no problem, cause or procedure 'backend-gone'",
            "did you mean 'backend-down'?",
        ),
        ("broken-ref", 19, 10, "reference 'web-520': no runbook 'web-520'", "did you mean 'web-502'?"),
        ("broken-ref", 20, 21, "related incident 'inc-0' does not exist", "did you mean 'inc-1'?"),
    ]


def test_duplicate_ids_and_file_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/web-502.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    (tmp_path / "a/copy.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    got = [(f.path.rsplit("/", 1)[-1], f.rule, f.line) for f in validate([tmp_path], today=TODAY)]
    assert sorted(got) == [("copy.yaml", "filename", 3), ("web-502.yaml", "duplicate-id", 3)]


def test_example_knowledge_base_indexes():
    corpus, findings = pipeline.run(ROOT, today=TODAY)
    assert findings == []
    assert set(corpus.runbooks) == {
        "chatserver-troubleshooting",
        "voms-troubleshooting",
        "nginx-502-bad-gateway",
        "site-unreachable-server-healthy",
        "safe-deploy",
    }
    assert len(corpus.incidents) == 3
    assert "nginx" in corpus.by_service()
    signatures = corpus.by_signature()
    assert ("nginx-502-bad-gateway", "bad-gateway") in [(rb.id, pid) for rb, pid, _ in signatures["502 Bad Gateway"]]
    assert any("Address already in use" in sig for sig in signatures)
    backlinks = corpus.backlinks()
    assert {i.id for i in backlinks["nginx-502-bad-gateway"]} >= {
        "2026-02-11-login-502-flask-down",
        "2025-12-23-word-counter-upgrade-502",
    }
