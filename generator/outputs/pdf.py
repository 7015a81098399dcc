"""Quick-fix sheets laid out as A4 PDFs with WeasyPrint, each checked against its page budget.

Pure in the sense that matters: HTML in, PDF bytes and page counts out, nothing written. The sheets'
stylesheet is served from the same in-memory files; every other URL is refused, so a layout never
reaches outside the machine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from weasyprint import HTML
from weasyprint.formatting_structure.boxes import LineBox, MarginBox
from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.outputs.sheets import budget, pdf_of

BASE = "file:///kb-sheets/"  # a base URL that exists only in memory
PX_PER_MM = 96 / 25.4
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


class _InMemory(URLFetcher):
    """Serves the generated files; refuses everything else (no network, no disk)."""

    def __init__(self, files: dict[str, str]):
        super().__init__(allowed_protocols=["file"])
        self.files = files

    def fetch(self, url, headers=None):
        path = url.removeprefix(BASE)
        if not url.startswith(BASE) or path not in self.files:
            raise ValueError(f"a sheet may only load the files generated with it, not {url}")
        mime = "text/css" if path.endswith(".css") else "text/html"
        return URLFetcherResponse(url, self.files[path], {"Content-Type": f"{mime}; charset=utf-8"})


@dataclass
class SheetPdf:
    sheet: str  # the HTML sheet's path
    pages: int
    budget: int
    overflow_mm: float  # column height of the content past the last page of the budget
    pdf: bytes

    @property
    def path(self) -> str:
        return pdf_of(self.sheet)

    @property
    def over(self) -> bool:
        return self.pages > self.budget

    def report(self) -> str:
        """One line naming the sheet and how far it overflows its budget."""
        extra = self.pages - self.budget
        return (
            f"{self.sheet}: {self.pages} pages, budget {self.budget}: overflows by {extra} page"
            f"{'s' if extra > 1 else ''} ({self.overflow_mm:.0f} mm of column content); "
            "shorten the runbook's problems or split the runbook"
        )


def _used_column_height(page) -> float:
    """CSS px of text on a page, column by column: the lowest line in each half of the page, added up.

    Lines, not blocks: a column box reaches the bottom of the page whatever it holds."""
    page_box = page._page_box  # WeasyPrint has no public API for this; the version is pinned
    top, middle = page_box.content_box_y(), page_box.content_box_x() + page_box.width / 2
    bottoms = [top, top]
    for child in page_box.children:
        if isinstance(child, MarginBox):  # running headers and footers, not content
            continue
        for box in child.descendants():
            if isinstance(box, LineBox):
                half = 0 if box.position_x < middle else 1
                bottoms[half] = max(bottoms[half], box.position_y + box.height)
    return sum(b - top for b in bottoms)


def _overflow_mm(pages: list, allowed: int) -> float:
    return sum(_used_column_height(p) for p in pages[allowed:]) / PX_PER_MM


def layout(files: dict[str, str], sheets: list[str] | None = None) -> list[SheetPdf]:
    """Lay out the given sheets (default: every HTML file) and measure them against their budgets."""
    fetcher = _InMemory(files)
    out = []
    for path in sheets if sheets is not None else [p for p in files if p.endswith(".html")]:
        document = HTML(string=files[path], base_url=urljoin(BASE, path), url_fetcher=fetcher).render()
        allowed = budget(path)
        out.append(SheetPdf(path, len(document.pages), allowed, _overflow_mm(document.pages, allowed), b""))
        out[-1].pdf = document.write_pdf()
    return out


def missing_cjk_font(texts: Iterable[str]) -> str | None:
    """Why Chinese text would print as boxes, or None. Only asked when the texts hold CJK characters."""
    if not any(CJK.search(text) for text in texts):
        return None
    fc_list = shutil.which("fc-list")
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout if fc_list else ""
    if found.strip():
        return None
    return (
        "no font with Chinese glyphs is installed, so Chinese text would print as boxes: "
        "install Debian's fonts-noto-cjk (`make setup` does it)"
    )
