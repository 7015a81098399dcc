"""`kb fmt` keeps every comment with what it describes, whatever order the keys come in, and refuses
hostile input with one located line instead of a traceback."""

from __future__ import annotations

import io
import json
import random
import time
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.authoring import fmt
from generator.authoring.fmt import FormatError, _comments, format_file, format_text, yaml
from generator.core import fastyaml, load
from generator.core.load import MAX_DEPTH
from generator.core.model import MODELS
from generator.core.model.describe import field_order, fields
from tests.conftest import ROOT, kb

EXAMPLES = sorted([*(ROOT / "runbooks").glob("*.yaml"), *(ROOT / "incidents").glob("*.yaml")])


def test_a_comment_above_a_key_moves_with_it():
    text = """\
kind: runbook
id: web
# the alerts this runbook answers
alerts:
  - Web5xx
# about tags
tags:
  - web
"""
    out = format_text(text)
    assert out.endswith("# about tags\ntags:\n  - web\n# the alerts this runbook answers\nalerts:\n  - Web5xx\n")
    assert format_text(out) == out


def test_nested_keys_and_items_keep_their_comments():
    text = (
        "kind: runbook\n"
        "id: web\n"
        "parameters:\n"
        "  # the port comes first\n"
        "  - default: '80'\n"
        "    # why a pattern\n"
        "    pattern: ^[0-9]+$\n"
        "    name: PORT  # the name\n"
        "    # end of the PORT parameter\n"
        "  # second parameter\n"
        "  - name: HOST\n"
        "health_check:\n"
        "  steps:\n"
        "    - run: curl localhost\n"
        "      expect:\n"
        "        # a status, not a body\n"
        "        http_status: 200\n"
        "        # the body\n"
        "        contains: ok\n"
        "      title: 探测\n"
    )
    out = format_text(text)
    assert (
        "parameters:\n"
        "  # the port comes first\n"
        "  - name: PORT  # the name\n"
        "    default: '80'\n"
        "    # why a pattern\n"
        "    pattern: ^[0-9]+$\n"
        "    # end of the PORT parameter\n"
        "  # second parameter\n"
        "  - name: HOST\n"
    ) in out
    assert "        # the body\n        contains: ok\n        # a status, not a body\n        http_status: 200\n" in out
    assert format_text(out) == out


def test_end_of_line_block_header_end_of_mapping_and_end_of_file_comments_stay():
    text = (
        "# yaml-language-server: $schema=../schema/runbook.schema.json\n"
        "title: t  # short\n"
        "summary: |  # kept as written\n"
        "  line one\n"
        "  line two\n"
        "health_check:\n"
        "  steps:\n"
        "    - title: x\n"
        "  # closing the health check\n"
        "kind: runbook\n"
        "# the end\n"
    )
    out = format_text(text)
    assert out.startswith("# yaml-language-server: $schema=../schema/runbook.schema.json\nkind: runbook\n")
    assert "title: t  # short\n" in out and "summary: |  # kept as written\n  line one\n" in out
    assert "    - title: x\n  # closing the health check\n" in out
    assert out.endswith("# the end\n")
    assert _comments(out) == _comments(text)
    assert format_text(out) == out


def test_comments_set_apart_at_the_top_stay_at_the_top():
    text = "# about this file\n\n# about id\nid: x\nkind: runbook\n"
    assert format_text(text) == "# about this file\n\nkind: runbook\n# about id\nid: x\n"


def test_blank_lines_and_a_hash_inside_text_are_not_comments():
    text = 'kind: runbook\nid: x\ntitle: "a # b"\nsummary: |\n  # not a comment\n  text\n\n# about tags\ntags: [a]\n'
    out = format_text(text)
    assert _comments(text) == _comments(out) == {"# about tags": 1}
    assert fastyaml.load(out) == fastyaml.load(text)


def test_a_formatter_that_would_lose_a_comment_refuses_and_writes_nothing(write, monkeypatch):
    path = write("runbooks/web.yaml", "id: web\n# about kind\nkind: runbook\n")
    before = path.read_bytes()
    monkeypatch.setattr(fmt, "_place", lambda layout, out: out)  # a placement bug: comments dropped
    result = format_file(path)
    assert result.error and "would lose the comment '# about kind'" in result.error
    assert path.read_bytes() == before


def test_a_formatter_that_would_move_a_comment_refuses(monkeypatch):
    real = fmt._place
    # a placement bug: every comment attached to the first thing in the file
    monkeypatch.setattr(fmt, "_place", lambda layout, out: real([(("header",), t) for _, t in layout], out))
    with pytest.raises(FormatError, match="would move the comment '# about kind'"):
        format_text("id: web\n# about kind\nkind: runbook\n")


