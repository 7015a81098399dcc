"""Sheets laid out with WeasyPrint: fitted to their page budgets, overflow named and measured, nothing fetched."""

from __future__ import annotations

import re

import pytest

from generator.core import pipeline
from generator.outputs.pdf import BALANCE_GAP, MAX_LAYOUTS, _InMemory, _lay_out, column_space, layout, missing_cjk_font
from generator.outputs.sheets import CSS_PATH, render_sheets, runbook_sheet, service_sheet
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY

pytestmark = pytest.mark.slow  # PDF layout with WeasyPrint

PROBLEM = """\
  - id: problem-{i}
    title: 问题 {i}：服务无法启动，端口被占用
    symptoms: [启动失败, Address already in use]
    diagnosis:
      - title: 检查端口
        run: ss -tlnp | grep ${{PORT}}
      - title: 查看日志
        run: journalctl -u web -n 50 --no-pager
"""


# A problem with more than a sheet shows of it when there are many.
BIG_PROBLEM = """\
  - id: big-{i}
    title: 问题 {i}：连接被拒绝
    symptoms: [Connection refused]
    diagnosis:
      - title: 检查端口
        run: ss -tlnp | grep ${{PORT}}
      - title: 查看日志
        run: journalctl -u web -n 50 --no-pager
      - title: 检查进程
        run: pgrep -a web
    causes:
      - id: down-{i}
        title: 服务未运行
        category: configuration
        checks:
          - title: 服务状态
            run: systemctl status web --no-pager
        fixes:
          - id: start-{i}
            title: 启动服务
            steps:
              - title: 启动
                run: sudo systemctl start web
              - title: 设为开机启动
                run: sudo systemctl enable web
            verify:
              - title: 端口在监听
                run: ss -tlnp | grep ${{PORT}}
      - id: port-{i}
        title: 端口配置错误
        category: configuration
        fixes:
          - id: port-fix-{i}
            title: 改正端口
            steps:
              - title: 编辑配置
                run: sudo nano /etc/web/config.ini
"""


def _sheets(tmp_path, problems: int = 0, big: int = 0):
    (tmp_path / "runbooks").mkdir(parents=True)
    text = MINIMAL_RUNBOOK + "".join(PROBLEM.format(i=i) for i in range(problems))
    text += "".join(BIG_PROBLEM.format(i=i) for i in range(big))
    (tmp_path / "runbooks/web-502.yaml").write_text(text, encoding="utf-8")
    corpus, findings = pipeline.run(tmp_path, today=TODAY)
    assert [f for f in findings if f.severity == "error"] == []
    return render_sheets(corpus, commit="abc1234", today=TODAY, language="zh")


def test_a_short_runbook_fits_its_page(tmp_path):
    sheets = _sheets(tmp_path)
    [sheet] = layout(sheets, [runbook_sheet("web-502")])
    assert (sheet.pages, sheet.budget, sheet.over, sheet.overflow_mm) == (1, 1, False, 0.0)
    assert sheet.pdf.startswith(b"%PDF") and sheet.path == "sheets/runbooks/web-502.pdf"


def test_an_overflowing_sheet_is_named_with_its_overflow(tmp_path):
    sheets = _sheets(tmp_path, problems=40)
    runbook, service = layout(sheets, [runbook_sheet("web-502"), service_sheet("web")])
    assert runbook.over and runbook.pages >= 2 and runbook.budget == 1
    assert runbook.overflow_mm > 20
    report = runbook.report()
    assert report.startswith(f"sheets/runbooks/web-502.html: {runbook.pages} pages, budget 1: overflows by ")
    assert f"({runbook.overflow_mm:.0f} mm of column content)" in report
    assert service.budget == 2  # a service sheet may take two pages


