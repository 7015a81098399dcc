"""Text is text, by construction: whatever a contributor writes in any field, no page gets an element, an
attribute or a link target from it.

The property test fills EVERY string field of every model (found by walking the pydantic models, nested
lists and tables included) with hostile text, renders the site pages and the quick-fix sheets, turns the
pages into HTML with Python-Markdown and the extensions of mkdocs.yml, and reads the HTML with a real
HTML parser. Each field's text carries its own marker, also inside the tag and attribute names it tries to
inject, so an element or attribute that came from the input is caught by name. Control characters are
refused by `kb validate` (tests/core/test_control_chars.py) and are generated separately here.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import re
import shutil
import time
import types
import typing
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from mkdocs.utils.meta import get_data
from pydantic import AwareDatetime, BaseModel, ValidationError

from generator.core.corpus import Corpus
from generator.core.model import MODELS, Incident, Runbook
from generator.core.model.common import (
    FENCE_LANG_PATTERN,
    LINE_MAX,
    LINK_PATTERN,
    ONE_LINE_PATTERN,
    REF_PATTERN,
    SLUG_PATTERN,
)
from generator.core.model.describe import nested_models
from generator.core.rules.control_chars import FORBIDDEN
from generator.outputs import text
from generator.outputs.sheets import render_sheets
from generator.outputs.site import render_site
from tests.conftest import ROOT, TODAY

MARK = "kbx"  # every marker starts so; lowercase, as an HTML parser reports tag and attribute names

# --- the models' string fields ---------------------------------------------------------------------------


def _unwrap(tp: Any) -> tuple[Any, list[Any], int]:
    """(base type, Annotated metadata, list depth) of a field's annotation; Optional is dropped."""
    meta: list[Any] = []
    depth = 0
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp, *more = typing.get_args(tp)
            meta += more
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        elif origin is list:
            tp = typing.get_args(tp)[0]
            depth += 1
        else:
            return tp, meta, depth


def _pattern(meta: list[Any]) -> str | None:
    return next((m.pattern for m in meta if getattr(m, "pattern", None)), None)


KINDS = {
    None: "text",
    ONE_LINE_PATTERN: "line",
    LINK_PATTERN: "link",
    FENCE_LANG_PATTERN: "lang",
    SLUG_PATTERN: "slug",
    REF_PATTERN: "ref",
}


def all_models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    for root in MODELS.values():
        seen += [m for m in nested_models(root) if m not in seen]
    return seen


def string_fields() -> list[tuple[str, str, str]]:
    """(model, field, kind) of every field holding strings, in any list depth: kind is text (free text),
    line (one line), link, lang, slug, ref or name (other patterns)."""
    out = []
    for model in all_models():
        for name, info in model.model_fields.items():
            tp, meta, _ = _unwrap(info.annotation)
            meta += list(info.metadata)
            if tp is str:
                out.append((model.__name__, name, KINDS.get(_pattern(meta), "name")))
    return out


FREE = ("text", "line", "link")  # fields a contributor writes freely: hostile text goes in all of them

# --- hostile text ------------------------------------------------------------------------------------------

