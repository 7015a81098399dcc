"""Quick-fix sheets laid out as A4 PDFs with WeasyPrint, fitted to and checked against their page budgets.

Pure in the sense that matters: HTML in, PDF bytes and page counts out, nothing written. The sheets'
stylesheet is served from the same in-memory files; every other URL is refused, so a layout never
reaches outside the machine.

Fitting: a sheet rendered by render_sheets comes with a SheetFit (outputs/sheets.py) that renders it
with more or less of each problem. Each try is laid out and measured (column height used against the
column space of the budget); a search keeps the most detail that stays within the budget, in a bounded
number of layouts (MAX_LAYOUTS), guided by estimated line counts. When even the least detail overflows,
that is what is printed, and reported.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import Box, LineBox, MarginBox
from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.outputs.sheets import SheetFiles, SheetFit, budget, pdf_of

BASE = "file:///kb-sheets/"  # a base URL that exists only in memory
PX_PER_MM = 96 / 25.4
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

MAX_LAYOUTS = 6  # per sheet, while searching; a layout takes 0.2 to 0.7 s
TARGET = 0.95  # the first guess aims under the full column space: blocks kept whole leave gaps
CLOSE_ENOUGH = 0.015  # of the column space: less than this left to gain is not worth another layout
BALANCE_GAP = 0.1  # of a column's height: columns of a last page more uneven than this are balanced


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
    html: str = ""  # the page laid out: for a fitted sheet, not the one render_sheets made
    fill: float = 0.0  # share of the budget's column space used
    complete: bool | None = None  # shows everything of its runbooks (None: not fitted)
    layouts: int = 1  # layouts made to fit it
    seconds: float = 0.0  # spent laying it out, fitting included

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


def _multicol(box: Box) -> Box | None:
    """The box of a page holding the sheet's columns (.columns), if the page has it."""
    for child in getattr(box, "children", ()):
        if any(c.is_column for c in getattr(child, "children", ())):
            return child
        if found := _multicol(child):
            return found
    return None


def _bottom(box: Box) -> float:
    return box.border_box_y() + box.border_height()


def _content_bottom(block: Box) -> float:
    """Where a block's content ends: a block that continues in the next column reaches down to the
    column's bottom whatever it holds, its children do not."""
    return max((_bottom(child) for child in getattr(block, "children", ())), default=_bottom(block))


@dataclass
class ColumnSpace:
    """A page's columns (CSS px): where they start and end, and where the content of each one ends."""

    top: float
    bottom: float
    count: int  # columns a page holds (sheet.css), filled or not
    filled: list[float]  # per column box on the page: the bottom of its last block's content

    @property
    def capacity(self) -> float:
        return self.count * (self.bottom - self.top)

    @property
    def used(self) -> float:
        return sum(b - self.top for b in self.filled)

    @property
    def room(self) -> float:
        """Column space after the last block: what more content could take on this page."""
        empty = self.count - len(self.filled)
        last = self.bottom - self.filled[-1] if self.filled else 0.0
        return empty * (self.bottom - self.top) + last


def column_space(page) -> ColumnSpace | None:
    page_box = page._page_box  # WeasyPrint has no public API for this; the version is pinned
    multicol = _multicol(page_box)
    if multicol is None:
        return None
    top = multicol.content_box_y()
    filled = [max((_content_bottom(b) for b in c.children), default=top) for c in multicol.children if c.is_column]
    return ColumnSpace(top, page_box.content_box_y() + page_box.height, multicol.style["column_count"], filled)


@dataclass
class _Layout:
    """A sheet laid out, measured against its budget (CSS px of column height)."""

    html: str
    document: Document
    allowed: int  # pages
    used: float  # column content on the budget's pages
    capacity: float  # column space of the budget's pages, pages left blank included
    room: float  # column space after the last content, within the budget
    overflow: float  # column content past the budget

    @property
    def fits(self) -> bool:
        return len(self.document.pages) <= self.allowed

    @property
    def content(self) -> float:
        return self.used + self.overflow

    @property
    def fill(self) -> float:
        return self.used / self.capacity if self.capacity else 0.0


