"""The site settings the generator needs from mkdocs.yml, read in this one place with MkDocs' own
loader (so `!ENV` tags work): the site's URL, `page.html` or `page/`, and its language."""

from __future__ import annotations

from pathlib import Path


def site_settings(mkdocs_yml: Path) -> dict:
    """{"url", "directory_urls", "language"}; MkDocs' defaults (and English) when there is no readable file."""
    from mkdocs.utils.yaml import yaml_load

    from generator.core import fsio

    try:
        config = yaml_load(fsio.read_bytes(mkdocs_yml).decode("utf-8")) or {}
    except Exception:  # noqa: BLE001 - no site, or one MkDocs itself will refuse with its own message
        config = {}
    if not isinstance(config, dict):
        config = {}
    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return {
        "url": str(config.get("site_url") or ""),
        "directory_urls": config.get("use_directory_urls", True) is not False,
        "language": language if isinstance(language, str) and language else "en",
    }


def page_url(site: dict, folder: str, doc: str, anchor: str = "", base: str | None = None) -> str:
    """A generated document's page (`runbooks/` or `incidents/`, and an anchor on it), under `base` or
    the site's URL, else relative."""
    page = f"{folder}/{doc}/" if site["directory_urls"] else f"{folder}/{doc}.html"
    page += f"#{anchor}" if anchor else ""
    base = site["url"] if base is None else base
    return f"{base.rstrip('/')}/{page}" if base else page


def runbook_url(site: dict, runbook: str, anchor: str = "", base: str | None = None) -> str:
    """A runbook's page (and an anchor on it), under `base` or the site's URL, else relative."""
    return page_url(site, "runbooks", runbook, anchor, base)