# {m} is the field's marker. Markdown and HTML syntax, spread so that it could pair across lines, cells
# and fields: a backtick here, its partner in the next line or the next field.
FRAGMENTS = [
    "`",
    "``",
    "```",
    "````",
    "~~~",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "# ",
    "\n# {m}h\n",
    "\n## {m}h",
    "|",
    " | ",
    "\n| --- | --- |\n",
    "\n---\n",
    "\n===\n",
    "- ",
    "\n+ ",
    "1. ",
    "\n> ",
    "\n!!! note\n    ",
    '\n=== "t"\n    ',
    "*",
    "**",
    "_",
    "\\",
    "\\`",
    "&",
    "&amp;",
    "&lt;{m}t&gt;",
    "&#60;{m}t&#62;",
    "<",
    ">",
    '"',
    "'",
    "<{m}t>",
    "</{m}t>",
    "<{m}t {m}a=1>",
    "<img src=x {m}a=1 onerror=alert(1)>",
    "<script>{m}()</script>",
    "<svg onload={m}()>",
    '<a href="javascript:{m}()">x</a>',
    "<a href='javascript:{m}()'>",
    "[x](javascript:{m}())",
    "[x]( javascript:{m}() )",
    "[x][{m}]\n\n[{m}]: javascript:{m}()\n",
    "![x](data:text/html,{m})",
    "<javascript:{m}()>",
    "<https://{m}.example>",
    "{: {m}a=1 }",
    '{: onclick="{m}()" }',
    "{ #{m}i }",
    "<!--{m}-->",
    "<![CDATA[{m}]]>",
    "<?{m}?>",
    "<div {m}a=1>",
    "</div>",
    "</code>",
    "</pre>",
    "</td></tr>",
    "<style>{m}{}</style>",
    "<iframe src=javascript:{m}()>",
    "javascript:{m}()",
    "data:text/html,{m}",
    "vbscript:{m}",
    "{{ {m} }}",
    "{% raw %}",
    "[TOC]",
    "---",
    "\u2028",
    "\u00a0",
    "中文",
    "\U0001d518",
    "\ufffe",
]
ALPHABET = list("`~#|*_-+=!<>&\"'\\[](){}:;/. \naZ0\u2028中")
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ALPHABET, max_size=6)), min_size=1, max_size=8
).map("".join)


def _one_line(s: str) -> str:
    return re.sub(r"[\r\n]", " ", s) or "x"


class Builder:
    """A valid document with every field present and every string field hostile, each with its marker.

    Hypothesis draws a pool of hostile texts and a seed; each field takes a text from the pool, and some
    fragments more, chosen by the seed. A document has hundreds of fields: drawing each one separately
    would be more data than Hypothesis lets an example have."""

    def __init__(self, draw: Callable[[st.SearchStrategy], Any], control: str = ""):
        self.pool = draw(st.lists(hostile, min_size=3, max_size=12))
        self.rng = random.Random(draw(st.integers(0, 2**32 - 1)))
        self.control = control  # a control character to put in every free-text field
        self.count = 0
        self.fields: dict[str, tuple[str, str]] = {}  # marker -> (model, field)
        self.filled: set[tuple[str, str]] = set()  # fields given hostile text
        self.base = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def marker(self, model: str, field: str) -> str:
        self.count += 1
        m = f"{MARK}{self.count}q"
        self.fields[m] = (model, field)
        self.filled.add((model, field))
        return m

    def free(self, model: str, field: str, kind: str) -> str:
        m = self.marker(model, field)
        body = self.hostile().replace("{m}", m)
        value = f"{m} {body}{self.control}"
        if kind == "line":
            return _one_line(value)[:LINE_MAX]
        if kind == "link":
            path = re.sub(r"[\s\\]", "", value)
            return self.rng.choice(["https://example.org/", "docs/", "/x/", "?q=", "#"]) + path
        return value

    def hostile(self) -> str:
        parts = [self.rng.choice(self.pool), *self.rng.sample(FRAGMENTS, self.rng.randint(0, 3))]
        self.rng.shuffle(parts)
        return "".join(parts)

    def slug(self) -> str:
        self.count += 1
        return f"s{self.count}"

    def scalar(self, model: str, field: str, tp: Any, meta: list[Any], info: Any) -> Any:
        if typing.get_origin(tp) is typing.Literal:
            return self.rng.choice(typing.get_args(tp))
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self.rng.choice(list(tp)).value
        if tp is bool:
            return self.rng.random() < 0.5
        if tp is int:
            low = next((m.ge for m in meta if getattr(m, "ge", None) is not None), 0)
            return max(low, info.default if isinstance(info.default, int) else 1)
        if tp is dt.date:
            return "2026-03-01"
        if tp is AwareDatetime or tp is dt.datetime:
            return self.base.isoformat()
        kind = KINDS.get(_pattern(meta), "name")
        if kind in FREE:
            return self.free(model, field, kind)
        if kind == "lang":
            return self.rng.choice(["text", "bash", "python", "c++", "x-y.z", "c#"])
        if kind == "slug":
            return self.slug()
        if kind == "ref":
            return "rb-main"
        return f"P{self.count}"  # a parameter's NAME

    def build(self, model: type[BaseModel], top: dict | None = None, level: int = 0) -> dict:
        if model.__name__ == "Parameter":
            return self.parameter()
        out: dict[str, Any] = dict(top or {})
        for name, info in model.model_fields.items():
            if name in out:
                continue
            tp, meta, depth = _unwrap(info.annotation)
            meta += list(info.metadata)
            if name == "rows":  # a table: rows as wide as its columns
                out[name] = [[self.free(model.__name__, name, "text") for _ in out["columns"]] for _ in range(2)]
            elif isinstance(tp, type) and issubclass(tp, BaseModel):
                # Two of each at the top (neighbours on a page), one deeper: a few hundred fields in all.
                items = [self.build(tp, level=level + 1) for _ in range(2 if depth and level < 1 else 1)]
                out[name] = items if depth else items[0]
            elif depth:
                out[name] = [self.scalar(model.__name__, name, tp, meta, info) for _ in range(2)]
            else:
                out[name] = self.scalar(model.__name__, name, tp, meta, info)
        if "match" in out:
            out["match"] = "exact"  # a regex signature must compile; its text is shown the same way
        return out

    def parameter(self) -> dict:
        """A parameter's default must be a value its scripts accept: one word-line, matching its pattern."""
        model = _unwrap(MODELS["runbook"].model_fields["parameters"].annotation)[0]
        m = self.marker("Parameter", "default")
        value = re.sub(r"[\s\u2028\u00a0\ufffe]+", " ", f"{m} {self.hostile().replace('{m}', m)}").strip()
        out = {
            "name": f"P{self.count}",
            "description": self.free("Parameter", "description", "text"),
            "default": value,
            "required": self.rng.random() < 0.5,
        }
        self.parameters = getattr(self, "parameters", 0) + 1
        if self.parameters % 2:  # one parameter in two has a pattern, the other choices
            out["pattern"] = re.escape(value)
            self.filled.add(("Parameter", "pattern"))
        else:
            out["choices"] = [value, value + "2"]
            self.filled.add(("Parameter", "choices"))
            if "type" in model.model_fields:
                out["type"] = "choice"
        return out


