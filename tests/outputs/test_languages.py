"""A site in one language: every label of every page, sheet and chart comes from the label file of the
site's language, and no summary table has an empty header row.

The example knowledge base is written in Chinese, so its own text would hide an English label on a
Chinese page and show up as "Chinese" on an English one. It is rendered with every text field replaced
by a neutral marker: what is left is labels, ids, enum values and figures, and an enum value shown as
it is written in the YAML (`resolved`, `used`) is caught like any other word. The schema reference and
the rules on the Contributing page are documentation kept with the code (English, as editors show
it): their prose is neutralised the same way, and their labels are checked.

The scripts are left out: their messages are English by design (see the README's Scripts section).
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from collections.abc import Iterator
from html.parser import HTMLParser

import markdown
import pytest
from mkdocs.utils.yaml import yaml_load
from pydantic import BaseModel

from generator.core import pipeline
from generator.core.corpus import Corpus
from generator.core.model.common import FENCE_LANG_PATTERN, REF_PATTERN, SLUG_PATTERN
from generator.core.model.describe import FieldDoc
from generator.core.rules import RULES, walk
from generator.outputs import site
from generator.outputs.bundle import render_bundle
from tests.conftest import ROOT, TODAY

LANGUAGES = ("zh", "en")
MARKER = "x"
# Strings that are identifiers rather than text: ids, references, parameter names, code languages.
IDENTIFIERS = {SLUG_PATTERN, REF_PATTERN, FENCE_LANG_PATTERN, r"^[A-Z][A-Z0-9_]*$"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


# ---------------------------------------------------------------- a knowledge base with no text of its own


def _alternatives(annotation: object) -> list[object]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_identifier(annotation: object, metadata: typing.Sequence[object] = ()) -> bool:
    """Enum values, literals and slugs are data the templates map or link, not text to neutralise."""
    for a in _alternatives(annotation):
        if typing.get_origin(a) is typing.Annotated:
            base, *more = typing.get_args(a)
            if _is_identifier(base, [*metadata, *more]):
                return True
        elif typing.get_origin(a) is typing.Literal or (isinstance(a, type) and issubclass(a, enum.Enum)):
            return True
    return any(getattr(m, "pattern", None) in IDENTIFIERS for m in metadata)


def _item_type(annotation: object) -> object:
    for a in _alternatives(annotation):
        if typing.get_origin(a) is list:
            return typing.get_args(a)[0]
    return None


def neutral(value: object, annotation: object = None, metadata: typing.Sequence[object] = ()) -> object:
    """The value with every text from the YAML replaced by MARKER; ids, enum values, numbers and dates kept."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields.items()
        return value.model_copy(update={n: neutral(getattr(value, n), f.annotation, f.metadata) for n, f in fields})
    if isinstance(value, list):
        return [neutral(v, _item_type(annotation), metadata) for v in value]
    if isinstance(value, str) and not _is_identifier(annotation, metadata):
        return MARKER
    return value


def _neutral_corpus() -> Corpus:
    corpus, findings = pipeline.run(ROOT, today=TODAY)
    assert findings == []
    return Corpus(
        runbooks={k: neutral(v) for k, v in corpus.runbooks.items()},
        incidents={k: neutral(v) for k, v in corpus.incidents.items()},
        paths=corpus.paths,
    )


@pytest.fixture
def neutral_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Contributing page's schema and rules with their prose and YAML values (choices, defaults)
    neutralised: they are the code's documentation, the same in every language."""

    def field(f: FieldDoc) -> FieldDoc:
        return dataclasses.replace(f, description=MARKER, choices=[MARKER] if f.choices else [], default=None)

    models = [(name, MARKER, [field(f) for f in fields]) for name, _, fields in site.schema_models()]
    monkeypatch.setattr(site, "schema_models", lambda: models)
    monkeypatch.setattr(site, "RULES", [dataclasses.replace(r, summary=MARKER, fix=MARKER) for r in RULES])


# ---------------------------------------------------------------- what a reader sees


class _Visible(HTMLParser):
    """The text of an HTML or SVG document as shown: text nodes and the attributes read out (alt, title,
    aria-label); no styles, and no code, which holds commands and identifiers, never labels."""

    HIDDEN = {"style", "script", "code"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.tables: list[tuple[list[str], int]] = []  # (header cells, body rows) of each table
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in self.HIDDEN
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]
        if tag == "table":
            self.tables.append(([], 0))
        elif tag == "tr" and self.tables and self._in_body:
            header, rows = self.tables[-1]
            self.tables[-1] = (header, rows + 1)
        elif tag == "th":
            self._cell = []
        elif tag == "thead":
            self._in_body = False
        elif tag == "tbody":
            self._in_body = True

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN
        if tag == "th" and self._cell is not None and self.tables:
            self.tables[-1][0].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if not self.hidden:
            self.parts.append(data)


def _markdown() -> markdown.Markdown:
    """Python-Markdown with the site's extensions, as mkdocs.yml lists them."""
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, settings = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        settings[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=settings)


def _front_matter(text: str) -> tuple[str, str]:
    """(the page's title, its body): the title is what the browser and the navigation show."""
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        return "", text
    return str(yaml_load(m.group(1)).get("title", "")), text[m.end() :]


