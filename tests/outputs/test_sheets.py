"""The sheet renderer as a pure function: corpus in, standalone HTML sheets out."""

from __future__ import annotations

import re

from generator.core import pipeline
from generator.outputs.sheets import CSS_PATH, render_sheets, runbook_sheet, service_sheet
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY


def _sheets(root=ROOT, language="zh"):
    corpus, findings = pipeline.run(root, today=TODAY)
    assert [f for f in findings if f.severity == "error"] == []
    return corpus, render_sheets(corpus, commit="abc1234", today=TODAY, language=language)


def test_a_sheet_per_runbook_and_per_service_with_runbooks():
    corpus, sheets = _sheets()
    services = {s for rb in corpus.runbooks.values() for s in rb.services}
    assert set(sheets) == {CSS_PATH} | {runbook_sheet(r) for r in corpus.runbooks} | {
        service_sheet(s) for s in services
    }
    assert "sheets/services/soeasyhub.html" not in sheets  # only incidents name it: nothing to print


def test_runbook_sheet_content():
    _, sheets = _sheets()
    page = sheets[runbook_sheet("chatserver-troubleshooting")]
    assert "<title>故障排查指南 (Python 聊天服务器) · 速查卡</title>" in page
    assert "最近审核: <b>2026-11-22</b>" in page and "下次审核 2027-05-21" in page
    assert "由提交 abc1234 于 2026-11-22 生成" in page
    assert "完整手册：runbooks/chatserver-troubleshooting.html" in page
    assert "负责人: 聊天服务运维组" in page
    assert "<code>${PORT}</code> = <code>3000</code>" in page  # parameters with their defaults
    assert '<span class="danger">危险</span> 杀死占用端口的进程' not in page  # one-step fix: the fix's title
    assert '<span class="danger">危险</span> 解决方案 1: 杀死占用进程' in page
    assert (
        '<code><span class="w">kill</span> <span class="w">-9</span> <span class="w">&lt;PID&gt;</span></code>' in page
    )  # commands escaped, shown as written
    assert "另有 3 项，见完整手册" in page  # what was left off is counted, per problem
    assert page.count('<section class="problem" id=') == 11
    assert "升级与支持" in page
    nginx = sheets[runbook_sheet("nginx-502-bad-gateway")]
    assert '<span class="sev">P1</span>' in nginx and "级别: <b>P1</b>" in nginx


def test_service_sheet_holds_each_of_its_runbooks():
    _, sheets = _sheets()
    page = sheets[service_sheet("nginx")]
    for title in ("502 Bad Gateway behind a reverse proxy", "网站打不开，但服务器侧检查全部正常"):
        assert title in page
    assert page.count('<div class="runbook-head">') == 3


def test_sheets_are_standalone_and_print_on_a4():
    _, sheets = _sheets()
    css = sheets[CSS_PATH]
    assert re.search(r"@page\s*{\s*size: A4;", css) and "break-inside: avoid" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css  # no fonts from outside
    for path, html in sheets.items():
        if path.endswith(".html"):
            assert re.findall(r'<link[^>]*href="([^"]+)"', html) == ["../sheet.css"]
            assert "<script" not in html and "<img" not in html


def test_overdue_review_and_english_labels(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks/web-502.yaml").write_text(
        MINIMAL_RUNBOOK.replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-01"), encoding="utf-8"
    )
    _, sheets = _sheets(tmp_path, language="en")
    page = sheets[runbook_sheet("web-502")]
    assert 'class="reviewed overdue"' in page and "Review overdue by 510 days" in page
    assert "Generated from abc1234 on 2026-11-22" in page and "First checks" in page


def test_hostile_text_is_escaped(tmp_path):
    (tmp_path / "runbooks").mkdir()
    text = (
        MINIMAL_RUNBOOK.replace("title: 网站 502", "title: '<script>alert(1)</script>标题'")
        .replace("      - 页面返回 502", "      - '<img src=x onerror=alert(2)> `code`'")
        .replace("run: ss -tlnp | grep ${PORT}", "run: 'echo \"</code></pre><script>alert(3)</script>\"'")
    )
    (tmp_path / "runbooks/web-502.yaml").write_text(text, encoding="utf-8")
    _, sheets = _sheets(tmp_path)
    for html in sheets.values():
        assert "<script" not in html and "<img" not in html
    page = sheets[runbook_sheet("web-502")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in page
    assert "&lt;img src=x onerror=alert(2)&gt; <code>code</code>" in page  # code spans kept