def documents(
    draw: Callable[[st.SearchStrategy], Any], control: str = ""
) -> tuple[Builder, Runbook, Incident, Runbook]:
    """A runbook, an incident that used it, and a second runbook, every string field hostile."""
    b = Builder(draw, control)
    rb = b.build(Runbook, {"schema_version": 1, "kind": "runbook", "id": "rb-main"})
    other = b.build(Runbook, {"schema_version": 1, "kind": "runbook", "id": "rb-other", "related": ["rb-main"]})
    inc = b.build(
        Incident,
        {"schema_version": 1, "kind": "incident", "id": "inc-main", "runbooks": [{"ref": "rb-main"}]},
    )
    try:
        return b, Runbook.model_validate(rb), Incident.model_validate(inc), Runbook.model_validate(other)
    except ValidationError as exc:  # the builder must make valid documents, or the test proves nothing
        raise AssertionError(f"the generated document is not valid: {exc}") from None


def corpus_of(*docs) -> Corpus:
    runbooks = {d.id: d for d in docs if isinstance(d, Runbook)}
    incidents = {d.id: d for d in docs if isinstance(d, Incident)}
    return Corpus(runbooks, incidents, {d.id: f"{d.kind}s/{d.id}.yaml" for d in docs})


# --- Markdown as MkDocs renders it, and what the HTML holds --------------------------------------------------