def _lay_out(html: str, path: str, fetcher: _InMemory) -> _Layout:
    document = HTML(string=html, base_url=urljoin(BASE, path), url_fetcher=fetcher).render()
    allowed = budget(path)
    pages = document.pages[:allowed]
    spaces = [s for s in map(column_space, pages) if s]
    used, capacity, room = sum(s.used for s in spaces), sum(s.capacity for s in spaces), 0.0
    if spaces:
        # A budget page left blank is column space too (a service sheet that takes one page of two).
        blank = (allowed - len(pages)) * spaces[-1].count * pages[-1]._page_box.height
        capacity, room = capacity + blank, spaces[-1].room + blank
    overflow = sum(_used_column_height(p) for p in document.pages[allowed:])
    return _Layout(html, document, allowed, used, capacity, room, overflow)


def _fit(fit: SheetFit, lay_out: Callable[[str], _Layout]) -> tuple[int, _Layout, int]:
    """The most detail that stays within the budget: (the moves it makes, its layout, layouts made).

    Everything first: most sheets hold it, in one layout. Otherwise the search keeps `lo`, the most moves
    known to fit, and `hi`, the fewest known to overflow. Guesses turn measured heights into estimated
    lines (SheetFit.lines, scaled by a layout): from above, aim at what the budget's pages held in the
    overflowing layout (blocks kept whole leave gaps); from below, at the room left after the last block
    of the fitting one, but not past halfway to hi (that room may be a gap no block fits in)."""
    top = len(fit.moves)
    tried: dict[int, _Layout] = {}

    def at(n: int) -> _Layout:
        tried[n] = lay_out(fit.render(n))
        return tried[n]

    if at(top).fits:
        return top, tried[top], 1
    lines = fit.lines
    lo, hi = -1, top
    while hi - lo > 1 and len(tried) < MAX_LAYOUTS:
        measured = tried[hi] if lo < 0 else tried[lo]
        px_per_line = measured.content / max(1, lines[hi if lo < 0 else lo])
        if lo < 0:
            aim = min(measured.used, TARGET * measured.capacity) / px_per_line
            n = max((k for k in range(hi) if lines[k] <= aim), default=0)
        elif measured.room < CLOSE_ENOUGH * measured.capacity:
            break
        else:
            aim = min(lines[lo] + measured.room / px_per_line, (lines[lo] + lines[hi]) / 2)
            n = max((k for k in range(lo + 1, hi) if lines[k] <= aim), default=lo + 1)
        if at(n).fits:
            lo = n
        elif n == 0:
            break
        else:
            hi = n
    if lo < 0:  # even the least detail overflows: print it, and report
        return 0, tried[0] if 0 in tried else at(0), len(tried)
    return lo, tried[lo], len(tried)


@dataclass
class _Piece:
    """What a column break may go before: a block of the columns, or a part of a long problem."""

    path: tuple[int, ...]  # child positions under the columns (1-based), for sheets.column_breaks
    top: float
    bottom: float
    heading: bool  # kept with what follows: no break after it


def _position(parent, element) -> int:
    return next(i for i, e in enumerate(parent, start=1) if e is element)


def _pieces(column: Box, columns_element) -> list[_Piece]:
    pieces = []
    for block in column.children:
        if block.element is columns_element:  # anonymous: no element to put a break on
            continue
        path = (_position(columns_element, block.element),)
        classes = block.element.get("class", "").split()
        if "long" not in classes:
            pieces.append(_Piece(path, block.border_box_y(), _bottom(block), "runbook-head" in classes))
            continue
        for part in block.children:
            if part.element is block.element:
                continue
            heading = part.element.tag == "h3" or "symptoms" in part.element.get("class", "").split()
            pieces.append(
                _Piece((*path, _position(block.element, part.element)), part.border_box_y(), _bottom(part), heading)
            )
    return pieces


