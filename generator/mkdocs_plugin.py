"""MkDocs plugin: adds the generated pages to the site, in memory. Thin on purpose.

The knowledge base is loaded in `on_config`, before MkDocs cleans the output folder, so a build
that fails on bad YAML leaves the previous site as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .corpus import load_corpus
from .findings import format_text
from .gitinfo import short_commit
from .render.site import render_site, site_nav
from .render.snippets import SITE_FOLDER, render_snippets

log = logging.getLogger("mkdocs.plugins.kb")

# The offline plugin fetches this shim from a CDN unless a polyfill naming it is already listed.
SHIM_SOURCE = Path("node_modules/iframe-worker/shim/index.js")
SHIM_URI = "assets/vendor/iframe-worker/shim.js"


class KbConfig(Config):
    root = c.Type(str, default=".")  # folder holding incidents/ and runbooks/, relative to mkdocs.yml
    shim = c.Type(str, default=str(SHIM_SOURCE))  # installed by `npm ci`, relative to mkdocs.yml


class GeneratedPage(File):
    """A page made in memory. Under `mkdocs serve --dirty` only pages whose text changed are rebuilt."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


class KbPlugin(BasePlugin[KbConfig]):
    # MkDocs keeps a plugin instance across the rebuilds of `mkdocs serve`: these survive an edit.
    def __init__(self) -> None:
        super().__init__()
        self.load_cache: dict = {}  # file -> last load result, reused while the file is unchanged
        self.previous: dict[str, str] = {}  # path -> text of the pages in the last build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declaring this hook is what makes MkDocs keep the instance between rebuilds."""

    @event_priority(-100)  # after the offline plugin, whose polyfill this replaces
    def on_config(self, config):
        base = Path(config.config_file_path).parent
        self.root = (base / self.config.root).resolve()
        self.shim = (base / self.config.shim).resolve()
        corpus, findings = load_corpus(self.root, cache=self.load_cache)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            details = "\n".join(format_text(f) for f in errors)
            raise PluginError(f"the knowledge base has {len(errors)} error(s); run `kb validate`:\n{details}")
        for f in findings:  # warnings (stale runbooks...) inform; they must not fail a --strict build
            log.info(format_text(f))
        language = config.theme.get("language") or "en"
        today = dt.date.today()
        self.pages = render_site(
            corpus, today=today, language=language, site_name=config.site_name, scripts_folder=SITE_FOLDER
        )
        scripts = render_snippets(corpus, commit=short_commit(self.root), today=today)
        self.scripts = {f"{SITE_FOLDER}/{rel}": text for rel, text in scripts.items()}
        clashes = [p for p in [*self.pages, *self.scripts] if (Path(config.docs_dir) / p).exists()]
        if clashes:
            raise PluginError(f"{config.docs_dir}/{clashes[0]} would hide a generated page of the same name; rename it")
        if not self.shim.is_file():
            raise PluginError(f"missing {self.shim}: run `npm ci` (make does it) to install the offline search shim")
        if config.nav is None:  # a nav written in mkdocs.yml wins
            docs = Path(config.docs_dir)
            hand_written = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
            config.nav = site_nav(corpus, hand_written, language)
        # Replace whatever the offline plugin added (a CDN URL) with the copy shipped in the site.
        polyfills = config.extra.setdefault("polyfills", [])
        polyfills[:] = [p for p in polyfills if "iframe-worker" not in str(p)] + [SHIM_URI]
        return config

    def on_files(self, files: Files, config) -> Files:
        for path, text in {**self.pages, **self.scripts}.items():
            page = GeneratedPage.generated(config, path, content=text)
            page.changed = self.previous.get(path) != text
            files.append(page)
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(self.shim)))
        return files

    def on_post_build(self, config) -> None:
        self.previous = {**self.pages, **self.scripts}  # only a build that finished counts as the baseline for the next

    def on_serve(self, server, config, builder):
        for folder in ("incidents", "runbooks"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server
