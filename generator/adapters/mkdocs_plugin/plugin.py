"""MkDocs plugin: adds the generated pages to the site, in memory. Thin on purpose.

The knowledge base is loaded in `on_config`, before MkDocs cleans the output folder, so a build
that fails on bad YAML leaves the previous site as it was.

The files the pages link to (quick-fix sheets, printed with Ctrl+P, and scripts) are listed with
MkDocs so that links to them are checked, and written by static_files.py: during `mkdocs build` from
a second process while MkDocs builds the pages. With `pdf: true`, `mkdocs build` also lays each sheet
out as a PDF; a sheet over its page budget is a warning, so `mkdocs build --strict` fails and names
it. `mkdocs serve` skips the PDFs: laying them out takes seconds per sheet, too slow for reload-on-save.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from generator.adapters.mkdocs_plugin import staging
from generator.adapters.mkdocs_plugin.static_files import Job, StaticFilesError, Worker, write_static
from generator.core import parallel, pipeline
from generator.core.errors import UsageError
from generator.core.findings import format_text
from generator.core.gcpause import collection_paused
from generator.core.gitinfo import short_commit
from generator.outputs.bundle import render_pages, static_paths
from generator.outputs.memo import Memo
from generator.outputs.site import labels, site_nav
from generator.search.site_terms import for_knowledge_base

log = logging.getLogger("mkdocs.plugins.kb")

# The offline plugin fetches this shim from a CDN unless a polyfill naming it is already listed.
SHIM_SOURCE = Path("node_modules/iframe-worker/shim/index.js")
SHIM_URI = "assets/vendor/iframe-worker/shim.js"


def not_dirty_build_warning(record: logging.LogRecord) -> bool:
    """A logging filter: False for MkDocs' warning that a dirty build is being performed (see on_startup)."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


class KbConfig(Config):
    root = c.Type(str, default=".")  # folder holding incidents/ and runbooks/, relative to mkdocs.yml
    shim = c.Type(str, default=str(SHIM_SOURCE))  # installed by `npm ci`, relative to mkdocs.yml
    pdf = c.Type(bool, default=False)  # lay the quick-fix sheets out as PDFs too (mkdocs build only)


class GeneratedPage(File):
    """A page made in memory. Under `mkdocs serve --dirty` only pages whose text changed are rebuilt."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


class StaticFile(File):
    """A sheet, PDF or script: known to MkDocs, which checks links to it, but written by static_files.py."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return False