def _parse(path: str, text: str, md: markdown.Markdown) -> _Visible:
    parser = _Visible()
    if path.endswith(".md"):
        title, body = _front_matter(text)
        parser.parts.append(title)
        parser.feed(md.reset().convert(body))
    else:
        parser.feed(text)
    return parser


def _shown(files: dict[str, str]) -> dict[str, _Visible]:
    md = _markdown()
    return {path: _parse(path, text, md) for path, text in files.items() if path.endswith((".md", ".html", ".svg"))}


def _nav_labels(nav: list) -> Iterator[str]:
    for entry in nav:
        if isinstance(entry, dict):
            for key, value in entry.items():
                yield key
                yield from _nav_labels(value)


def _rendered(language: str) -> dict[str, str]:
    """What a reader of the site in `language` sees, per file: pages, charts, sheets and the navigation."""
    corpus = _neutral_corpus()
    bundle = render_bundle(corpus, today=TODAY, language=language, commit="0000000")
    shown = {path: "\n".join(v.parts) for path, v in _shown({**bundle.pages, **bundle.sheets}).items()}
    shown["(navigation)"] = "\n".join(_nav_labels(site.site_nav(corpus, [], language)))
    return shown


# ---------------------------------------------------------------- the labels of a language


def _phrases(language: str) -> set[str]:
    """Every text a label file puts on a page, as shown: Markdown read, split at its placeholders."""
    md, out = _markdown(), set()
    for _, value in walk.strings(site.labels(language)):
        for fragment in PLACEHOLDER.split(value):
            parser = _Visible()
            parser.feed(md.reset().convert(fragment))
            for line in "".join(parser.parts).splitlines():
                phrase = line.strip(" ,;:.()（）：；，。·")
                if re.search(r"[^\W\d_]", phrase):
                    out.add(phrase)
    return out


def _occurs(phrase: str, text: str) -> bool:
    # A whole word or phrase: `open` is not in `opened`, nor `on` in `start-on-nginx`.
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


def _foreign(language: str) -> set[str]:
    """Labels of the other language that a page in `language` must not show. A phrase both files share
    (a platform's name) or that the language's own labels quote (zh's `text、bash`) proves nothing."""
    own = _phrases(language)
    (other,) = set(LANGUAGES) - {language}
    return {p for p in _phrases(other) - own if not any(_occurs(p, mine) for mine in own)}


def _model_names() -> set[str]:
    # Schema names (`Incident`, `Step`) head the schema reference in every language, like field names.
    return {name for name, _, _ in site.schema_models()}


# ---------------------------------------------------------------- the tests


def test_label_files_have_the_same_keys_and_placeholders():
    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return len(value)
        return sorted(PLACEHOLDER.findall(str(value)))

    assert shape(site.labels("zh")) == shape(site.labels("en"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.usefixtures("neutral_docs")
def test_every_label_is_in_the_sites_language(language: str):
    foreign = _foreign(language)
    assert {"resolved", "min", "Time to detect"} <= _foreign("zh")  # the check knows what it looks for
    names = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, _model_names())) + r")(?![\w-])")
    leaks = {}
    for path, text in _rendered(language).items():
        text = names.sub(" ", text) if path == site.CONTRIBUTING else text
        found = sorted(p for p in foreign if _occurs(p, text))
        if language == "en":
            found += CJK.findall(text)  # nothing of an English site is Chinese once the YAML's text is gone
        if found:
            leaks[path] = found
    assert leaks == {}


def test_the_marker_leaves_the_labels_alone():
    # The neutral knowledge base still shows the example's structure: cards, timelines, tabs, charts.
    shown = _rendered("zh")
    page = shown["incidents/2026-02-25-tapspot-site-unreachable.md"]
    assert "已解决" in page and "发现用时" in page and "分钟" in page
    assert "排查时使用" in shown["incidents/2025-12-23-word-counter-upgrade-502.md"]
    assert "每月故障数" in shown["indexes/charts/months.svg"]
    assert "Debian / Ubuntu" in shown["runbooks/chatserver-troubleshooting.md"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_table_has_an_empty_header_or_no_rows(language: str):
    corpus = _neutral_corpus()
    bundle = render_bundle(corpus, today=TODAY, language=language, commit="0000000")
    empty = Corpus(runbooks={}, incidents={}, paths={})
    bare = render_bundle(empty, today=TODAY, language=language, commit="0000000")
    seen = 0
    for files in (bundle.pages, bare.pages):
        for path, parsed in _shown(files).items():
            for header, rows in parsed.tables:
                seen += 1
                assert all(header), f"{path}: a header cell is empty: {header}"
                assert rows > 0, f"{path}: a table with no rows: {header}"
    assert seen > 50
    L = site.labels(language)
    home = bare.pages["index.md"]
    assert L["no_incidents"] in home and L["no_runbooks"] in home
    assert L["no_open_action_items"] in bare.pages["indexes/action-items.md"]
    assert L["no_incidents"] in bare.pages["indexes/analytics.md"]
    card = bundle.pages["runbooks/nginx-502-bad-gateway.md"]
    assert f"| {L['field']} | {L['value']} |" in card  # the summary card says what its columns hold
