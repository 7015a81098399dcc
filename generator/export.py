"""`kb export`: the same pages the plugin adds in memory, written as files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .corpus import Corpus
from .render.sheets import render_sheets
from .render.site import render_site, site_nav
from .render.snippets import SITE_FOLDER, render_snippets

NAV_FILE = "nav.yml"  # the navigation the plugin would build, for a plain mkdocs.yml's `nav:`


def export_pages(
    corpus: Corpus, out: Path, *, language: str, site_name: str = "", commit: str = "unknown"
) -> list[Path]:
    """The pages, and the quick-fix sheet pages and scripts they link to (PDFs are `kb sheet`'s job)."""
    today = dt.date.today()
    pages = render_site(corpus, today=today, language=language, site_name=site_name, scripts_folder=SITE_FOLDER)
    pages |= render_sheets(corpus, commit=commit, today=today, language=language)
    pages |= {f"{SITE_FOLDER}/{rel}": text for rel, text in render_snippets(corpus, commit=commit, today=today).items()}
    written = []
    for rel, text in pages.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    nav = site_nav(corpus, [], language)
    (out / NAV_FILE).write_text(yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return written
