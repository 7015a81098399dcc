"""The sheet renderer as a pure function: corpus in, standalone HTML sheets out."""

from __future__ import annotations

import re
from dataclasses import astuple
from html.parser import HTMLParser

from generator.core import pipeline
from generator.outputs.sheets import (
    CSS_PATH,
    DEFAULT_LEVEL,
    MINIMUM,
    Detail,
    _environment,
    column_breaks,
    detail,
    digest_problem,
    render_sheets,
    runbook_sheet,
    service_sheet,
)
from generator.outputs.site import labels
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


def test_the_ladder_of_detail():
    assert detail(0) == MINIMUM
    # What every sheet showed before sheets were fitted: the level shown without a layout.
    assert detail(DEFAULT_LEVEL) == Detail(
        checks=2, causes=3, cause_checks=1, cause_fixes=1, fixes=1, fix_steps=2, verify=1
    )
    for level in range(1, 40):  # each level: one more of one kind
        raised = [b - a for a, b in zip(astuple(detail(level - 1)), astuple(detail(level)), strict=True)]
        assert sorted(raised) == [0] * 6 + [1], level


class _Shown(HTMLParser):
    """Counts what a problem block shows as the sheet counts it: steps, causes and fixes."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, list[str], list[bool]]] = []  # tag, classes, [has a list of steps]
        self.count = 0
        self.more = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.stack and self.stack[-1][1][:1] == ["fix"] and tag == "ol":
            self.stack[-1][2][0] = True
        self.count += ("step" in classes) + ("cause" in classes) + ("fix" in classes)
        self.stack.append((tag, classes, [False]))

    def handle_endtag(self, tag):
        _, classes, has_steps = self.stack.pop()
        if classes[:1] == ["fix"] and not has_steps[0]:
            self.count += 1  # a one-step fix on one line: its title stands for the step's

    def handle_data(self, data):
        if self.stack and "more" in self.stack[-1][1]:
            self.more = int(re.search(r"\d+", data)[0])


def _total(p) -> int:
    def fix(f) -> int:
        return 1 + len(f.steps) + len(f.verify)

    causes = sum(1 + len(c.checks) + sum(fix(f) for f in c.fixes) for c in p.causes)
    return len(p.diagnosis) + len(p.verification) + causes + sum(fix(f) for f in p.fixes)


def test_what_a_sheet_leaves_off_is_counted_exactly():
    corpus, _ = _sheets()
    macros, L = _environment().get_template("sheets/macros.html.j2").module, labels("zh")
    for rb in corpus.runbooks.values():
        for p in rb.problems:
            level, shown = 0, -1
            while shown != _total(p):
                pd = digest_problem(p, detail(level))
                parser = _Shown()
                parser.feed(str(macros.problem(pd, L)))
                assert parser.count >= shown, (p.id, level)  # more detail never shows less
                shown = parser.count
                assert (shown, parser.more) == (_total(p) - pd.more, pd.more), (p.id, level)
                level += 1
            assert pd.more == 0 and "另有" not in str(macros.problem(pd, L))


def test_sheet_fit_moves_one_problem_one_level_at_a_time():
    corpus, sheets = _sheets()
    fit = sheets.fits[runbook_sheet("chatserver-troubleshooting")]
    everything = len(fit.moves)
    assert fit.levels(0) == (0,) * len(fit.problems)
    assert [level for _, level in fit.moves] == sorted(level for _, level in fit.moves)  # fair shares
    top = zip(fit.problems, fit.levels(everything), strict=True)
    assert all(digest_problem(p, detail(level)).more == 0 for p, level in top)
    assert fit.lines == sorted(fit.lines) and len(fit.lines) == everything + 1
    assert "另有" not in fit.render(everything) and "另有" in fit.render(0)
    nginx = [
        p
        for rb in sorted(corpus.runbooks.values(), key=lambda rb: rb.id)
        if "nginx" in rb.services
        for p in rb.problems
    ]
    assert sheets.fits[service_sheet("nginx")].problems == nginx  # a service sheet fits all its runbooks at once


def test_long_problems_may_continue_in_the_next_column_and_columns_break_where_asked():
    _, sheets = _sheets()
    fit = sheets.fits[runbook_sheet("nginx-502-bad-gateway")]
    assert '<section class="problem long" id="bad-gateway">' in fit.render(len(fit.moves))
    assert '<section class="problem" id="bad-gateway">' in fit.render(0)
    assert "<style>" not in fit.render(0)
    css = ".columns > :nth-child(2) > :nth-child(5) { break-before: column; }"
    assert column_breaks([(2, 5)]) == css and f"<style>\n{css}\n</style>" in fit.render(0, [(2, 5)])
