"""Sheets laid out with WeasyPrint: page budgets, overflow named and measured, nothing fetched."""

from __future__ import annotations

import pytest

from generator.core import pipeline
from generator.outputs.pdf import _InMemory, layout, missing_cjk_font
from generator.outputs.sheets import CSS_PATH, render_sheets, runbook_sheet, service_sheet
from tests.conftest import MINIMAL_RUNBOOK, TODAY

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


def _sheets(tmp_path, problems: int = 0):
    (tmp_path / "runbooks").mkdir(parents=True)
    text = MINIMAL_RUNBOOK + "".join(PROBLEM.format(i=i) for i in range(problems))
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