def test_overflow_grows_with_the_content(tmp_path):
    a = layout(_sheets(tmp_path / "a", problems=40), [runbook_sheet("web-502")])[0]
    b = layout(_sheets(tmp_path / "b", problems=50), [runbook_sheet("web-502")])[0]
    assert b.overflow_mm > a.overflow_mm


def test_only_the_generated_files_are_fetched(tmp_path):
    fetcher = _InMemory({CSS_PATH: "body {}"})
    assert fetcher.fetch("file:///kb-sheets/sheets/sheet.css").read() == b"body {}"
    for url in ("http://example.invalid/x.css", "file:///etc/passwd", "file:///kb-sheets/other.css"):
        with pytest.raises(ValueError, match="may only load the files generated with it"):
            fetcher.fetch(url)


def test_cjk_font_check():
    assert missing_cjk_font(["<p>only ASCII</p>"]) is None
    assert missing_cjk_font(["<p>端口被占用</p>"]) is None  # make setup installs fonts-noto-cjk


def test_a_long_runbook_shows_as_much_as_fits_on_its_page(tmp_path):
    sheets = _sheets(tmp_path, big=14)
    fit = sheets.fits[runbook_sheet("web-502")]
    [sheet] = layout(sheets, [runbook_sheet("web-502")])
    assert (sheet.pages, sheet.over, sheet.complete) == (1, False, False)  # everything would take two pages
    assert sheet.fill >= 0.8 and sheet.layouts <= MAX_LAYOUTS + 1
    assert sheet.html != sheets[runbook_sheet("web-502")]  # the page the PDF shows, not the fixed amount
    unbalanced = re.sub(r"<style>.*?</style>\n", "", sheet.html, flags=re.DOTALL)
    shown = next(n for n in range(len(fit.moves) + 1) if fit.render(n) == unbalanced)
    assert 0 < shown < len(fit.moves)
    assert re.findall(r"另有 \d+ 项", sheet.html)  # what is left off is counted, problem by problem


def test_a_sheet_holding_everything_balances_its_columns(tmp_path):
    sheets = _sheets(tmp_path, big=5)
    [sheet] = layout(sheets, [runbook_sheet("web-502")])
    assert (sheet.pages, sheet.complete, sheet.layouts) == (1, True, 2)  # one layout to fit, one to balance
    assert "break-before: column" in sheet.html
    fit = sheets.fits[runbook_sheet("web-502")]

    def columns(html: str) -> tuple[list[float], float]:
        space = column_space(_lay_out(html, runbook_sheet("web-502"), _InMemory(sheets)).document.pages[0])
        return [b - space.top for b in space.filled] + [0.0] * (2 - len(space.filled)), space.bottom - space.top

    (filled, height), (balanced, _) = columns(fit.render(len(fit.moves))), columns(sheet.html)
    assert filled[0] - filled[1] > BALANCE_GAP * height  # columns filled one after the other: uneven
    assert max(balanced) < max(filled) and abs(balanced[0] - balanced[1]) < filled[0] - filled[1]


def test_the_example_sheets_use_their_page_budget_or_show_everything():
    """What `kb sheet --all` prints, measured from the layout: each sheet fills at least 80% of its budget's
    column space, or shows everything of its runbooks; none overflows."""
    corpus, _ = pipeline.run(ROOT, today=TODAY)
    sheets = render_sheets(corpus, commit="abc1234", today=TODAY, language="zh")
    laid = layout(sheets)
    assert {s.sheet for s in laid} == {p for p in sheets if p.endswith(".html")}
    for s in laid:
        assert not s.over, s.report()
        assert s.fill >= 0.8 or s.complete, f"{s.sheet}: {s.fill:.0%} of its column space, and leaves some off"
        assert s.layouts <= MAX_LAYOUTS + 2, s.sheet  # the search, the least detail, the balancing
    chatserver = next(s for s in laid if s.sheet == runbook_sheet("chatserver-troubleshooting"))
    assert not chatserver.complete and chatserver.fill >= 0.8  # too much for one page: fitted