class CompiledTemplates(BytecodeCache):
    """The theme's templates, compiled once per `mkdocs serve`: MkDocs makes a new Jinja environment for
    every rebuild, and compiling the theme again took about a tenth of a rebuild."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if code := self.compiled.get(bucket.key):
            bucket.bytecode_from_string(code)  # dropped by Jinja if the template's source has changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class KbPlugin(BasePlugin[KbConfig]):
    command = "build"
    dirty = False

    # MkDocs keeps a plugin instance across the rebuilds of `mkdocs serve`: these survive an edit.
    def __init__(self) -> None:
        super().__init__()
        self.load_cache: dict = {}  # file -> its last load result, reused while its bytes are unchanged
        self.memo = Memo()  # rendered pages, sheets and scripts, reused while their documents are unchanged
        self.previous: dict[str, str] = {}  # path -> text of the pages in the last build
        self.previous_static: dict[str, str] = {}  # the same, for the sheets and scripts
        self.worker: Worker | None = None
        self.compiled_templates = CompiledTemplates()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Declaring this hook is also what makes MkDocs keep the instance between rebuilds.
        self.command, self.dirty = command, dirty
        if command == "serve" and dirty:
            # `make serve` asks for --dirty on purpose (an edit rebuilds only what it changed): MkDocs'
            # warning that a dirty build is being performed would be the first thing a newcomer reads.
            build_log = logging.getLogger("mkdocs.commands.build")
            if not_dirty_build_warning not in build_log.filters:  # once per process, however many starts
                build_log.addFilter(not_dirty_build_warning)

    @event_priority(-100)  # after the offline plugin, whose polyfill this replaces
    def on_config(self, config):
        base = Path(config.config_file_path).parent
        if self.command == "build":  # build beside the site, swap it in at the end: see on_post_build
            self.final_dir = Path(config.site_dir)
            config.site_dir = str(staging.start(self.final_dir))
            self.warnings = staging.WarningCounter()
        self.root = (base / self.config.root).resolve()
        self.shim = (base / self.config.shim).resolve()
        # A build's corpus and pages live until it ends (`mkdocs serve` replaces them on every edit):
        # collection is paused while they are made, and they are kept out of MkDocs' collections after.
        with collection_paused(freeze=self.command != "serve"):
            try:
                corpus, findings = pipeline.run(self.root, memory=self.load_cache)
            except UsageError as exc:
                raise PluginError(f"kb: {exc}") from None
            if errors := [f for f in findings if f.severity == "error"]:
                details = "\n".join(format_text(f) for f in errors)
                raise PluginError(f"the knowledge base has {len(errors)} error(s); run `kb validate`:\n{details}")
            for f in findings:  # warnings (stale runbooks...) inform; they must not fail a --strict build
                log.info(format_text(f))
            language = config.theme.get("language") or "en"
            pdf = self.config.pdf and self.command != "serve"
            if pdf:
                from generator.outputs.pdf import missing_cjk_font

                texts = [str(labels(language)), *(rb.model_dump_json() for rb in corpus.runbooks.values())]
                if reason := missing_cjk_font(texts):
                    raise PluginError(reason)
            self.corpus = corpus
            today = dt.date.today()
            self.job = Job(Path(config.site_dir), today, language, short_commit(self.root), pdf)
            self.generated = render_pages(
                corpus,
                today=today,
                language=language,
                site_name=config.site_name,
                sheet_pdf=pdf,
                memo=self.memo,
                search_terms=for_knowledge_base(self.root, corpus),
            )
        self.static = static_paths(corpus, pdf=pdf)
        docs = Path(config.docs_dir)
        hand_written = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()}
        if clashes := hand_written.intersection([*self.generated, *self.static]):
            hidden = f"{config.docs_dir}/{min(clashes)}"
            raise PluginError(f"{hidden} would hide a generated page of the same name; rename it")
        if not self.shim.is_file():
            raise PluginError(f"missing {self.shim}: run `npm ci` (make does it) to install the offline search shim")
        if config.nav is None:  # a nav written in mkdocs.yml wins
            config.nav = site_nav(corpus, [p for p in hand_written if p.endswith(".md")], language)
        # Replace whatever the offline plugin added (a CDN URL) with the copy shipped in the site.
        polyfills = config.extra.setdefault("polyfills", [])
        polyfills[:] = [p for p in polyfills if "iframe-worker" not in str(p)] + [SHIM_URI]
        return config

    def on_files(self, files: Files, config) -> Files:
        for path, text in self.generated.items():
            file = GeneratedPage.generated(config, path, content=text)
            file.changed = self.previous.get(path) != text
            files.append(file)
        for path in self.static:
            files.append(StaticFile.generated(config, path, content=b""))
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(self.shim)))
        if self.command != "serve" and parallel.can_fork():  # MkDocs has cleaned the site folder by now
            self.worker = Worker(self.corpus, self.job)
        return files

    def on_env(self, env, config, files):
        if self.command == "serve":
            env.bytecode_cache = self.compiled_templates
        return env

    @event_priority(-100)  # last: the search plugin writes its index in its own on_post_build
    def on_post_build(self, config) -> None:
        try:
            if self.worker:
                over_budget = self.worker.wait()
            else:
                unchanged = self.previous_static if self.dirty else {}  # a clean build emptied the folder
                written = write_static(self.corpus, self.job, self.memo, unchanged)
                over_budget, self.previous_static = written.over_budget, written.texts
        except StaticFilesError as exc:
            raise PluginError(str(exc)) from None
        finally:
            self.worker = None
        for report in over_budget:  # a warning: --strict fails on it, and the sheet is named
            log.warning(f"quick-fix sheet over its page budget: {report}")
        self.previous = self.generated  # only a build that finished is the baseline for the next
        if self.command == "build":
            # A strict build with warnings is about to be aborted by MkDocs: the previous site stays.
            failing = config.strict and self.warnings.count > 0
            self.warnings.stop()
            staging.finish(Path(config.site_dir), self.final_dir, keep=not failing)

    def on_build_error(self, *, error: Exception) -> None:
        if self.worker:
            self.worker.stop()
            self.worker = None
        if self.command == "build" and hasattr(self, "final_dir"):
            self.warnings.stop()
            staging.abandon(self.final_dir)

    def on_serve(self, server, config, builder):
        for folder in ("incidents", "runbooks"):
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server