def _markdown() -> markdown.Markdown:
    """Python-Markdown with MkDocs' built-in extensions and those of mkdocs.yml, configured alike."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = ["toc", "tables", "fenced_code"], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        configs[name] = options or {}
    return markdown.Markdown(extensions=list(dict.fromkeys(names)), extension_configs=configs)


DANGEROUS_TAGS = {"script", "iframe", "frame", "object", "embed", "applet", "base", "form", "svg", "math", "style"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class Audit(HTMLParser):
    """What the HTML holds: problems (anything the input made), and its text."""

    def __init__(self, allowed: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed  # tags the page's own template writes
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if MARK in tag or (tag in DANGEROUS_TAGS and tag not in self.allowed):
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            value = value or ""
            if MARK in name or name.startswith("on"):
                self.problems.append(f"attribute {name} on <{tag}>")
            scheme = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRS and scheme.startswith(BAD_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            # Ids are slugs of heading text, and permalinks point at them; nothing else carries input.
            if MARK in value and not (name == "id" or (name == "href" and value.startswith("#"))):
                self.problems.append(f"input in {name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if MARK in tag:
            self.problems.append(f"end tag </{tag}>")

    def handle_comment(self, data: str) -> None:
        if MARK in data:
            self.problems.append(f"comment <!--{data}-->")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration <![{data}]>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def audit(html: str, path: str = "") -> Audit:
    a = Audit(frozenset({"svg", "style"}) if path.endswith(".svg") else frozenset())  # charts are SVG
    a.feed(html)
    a.close()
    return a


def render_everything(corpus: Corpus, md: markdown.Markdown) -> tuple[dict[str, str], dict[str, str]]:
    """(HTML of every site page with input in it, front matter of every page). Sheets are HTML already."""
    pages = render_site(corpus, today=TODAY, language="en", scripts_folder="snippets", sheet_pdf=True)
    sheets = render_sheets(corpus, commit="abc1234", today=TODAY, language="en")
    html, meta = {}, {}
    for path, page in pages.items():
        if path.endswith(".svg"):
            html[path] = page
            continue
        body, meta[path] = get_data(page)
        if path != "contributing.md":  # the schema reference and the rules: no document text in it
            md.reset()
            html[path] = md.convert(body)
    html.update({path: sheet for path, sheet in sheets.items() if path.endswith(".html")})
    return html, meta


def check_pages(corpus: Corpus, md: markdown.Markdown, seen: Counter | None = None) -> None:
    html, meta = render_everything(corpus, md)
    problems = []
    for path, page in html.items():
        a = audit(page, path)
        problems += [f"{path}: {p}" for p in a.problems]
        if seen is not None:
            seen.update(set(re.findall(rf"{MARK}\d+q", "".join(a.text))))
    assert problems == [], "\n".join(problems[:20])
    # The front matter holds: every page has its title, exactly, whatever the title holds.
    for doc in corpus.documents:
        data = meta[f"{doc.kind}s/{doc.id}.md"]
        assert data.get("title") == str(escape(text.clean(doc.title).replace("\n", " "))), doc.id
    assert all(m.get("title") for m in meta.values())


# --- the property ------------------------------------------------------------------------------------------


def _property(examples: int) -> None:
    fields = string_fields()
    free = {(m, f) for m, f, kind in fields if kind in FREE}
    md = _markdown()
    runs = Counter()
    shown: set[tuple[str, str]] = set()
    filled: set[tuple[str, str]] = set()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.data())
    def run(data) -> None:
        b, rb, inc, other = documents(data.draw)
        seen: Counter = Counter()
        check_pages(corpus_of(rb, inc, other), md, seen)
        runs["examples"] += 1
        filled.update(b.filled)
        shown.update(b.fields[m] for m in seen if m in b.fields)

    run()
    assert free <= filled, f"fields never filled: {sorted(free - filled)}"
    print(
        f"\nhostile html: {len(fields)} string fields in {len(all_models())} models, {len(free)} free-text ones "
        f"filled with hostile text, {len(shown)} of them seen on the rendered pages; "
        f"{runs['examples']} generated examples"
    )


def test_no_field_can_put_an_element_an_attribute_or_a_link_in_a_page():
    _property(examples=12)


@pytest.mark.slow
def test_no_field_can_put_an_element_an_attribute_or_a_link_in_a_page_many_examples():
    _property(examples=300)


@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.data(), st.sampled_from(["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\x9b", "\u202e", "\u2066"]))
def test_control_characters_that_validation_refuses_still_render_as_text(data, char):
    """Refused by `kb validate`; a page made from an unvalidated file is text all the same."""
    _, rb, inc, other = documents(data.draw, control=char + "<kbx0qt>" + char + "`")
    html, _ = render_everything(corpus_of(rb, inc, other), _markdown())
    for path, page in html.items():
        assert audit(page, path).problems == [], path
        assert not FORBIDDEN.search(page), path


# --- the attacks that used to work ----------------------------------------------------------------------------


def _runbook(**fields) -> Runbook:
    base = {
        "schema_version": 1,
        "kind": "runbook",
        "id": "web",
        "title": "Web",
        "services": ["web"],
        "owner": "ops",
        "last_reviewed": "2026-11-01",
        "problems": [{"id": "down", "title": "Down", "symptoms": ["502"]}],
    }
    return Runbook.model_validate({**base, **fields})


def _html(rb: Runbook, path: str = "runbooks/web.md") -> str:
    body, _ = get_data(render_site(corpus_of(rb), today=TODAY, language="en")[path])
    return _markdown().convert(body)


def test_a_backtick_cannot_pair_with_one_on_the_next_line():
    html = _html(_runbook(summary="Check the proxy `first\nthen `<img src=x onerror=alert(/x/)>`"))
    a = audit(html)
    assert a.problems == [] and "<img" not in html
    assert "Check the proxy `first then <img src=x onerror=alert(/x/)>" in " ".join("".join(a.text).split())


def test_a_line_starting_with_a_hash_is_no_heading():
    html = _html(_runbook(summary="fine\n# kbx1q heading\n---\n1. kbx2q"))
    assert "<h1" not in html.split("</h1>", 1)[1]  # the page's own title only
    assert "<ol" not in html and "<hr" not in html


def test_a_code_language_cannot_close_its_fence():
    from generator.core.model.incident import Evidence

    assert Evidence.model_validate({"title": "x", "lang": "c++", "content": "a"}).lang == "c++"
    for lang in ("text\n<img src=x onerror=alert(1)>", "bash {onclick=x}", "", "a b"):
        with pytest.raises(ValidationError):
            Evidence.model_validate({"title": "x", "lang": lang, "content": "a"})
    assert text.fence("a", lang="text\n<img src=x>").startswith("```text\n")  # and the helper checks it again


@pytest.mark.parametrize("breaker", ["\x7f", "\x85", "\ufffe", "\u2028", '"\n---\n', "\\", ": x", "#"])
def test_no_title_breaks_the_front_matter(breaker):
    title = f"a{breaker}[x](javascript:alert(1))<b>"
    # Built without validation, which refuses some of these: the page must hold whatever the title is.
    rb = _runbook().model_copy(update={"title": title})
    page = render_site(corpus_of(rb), today=TODAY, language="en")["runbooks/web.md"]
    body, meta = get_data(page)
    assert meta["title"] == str(escape(text.clean(title).replace("\n", " ")))
    assert body.lstrip().startswith("# ")  # the front matter ended where it should
    html = _markdown().convert(body)
    assert 'href="javascript' not in html and audit(html).problems == []


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "mailto:a@b",
        "//evil.example/x",
        "/\\evil.example",
        " javascript:alert(1)",
        "https://evil.example\\@good",
        "https:evil",
        "http://[::1]x",
        "java\nscript:x",
    ],
)
def test_a_link_is_http_or_a_relative_path(target):
    with pytest.raises(ValidationError):
        _runbook(links=[{"title": "x", "target": target}])


@pytest.mark.parametrize(
    "target", ["https://example.org/a?b#c", "http://host:8080", "docs/guide.md", "../x.sh", "/abs/path", "#top", "a.sh"]
)
def test_good_links_are_accepted(target):
    assert _runbook(links=[{"title": "x", "target": target}]).links[0].target == target


def test_one_line_fields_refuse_line_breaks():
    titles = [(model, kind) for model, field, kind in string_fields() if field in ("title", "columns")]
    assert len(titles) > 15 and all(kind == "line" for _, kind in titles), titles
    with pytest.raises(ValidationError):
        _runbook(title="one\ntwo")
    with pytest.raises(ValidationError):
        _runbook(problems=[{"id": "down", "title": "a\rb", "symptoms": ["502"]}])
    with pytest.raises(ValidationError):
        _runbook(title="x" * (LINE_MAX + 1))


# --- linear time ---------------------------------------------------------------------------------------------

# Backtick runs of every length (what made the old code-span search quadratic: 20 s for 45 KB), runs
# that pair, runs that never do, and every other character the escaping touches.
WORST = ["` `` ``` x ", "` ", "``", "`` ` ```` ", "a<b>&c#d|e ", "\\`*_[x](y) ", "# \n- \n"]
SIZE = 500_000


def _seconds(work) -> float:
    start = time.process_time()  # this process's CPU time: other jobs on the machine do not count
    work()
    return time.process_time() - start


@pytest.mark.parametrize("unit", WORST)
@pytest.mark.slow  # 500 KB fields
def test_escaping_and_rendering_a_500_kb_field_takes_under_a_second(unit):
    value = (unit * (SIZE // len(unit) + 1))[:SIZE]
    for helper in (text.inline, text.block, text.cell, text.code, text.fence, text.html_inline, text.yaml_string):
        assert _seconds(lambda helper=helper: helper(value)) < 1.0, helper.__name__
    # A whole site with the field as a runbook's summary, then as a symptom (its page and the signatures index).
    for fields in ({"summary": value}, {"problems": [{"id": "down", "title": "Down", "symptoms": [value]}]}):
        corpus = corpus_of(_runbook(**fields))
        assert _seconds(lambda corpus=corpus: render_site(corpus, today=TODAY, language="en")) < 1.0, list(fields)


# --- in a browser ----------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

HOSTILE_RUNBOOK = """\
schema_version: 1
kind: runbook
id: web-502
title: "a\\ufffe\\u2028[x](javascript:alert(1)) </title><script>alert(11)</script> `x"
summary: "Check the proxy `first\\nthen `<img src=x onerror=alert(12)>`\\n# <img src=x onerror=alert(13)>"
services: [web]
owner: "<svg onload=alert(14)>"
last_reviewed: 2026-11-01
problems:
  - id: backend-down
    title: "` <img src=x onerror=alert(15)> `` {: onclick=alert(16) }"
    symptoms:
      - "first `"
      - "` <img src=x onerror=alert(17)> | <b>"
    signatures:
      - text: "``` <script>alert(18)</script>"
    notes: "```\\n<script>alert(19)</script>\\n```\\n!!! note\\n    <img src=x onerror=alert(20)>"
