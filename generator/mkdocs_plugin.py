"""MkDocs plugin: adds the generated pages to the site, in memory. Thin on purpose.

The knowledge base is loaded in `on_config`, before MkDocs cleans the output folder, so a build
that fails on bad YAML leaves the previous site as it was.

Quick-fix sheets: a standalone HTML page per runbook and per service (`sheets/...html`, printed with
Ctrl+P) is always added. With `pdf: true`, `mkdocs build` also lays each one out as a PDF next to it;
a sheet over its page budget is a warning, so `mkdocs build --strict` fails and names it. `mkdocs
serve` skips the PDFs: laying them out takes seconds per sheet, too slow for reload-on-save.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .corpus import load_corpus
from .findings import format_text
from .gitinfo import short_commit
from .render.bundle import render_bundle
from .render.site import site_nav

log = logging.getLogger("mkdocs.plugins.kb")

# The offline plugin fetches this shim from a CDN unless a polyfill naming it is already listed.
SHIM_SOURCE = Path("node_modules/iframe-worker/shim/index.js")
SHIM_URI = "assets/vendor/iframe-worker/shim.js"


class KbConfig(Config):
    root = c.Type(str, default=".")  # folder holding incidents/ and runbooks/, relative to mkdocs.yml
    shim = c.Type(str, default=str(SHIM_SOURCE))  # installed by `npm ci`, relative to mkdocs.yml
    pdf = c.Type(bool, default=False)  # lay the quick-fix sheets out as PDFs too (mkdocs build only)


class GeneratedPage(File):
    """A page made in memory. Under `mkdocs serve --dirty` only pages whose text changed are rebuilt."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


class KbPlugin(BasePlugin[KbConfig]):
    command = "build"

    # MkDocs keeps a plugin instance across the rebuilds of `mkdocs serve`: these survive an edit.
    def __init__(self) -> None:
        super().__init__()
        self.load_cache: dict = {}  # file -> last load result, reused while the file is unchanged
        self.previous: dict[str, str] = {}  # path -> text of the generated files in the last build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Declaring this hook is also what makes MkDocs keep the instance between rebuilds.
        self.command = command

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
        self.pdf = self.config.pdf and self.command != "serve"
        bundle = render_bundle(
            corpus,
            today=dt.date.today(),
            language=language,
            site_name=config.site_name,
            commit=short_commit(self.root),
            sheet_pdf=self.pdf,
        )
        self.sheets = bundle.sheets  # laid out as PDFs in on_files
        if self.pdf:
            from .render.pdf import missing_cjk_font  # WeasyPrint loads only when PDFs are wanted

            if reason := missing_cjk_font(self.sheets):
                raise PluginError(reason)
        self.generated = bundle.files
        clashes = [p for p in self.generated if (Path(config.docs_dir) / p).exists()]
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
        for path, text in self.generated.items():
            file = GeneratedPage.generated(config, path, content=text)
            file.changed = self.previous.get(path) != text
            files.append(file)
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(self.shim)))
        if self.pdf:
            self._add_pdfs(files, config)
        return files

    def on_post_build(self, config) -> None:
        self.previous = self.generated  # only a build that finished is the baseline for the next

    def _add_pdfs(self, files: Files, config) -> None:
        """The sheets as PDFs, added as files so the runbook pages' links to them are checked."""
        from .render.pdf import layout

        start = time.perf_counter()
        laid_out = layout(self.sheets)
        for sheet in laid_out:
            files.append(File.generated(config, sheet.path, content=sheet.pdf))
            if sheet.over:  # a warning: --strict fails on it, and the sheet is named
                log.warning(f"quick-fix sheet over its page budget: {sheet.report()}")
        log.info(f"kb: {len(laid_out)} quick-fix sheet PDFs in {time.perf_counter() - start:.1f} s")

    def on_serve(self, server, config, builder):
        for folder in ("incidents", "runbooks"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server
