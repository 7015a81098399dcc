"""Everything a build adds beside the hand-written pages: site pages, quick-fix sheets and scripts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..corpus import Corpus
from .sheets import render_sheets
from .site import render_site
from .snippets import SITE_FOLDER, render_snippets


@dataclass
class Bundle:
    pages: dict[str, str]  # Markdown pages (render_site)
    sheets: dict[str, str]  # quick-fix sheet pages and their stylesheet (render_sheets)
    scripts: dict[str, str]  # each runbook's scripts, under SITE_FOLDER (render_snippets)

    @property
    def files(self) -> dict[str, str]:
        return {**self.pages, **self.sheets, **self.scripts}


def render_bundle(
    corpus: Corpus, *, today: dt.date, language: str, site_name: str = "", commit: str, sheet_pdf: bool = False
) -> Bundle:
    """The pages, and the sheet pages and scripts they link to. With sheet_pdf, pages link the sheets' PDFs."""
    pages = render_site(
        corpus, today=today, language=language, site_name=site_name, scripts_folder=SITE_FOLDER, sheet_pdf=sheet_pdf
    )
    scripts = render_snippets(corpus, commit=commit, today=today)
    return Bundle(
        pages=pages,
        sheets=render_sheets(corpus, commit=commit, today=today, language=language),
        scripts={f"{SITE_FOLDER}/{rel}": text for rel, text in scripts.items()},
    )