reference:
  - id: codes
    title: codes
    columns: ["`a", "b`"]
    rows:
      - ["` <img src=x onerror=alert(21)>", "<img src=x onerror=alert(22)> `"]
links:
  - title: "[x](javascript:alert(23))"
    target: docs/<img/src=x/onerror=alert(24)>
"""


@pytest.mark.slow
def test_a_hostile_site_runs_no_script_in_a_browser(tmp_path):
    from tests.conftest import make_kb, mkdocs_build

    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    kb = tmp_path / "kb"
    config = make_kb(kb, {"runbooks/web-502.yaml": HOSTILE_RUNBOOK})
    config.write_text(config.read_text(encoding="utf-8").replace("pdf: true", "pdf: false"), encoding="utf-8")
    built = mkdocs_build(config, kb / "site")
    assert built.returncode == 0, built.stdout + built.stderr
    site = kb / "site"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for path in ("runbooks/web-502.html", "index.html", "indexes/signatures.html", "indexes/tags.html"):
                page.goto((site / path).resolve().as_uri())
                page.wait_for_load_state("load")
                page.wait_for_timeout(300)  # an onerror fires once the broken image fails
                assert page.locator("article img[src='x'], article svg[onload], article b").count() == 0, path
                assert page.locator("a[href^='javascript']").count() == 0, path
            page.goto((site / "runbooks/web-502.html").resolve().as_uri())
            body = page.locator("article").inner_text()
            assert "<img src=x onerror=alert(12)>" in body and "# <img src=x onerror=alert(13)>" in body
            assert "[x](javascript:alert(1))" in page.title()  # the title, shown as text
        finally:
            browser.close()
    assert dialogs == []
