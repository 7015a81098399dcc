"""What `kb export` writes: the same pages the plugin adds in memory, as {path: text}."""

from __future__ import annotations

import datetime as dt

import yaml

from generator.core.corpus import Corpus
from generator.outputs.bundle import render_bundle
from generator.outputs.site import site_nav

NAV_FILE = "nav.yml"  # the navigation the plugin would build, for a plain mkdocs.yml's `nav:`


def export_files(
    corpus: Corpus,
    *,
    language: str,
    today: dt.date,
    site_name: str = "",
    commit: str = "unknown",
    search_terms: dict[str, dict[str, list[str]]] | None = None,
) -> dict[str, str]:
    """The pages, the quick-fix sheet pages and scripts they link to (PDFs are `kb sheet`'s job), and the
    navigation the plugin would build, for a plain mkdocs.yml's `nav:`."""
    bundle = render_bundle(
        corpus, today=today, language=language, site_name=site_name, commit=commit, search_terms=search_terms
    )
    files = dict(bundle.files)
    nav = site_nav(corpus, [], language)
    files[NAV_FILE] = yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False)
    return files
