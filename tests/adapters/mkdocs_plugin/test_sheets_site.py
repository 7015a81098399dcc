"""The quick-fix sheets of the built example site: PDFs, their text, and Chromium's print of the pages.

PNGs of each sheet's first page, for a person to look at, are written to test-artifacts/sheets/.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.adapters.cli.options import site_language
from generator.core import pipeline
from generator.core.gitinfo import short_commit
from generator.outputs.pdf import SheetPdf, layout
from generator.outputs.sheets import (
    CSS_PATH,
    TEMPLATES,
    digest_runbook,
    pdf_of,
    render_sheets,
    runbook_sheet,
    service_sheet,
)
from tests.adapters.cli.test_sheet import pages
from tests.adapters.mkdocs_plugin.test_site_browser import CHROMIUM, Page, browser  # noqa: F401 (a fixture)
from tests.conftest import ROOT, TODAY

PNGS = ROOT / "test-artifacts" / "sheets"
# Fitted to their budget of two pages, these show everything on two; every other sheet takes one page.
EXPECTED_PAGES = {service_sheet("nginx"): 2, service_sheet("chatserver"): 2}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def corpus():
    return pipeline.run(ROOT, today=TODAY)[0]


@pytest.fixture(scope="module")
def fitted() -> dict[str, SheetPdf]:
    """The example sheets fitted to their budgets, as the site build lays them out (today, this commit)."""
    corpus = pipeline.run(ROOT)[0]
    files = render_sheets(corpus, commit=short_commit(ROOT), today=dt.date.today(), language=site_language(ROOT))
    return {s.sheet: s for s in layout(files)}


@pytest.fixture(scope="module")
def sheets(example_site) -> list[str]:
    return sorted(p.relative_to(example_site).as_posix() for p in (example_site / "sheets").rglob("*.html"))


def text_of(pdf: Path, page: int | None = None) -> str:
    which = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *which, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_every_sheet_has_its_pdf_with_the_expected_pages_and_a_png(example_site, sheets, corpus):
    services = {s for rb in corpus.runbooks.values() for s in rb.services}
    assert sheets == sorted([runbook_sheet(r) for r in corpus.runbooks] + [service_sheet(s) for s in services])
    shutil.rmtree(PNGS, ignore_errors=True)
    PNGS.mkdir(parents=True)
    for sheet in sheets:
        pdf = example_site / pdf_of(sheet)
        count = pages(pdf)
        assert count == EXPECTED_PAGES.get(sheet, 1), sheet
        assert text_of(pdf, count).strip(), f"{sheet}: blank last page"
        name = sheet.removeprefix("sheets/").removesuffix(".html").replace("/", "-")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(PNGS / name)]
        )
        assert (PNGS / f"{name}.png").stat().st_size > 10_000


def test_pdf_text_has_the_chinese_titles_and_the_commands_intact(example_site, corpus):
    fonts = subprocess.run(
        ["pdffonts", str(example_site / pdf_of(runbook_sheet("voms-troubleshooting")))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CJK" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    for rb in corpus.runbooks.values():
        text = text_of(example_site / pdf_of(runbook_sheet(rb.id)))
        assert "\ufffd" not in text and "□" not in text
        flat = re.sub(r"\s+", "", text)
        d = digest_runbook(rb, TODAY)
        for title in [rb.title, *(p.problem.title for p in d.problems)]:
            assert re.sub(r"\s+", "", title) in flat, f"{rb.id}: {title}"
        steps = [*d.health, *(s for p in d.problems for s in p.checks)]
        steps += [s for p in d.problems for c in p.causes for f in c.fixes for s in f.steps]
        commands = [s.run for s in steps if s.run and "\n" not in s.run.strip()]
        assert len(commands) >= 3
        for command in commands:  # whole, words unbroken: lines may wrap only at spaces
            assert squeeze(command) in squeeze(text), f"{rb.id}: {command}"


def test_runbook_pages_link_to_their_sheet_and_pdf(example_site, corpus):
    for rb in corpus.runbooks:
        page = (example_site / f"runbooks/{rb}.html").read_text(encoding="utf-8")
        assert f'href="../sheets/runbooks/{rb}.html"' in page and f'href="../sheets/runbooks/{rb}.pdf"' in page


def test_chromium_prints_each_sheet_page_on_as_many_pages_as_weasyprint(browser, example_site, sheets, tmp_path):  # noqa: F811
    css = (example_site / CSS_PATH).read_text(encoding="utf-8")
    p = Page(browser, example_site)
    try:
        for sheet in sheets:
            page = p.open(sheet)
            assert page.locator("nav, .md-header, .md-sidebar").count() == 0  # the sheet itself, no site chrome
            printed = tmp_path / Path(sheet).with_suffix(".pdf").name
            page.pdf(path=str(printed), prefer_css_page_size=True, print_background=True)
            # WeasyPrint's layout of this very page (the site's PDF may show a fitted one: see below).
            [weasyprint] = layout({CSS_PATH: css, sheet: (example_site / sheet).read_text(encoding="utf-8")}, [sheet])
            assert pages(printed) == weasyprint.pages, sheet
        assert p.outside == []
    finally:
        p.close()


def test_chromium_prints_each_fitted_sheet_on_as_many_pages_as_its_pdf(browser, fitted, tmp_path):  # noqa: F811
    """The fitted pages (more or less of each problem, long problems continuing in the next column,
    column breaks that balance the last page) print in Chromium as WeasyPrint lays them out."""
    (tmp_path / CSS_PATH).parent.mkdir(parents=True)
    (tmp_path / CSS_PATH).write_text((TEMPLATES / CSS_PATH).read_text(encoding="utf-8"), encoding="utf-8")
    p = Page(browser, tmp_path)
    try:
        for sheet, laid in fitted.items():
            (tmp_path / sheet).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / sheet).write_text(laid.html, encoding="utf-8")
            printed = tmp_path / Path(sheet).with_suffix(".pdf").name
            p.open(sheet).pdf(path=str(printed), prefer_css_page_size=True, print_background=True)
            assert pages(printed) == laid.pages, sheet
        assert p.outside == []
    finally:
        p.close()


def test_the_site_publishes_each_sheet_as_its_pdf_shows_it(example_site, fitted):
    for sheet, laid in fitted.items():
        assert (example_site / sheet).read_text(encoding="utf-8") == laid.html, sheet
