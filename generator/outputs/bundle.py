"""Everything a build adds beside the hand-written pages: site pages, quick-fix sheets and scripts.

The pages are what MkDocs builds; the sheets and scripts are files the pages link to, which a site
build can make apart from the pages (see `static_paths`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.core.corpus import Corpus
from generator.outputs.memo import Memo
from generator.outputs.sheets import CSS_PATH, pdf_of, render_sheets, runbook_sheet, service_members, service_sheet
from generator.outputs.site import render_site
from generator.outputs.snippets import SITE_FOLDER, render_snippets, script_table


@dataclass
class Bundle:
    pages: dict[str, str]  # Markdown pages (render_site)
    sheets: dict[str, str]  # quick-fix sheet pages and their stylesheet (render_sheets)
    scripts: dict[str, str]  # each runbook's scripts, under SITE_FOLDER (render_snippets)

    @property
    def static(self) -> dict[str, str]:
        return {**self.sheets, **self.scripts}

    @property
    def files(self) -> dict[str, str]:
        return {**self.pages, **self.static}


def render_bundle(
    corpus: Corpus,
    *,
    today: dt.date,
    language: str,
    site_name: str = "",
    commit: str,
    sheet_pdf: bool = False,
    memo: Memo | None = None,
    search_terms: dict[str, dict[str, list[str]]] | None = None,
) -> Bundle:
    """The pages, and the sheet pages and scripts they link to. With sheet_pdf, pages link the sheets' PDFs."""
    pages = render_pages(
        corpus,
        today=today,
        language=language,
        site_name=site_name,
        sheet_pdf=sheet_pdf,
        memo=memo,
        search_terms=search_terms,
    )
    sheets, scripts = render_static(corpus, today=today, language=language, commit=commit, memo=memo)
    return Bundle(pages=pages, sheets=sheets, scripts=scripts)


def render_pages(
    corpus: Corpus,
    *,
    today: dt.date,
    language: str,
    site_name: str = "",
    sheet_pdf: bool = False,
    memo: Memo | None = None,
    search_terms: dict[str, dict[str, list[str]]] | None = None,
) -> dict[str, str]:
    """The site's Markdown pages, linking to the scripts under SITE_FOLDER."""
    return render_site(
        corpus,
        today=today,
        language=language,
        site_name=site_name,
        scripts_folder=SITE_FOLDER,
        sheet_pdf=sheet_pdf,
        memo=memo,
        search_terms=search_terms,
    )


def render_static(
    corpus: Corpus, *, today: dt.date, language: str, commit: str, memo: Memo | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """(sheets, scripts): the files the pages link to, keyed by their paths in the site."""
    sheets = render_sheets(corpus, commit=commit, today=today, language=language, memo=memo)
    scripts = render_snippets(corpus, commit=commit, today=today, memo=memo)
    return sheets, {f"{SITE_FOLDER}/{rel}": text for rel, text in scripts.items()}


def static_paths(corpus: Corpus, *, pdf: bool = False) -> list[str]:
    """The paths render_static makes (and with pdf, the sheets' PDFs), known without rendering anything."""
    runbooks = sorted(corpus.runbooks.values(), key=lambda rb: rb.id)
    sheets = [runbook_sheet(rb.id) for rb in runbooks]
    sheets += [service_sheet(s) for s in service_members(corpus)]
    scripts = [f"{SITE_FOLDER}/{rb.id}/{name}" for rb in runbooks for name, *_ in script_table(rb)]
    return [CSS_PATH, *sheets, *([pdf_of(s) for s in sheets] if pdf else []), *scripts]
