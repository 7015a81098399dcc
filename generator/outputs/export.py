"""`kb export`: the same pages the plugin adds in memory, written as files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from generator.core.corpus import Corpus
from generator.outputs.bundle import render_bundle
from generator.outputs.site import site_nav

NAV_FILE = "nav.yml"  # the navigation the plugin would build, for a plain mkdocs.yml's `nav:`


def export_pages(
    corpus: Corpus, out: Path, *, language: str, site_name: str = "", commit: str = "unknown"
) -> list[Path]:
    """The pages, and the quick-fix sheet pages and scripts they link to (PDFs are `kb sheet`'s job)."""
    pages = render_bundle(corpus, today=dt.date.today(), language=language, site_name=site_name, commit=commit).files
    written = []
    for rel, text in pages.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    nav = site_nav(corpus, [], language)
    (out / NAV_FILE).write_text(yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return written