def shuffled(node: Any, rng: random.Random, keep_first: bool = False) -> None:
    """Keys in random order, at every level; a list item's first key stays first, as does the file's
    (a comment above it is the item's, or the file's, and would rightly stay there)."""
    if isinstance(node, CommentedMap):
        keys = list(node)
        head, rest = (keys[:1], keys[1:]) if keep_first else ([], keys)
        rng.shuffle(rest)
        for k in head + rest:
            node.move_to_end(k)
        for k in node:
            shuffled(node[k], rng)
    elif isinstance(node, CommentedSeq):
        for v in node:
            shuffled(v, rng, keep_first=True)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_fmt_puts_a_shuffled_example_back_exactly(path):
    text = path.read_text(encoding="utf-8")
    y = yaml()
    data = fmt._uncomment(y.load(text))
    shuffled(data, random.Random(path.name), keep_first=True)
    buf = io.StringIO()
    y.dump(data, buf)
    mixed = fmt._place(fmt._layout(fmt._tree(text)), buf.getvalue())  # every comment still with its key
    assert mixed != text
    assert format_text(mixed) == text


# ---------------------------------------------------------------- hostile input


def test_deep_nesting_is_refused_quickly_and_located(write):
    for depth in (1_000, 100_000):
        path = write("deep.yaml", "kind: runbook\nid: " + "[" * depth + "\n")
        started = time.perf_counter()
        result = format_file(path)
        assert time.perf_counter() - started < 2
        column = MAX_DEPTH + 4  # the document's own mapping is the first level
        assert result.error.startswith(
            f"lists and mappings nested more than {MAX_DEPTH} deep (line 2, column {column})"
        )
    blocks = "kind: runbook\nid:\n" + "".join(" " * i + "a:\n" for i in range(1, 300))
    started = time.perf_counter()
    assert "nested more than" in format_text_error(blocks)  # the loader's own check, the same as kb validate's
    assert time.perf_counter() - started < 2


def test_nesting_at_the_limit_is_formatted():
    text = "kind: runbook\nid: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "  # deep\n"
    out = format_text(text)
    assert fastyaml.load(out) == fastyaml.load(text) and out.endswith("]  # deep\n")
    assert format_text(out) == out


def format_text_error(text: str) -> str:
    with pytest.raises(FormatError) as exc:
        format_text(text)
    return str(exc.value)


def test_hostile_files_get_one_located_line_each_and_no_traceback(write):
    files = {
        "deep.yaml": "kind: runbook\nid: " + "[" * 1000 + "\n",
        "huge.yaml": "kind: runbook\nsummary: " + "x" * (load.MAX_BYTES + 10) + "\n",
        "broken.yaml": "kind: runbook\n  id: [oops\n",
        "anchor.yaml": "kind: runbook\nid: &a x\ntitle: *a\n",
        "twice.yaml": "kind: runbook\nid: a\nid: b\n",
    }
    paths = {name: write(name, text) for name, text in files.items()}
    before = {name: p.read_bytes() for name, p in paths.items()}
    r = kb("fmt", *map(str, paths.values()))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for name, path in paths.items():
        (line,) = [ln for ln in r.stderr.splitlines() if ln.startswith(f"{path}: error: ")]
        assert "(line " in line and ", column " in line, line
        assert path.read_bytes() == before[name]
    assert "invalid YAML" in r.stderr and "over the limit" in r.stderr and "duplicate key 'id'" in r.stderr


# ---------------------------------------------------------------- property: every comment stays put

Path = tuple[str | int, ...]
ids = count()  # comment numbers: unique within a run, so each comment can be found again


@dataclass
class Entry:
    key: str
    value: Any  # str (a scalar), Map, or list of Item
    above: str | None = None  # the comment line above the key
    eol: str | None = None  # its end-of-line comment


@dataclass
class Item:
    value: Any  # str or Map
    above: str | None = None


@dataclass
class Map:
    entries: list[Entry]
    end: str | None = None  # a comment closing the mapping


@dataclass
class Doc:
    kind: str
    root: Map
    lines: list[str] = field(default_factory=list)
    where: dict[str, tuple[str, Path]] = field(default_factory=dict)  # comment -> (how attached, to what)


WORDS = st.text(alphabet=st.sampled_from(list("abz中文排查")), min_size=1, max_size=6)
# Values that stress where a comment may start: '#', ':', quotes, newlines (which fmt turns into blocks).
TEXT = st.text(alphabet=st.sampled_from(list("ab 中文:#-'\"\n✅")), max_size=16)
NOTE = st.text(alphabet=st.sampled_from(list("ab 中文#:-'\"✅")), max_size=12)


def comment(draw: Any, tag: str) -> str:
    return f"# {tag}{next(ids)}: {draw(NOTE)}".rstrip()


def scalar(draw: Any) -> str:
    text = draw(st.one_of(WORDS, TEXT))
    plain = text.isalnum() and not text.isdigit() and text not in ("true", "false", "null")
    return text if plain else json.dumps(text, ensure_ascii=False)  # JSON strings are YAML strings


