"""Where generated pages live on the site, from mkdocs.yml: its URL, and `page.html` or `page/`."""

from __future__ import annotations

from pathlib import Path


def site_settings(mkdocs_yml: Path) -> dict:
    """{"url": site_url or "", "directory_urls": bool}, MkDocs' defaults when there is no readable file."""
    import yaml

    try:
        config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}  # no site, or one using Python tags that a safe loader refuses
    if not isinstance(config, dict):
        config = {}
    return {"url": config.get("site_url") or "", "directory_urls": config.get("use_directory_urls", True) is not False}


def runbook_url(site: dict, runbook: str, anchor: str = "", base: str | None = None) -> str:
    """A runbook's page (and an anchor on it), under `base` or the site's URL, else relative."""
    page = f"runbooks/{runbook}/" if site["directory_urls"] else f"runbooks/{runbook}.html"
    page += f"#{anchor}" if anchor else ""
    base = site["url"] if base is None else base
    return f"{base.rstrip('/')}/{page}" if base else page