def _balanced(
    laid: _Layout, fit: SheetFit, n: int, lay_out: Callable[[str], _Layout]
) -> tuple[_Layout, list[tuple[int, ...]]]:
    """The sheet with the two columns of its last page balanced, when they are uneven enough to matter.

    WeasyPrint's column-fill: balance lays a page out again a pixel at a time (ten times slower on these
    sheets). Instead, the layout says where the blocks of the last page sit, a column break goes before
    the one that evens the columns best, and one more layout checks it: kept if the pages are the same.
    Returns the layout kept and its column breaks."""
    page = laid.document.pages[-1]
    space, multicol = column_space(page), _multicol(page._page_box)
    if space is None or multicol is None or space.count != 2 or not space.filled:
        return laid, []
    height = space.bottom - space.top
    left, right = [b - space.top for b in space.filled] + [0.0] * (2 - len(space.filled))
    if left - right < BALANCE_GAP * height:
        return laid, []
    pieces = _pieces(next(c for c in multicol.children if c.is_column), multicol.element)
    best, breaks = left, []
    for before, piece in zip(pieces, pieces[1:], strict=False):
        moved = pieces[-1].bottom - piece.top  # what goes to the second column
        tallest = max(before.bottom - space.top, moved + right)
        if not before.heading and moved + right <= height and tallest < best:
            best, breaks = tallest, [piece.path]
    if not breaks or left - best < BALANCE_GAP * height / 2:
        return laid, []
    balanced = lay_out(fit.render(n, breaks))
    if len(balanced.document.pages) == len(laid.document.pages) and balanced.fits:
        return balanced, breaks
    return laid, []


def _fit_sheet(
    fit: SheetFit, lay_out: Callable[[str], _Layout], alike: dict[tuple[str, ...], list[tuple[int, ...]]]
) -> tuple[_Layout, int, bool]:
    """A sheet fitted and balanced: (its layout, layouts made, whether it shows everything).

    `alike` holds the column breaks of sheets that showed everything, by SheetFit.alike: a sheet like one
    of them (the service sheets of one runbook) tries those first, one layout instead of two. Showing
    everything within the budget, that layout needs no search."""
    layouts = 0
    if fit.alike in alike:
        laid = lay_out(fit.render(len(fit.moves), alike[fit.alike]))
        if laid.fits:
            return laid, 1, True
        layouts = 1
    n, laid, searched = _fit(fit, lay_out)
    complete = n == len(fit.moves)
    if laid.fits:
        laid, breaks = _balanced(laid, fit, n, lay_out)
        layouts += bool(breaks)
        if complete and fit.alike:
            alike[fit.alike] = breaks
    return laid, layouts + searched, complete


def layout(files: dict[str, str], sheets: list[str] | None = None) -> list[SheetPdf]:
    """Lay out the given sheets (default: every HTML file) and measure them against their budgets.

    A sheet that `files` (render_sheets' SheetFiles) has a SheetFit for is fitted to its budget first, and
    the columns of its last page balanced: its SheetPdf's `html` is the page the PDF shows, the one to
    publish beside it (files[path] shows a fixed amount)."""
    fetcher = _InMemory(files)
    fits = files.fits if isinstance(files, SheetFiles) else {}
    alike: dict[tuple[str, ...], list[tuple[int, ...]]] = {}  # see _fit_sheet
    out = []
    for path in sheets if sheets is not None else [p for p in files if p.endswith(".html")]:
        started = time.perf_counter()

        def lay_out(html: str, path: str = path) -> _Layout:
            return _lay_out(html, path, fetcher)

        if fit := fits.get(path):
            laid, layouts, complete = _fit_sheet(fit, lay_out, alike)
        else:
            laid, layouts, complete = lay_out(files[path]), 1, None
        seconds = time.perf_counter() - started
        pages = laid.document.pages
        pdf = laid.document.write_pdf()
        out.append(
            SheetPdf(
                path,
                len(pages),
                laid.allowed,
                _overflow_mm(pages, laid.allowed),
                pdf,
                html=laid.html,
                fill=laid.fill,
                complete=complete,
                layouts=layouts,
                seconds=seconds,
            )
        )
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