@st.composite
def mappings(draw: Any, model: type[BaseModel], depth: int, closing: bool = True) -> Map:
    """A mapping with some of the model's keys, in any order, a comment above each, some at line ends."""
    specs = {f.name: f for f in fields(model)}
    keys = draw(st.lists(st.sampled_from(list(specs)), min_size=1, max_size=5, unique=True))
    entries = []
    for key in keys:
        spec = specs[key]
        if spec.model is not None and depth > 0:
            if spec.many:
                items = [Item(draw(mappings(spec.model, depth - 1))) for _ in range(draw(st.integers(1, 2)))]
                value: Any = items
            else:
                value = draw(mappings(spec.model, depth - 1))
        elif spec.many and draw(st.booleans()):
            value = [Item(scalar(draw), comment(draw, "c")) for _ in range(draw(st.integers(1, 2)))]
        else:
            value = scalar(draw)
        eol = comment(draw, "e") if draw(st.booleans()) else None
        entries.append(Entry(key, value, comment(draw, "c"), eol))
    end = comment(draw, "z") if closing and draw(st.integers(0, 3)) == 0 else None
    return Map(entries, end)


@st.composite
def documents(draw: Any) -> Doc:
    kind = draw(st.sampled_from(sorted(MODELS)))
    root = draw(mappings(MODELS[kind], depth=2, closing=False))
    root.entries = [e for e in root.entries if e.key != "kind"]
    at = draw(st.integers(0, len(root.entries)))
    root.entries.insert(at, Entry("kind", kind, comment(draw, "c")))
    root.end = comment(draw, "z") if draw(st.booleans()) else None
    doc = Doc(kind, root)
    render(doc, root, 0, ())
    return doc


def render(doc: Doc, node: Map, indent: int, path: Path, dash: bool = False) -> None:
    """The mapping as YAML lines, noting where each comment belongs. With dash, its first key starts
    a list item ('- key: ...'), whose comment is then the item's."""
    pad = " " * indent
    for n, e in enumerate(node.entries):
        first = dash and n == 0
        lead = pad[:-2] + "- " if first else pad
        if e.above and not first:  # above the item: written by the list
            doc.lines.append(pad + e.above)
            doc.where[e.above] = ("above", (*path, e.key))
        tail = f"  {e.eol}" if e.eol else ""
        if e.eol:
            doc.where[e.eol] = ("eol", (*path, e.key))
        if isinstance(e.value, str):
            doc.lines.append(f"{lead}{e.key}: {e.value}{tail}")
            continue
        doc.lines.append(f"{lead}{e.key}:{tail}")
        if isinstance(e.value, Map):
            render(doc, e.value, indent + 2, (*path, e.key))
            continue
        for i, item in enumerate(e.value):
            item_path = (*path, e.key, i)
            above = item.above or (item.value.entries[0].above if isinstance(item.value, Map) else None)
            if above:
                doc.lines.append(f"{pad}  {above}")
                doc.where[above] = ("above", item_path)
            if isinstance(item.value, Map):
                render(doc, item.value, indent + 4, item_path, dash=True)
            else:
                doc.lines.append(f"{pad}  - {item.value}")
    if node.end:
        doc.lines.append(pad + node.end)
        doc.where[node.end] = ("end", path)


def node_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def line_of(data: Any, path: Path) -> int:
    """0-based line of the key (or list item) at path, from ruamel.yaml's own record of positions."""
    parent, last = node_at(data, path[:-1]), path[-1]
    return parent.lc.item(last)[0] if isinstance(last, int) else parent.lc.key(last)[0]


def check_placement(doc: Doc, out: str) -> None:
    lines = out.split("\n")
    data = yaml().load(out)
    for text, (how, path) in doc.where.items():
        found = [n for n, ln in enumerate(lines) if ln.strip() == text or ln.endswith("  " + text)]
        assert len(found) == 1, (text, found)
        (n,) = found
        if how == "above":  # in the comment lines right above it (a key that became an item's first shares them)
            below = n + 1
            while lines[below].lstrip().startswith("#"):
                below += 1
            assert below == line_of(data, path), (text, path)
        elif how == "eol":
            assert lines[n].endswith("  " + text) and n == line_of(data, path), (text, path)
        else:  # at the end of its mapping: after everything in it, before anything after it
            indent = len(lines[n]) - len(lines[n].lstrip())
            if path:
                start = line_of(data, path)
                body = [ln for ln in lines[start + 1 : n] if ln.strip()]
                assert all(len(ln) - len(ln.lstrip()) >= indent for ln in body), (text, path)
            # ('...' ends the document after a `|+` block: not content)
            rest = [ln for ln in lines[n + 1 :] if ln.strip() and ln != "..." and not ln.lstrip().startswith("#")]
            assert not rest or len(rest[0]) - len(rest[0].lstrip()) < indent, (text, path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_every_comment_stays_with_its_key_and_fmt_is_idempotent(doc):
    text = "\n".join(doc.lines) + "\n"
    out = format_text(text)
    assert fastyaml.load(out) == fastyaml.load(text)
    assert _comments(out) == _comments(text) and sum(_comments(out).values()) == len(doc.where)
    check_placement(doc, out)
    top = [ln.split(":")[0] for ln in out.splitlines() if ln[:1].isalpha()]
    order = list(field_order(MODELS[doc.kind]))
    assert top == sorted(top, key=order.index)
    assert format_text(out) == out
