"""YAML files -> validated models, with every error located at path:line:col.

Two paths. The fast one parses with ruamel.yaml's C safe loader and validates with pydantic. Only a
file that fails (or has findings to point at) is parsed again with the round-trip loader, which
keeps line and column of every node, to place each error.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.core import fastyaml, fsio, parallel
from generator.core.findings import Finding, Loc
from generator.core.model import MODELS, Document
from generator.core.model.common import PATTERN_HINTS

MAX_BYTES = 512 * 1024  # a runbook bigger than this is a mistake, or an attack
SCHEMA_HINT = "the schema is in schema/ and documented on the site's Contributing page"

# Limits far above any real document (the example knowledge base nests 12 deep, has at most 13 items in
# a list, 29 keys in a mapping and 900 characters in a text) that keep a hostile one from hanging or
# crashing what reads it: YAML parsers, the schema and the rules recurse, and the site grows with them.
MAX_DEPTH = 50  # lists and mappings nested inside each other
MAX_STRING = 64 * 1024  # characters in one text (or key)
MAX_KEYS = 200  # keys in one mapping; the schema's have fewer than 40
DEFAULT_MAX_ITEMS = 1000  # items in a list not named below
MAX_ITEMS = {
    "tags": 200,
    "services": 50,
    "alerts": 200,
    "signatures": 200,
    "symptoms": 200,
    "steps": 500,
    "parameters": 200,
    "problems": 500,
    "causes": 200,
    "fixes": 200,
}
TOO_DEEP, TOO_MANY, TOO_LONG = "too-deep", "too-many", "too-long"
_DEEP_HINT = "flatten it: no document of the schema nests more than about 12 lists and mappings"


class LoadError(Exception):
    """Raised by load_document when a file has errors; carries them, located."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f"{f.path}:{f.line}:{f.col}: {f.message}" for f in findings))


# Dates stay strings in YAML so that pydantic, not the YAML library, parses them: an invalid date
# becomes a located schema error instead of an exception from deep inside the parser.
class _RoundTripConstructor(RoundTripConstructor):
    pass


_RoundTripConstructor.add_constructor("tag:yaml.org,2002:timestamp", _RoundTripConstructor.construct_yaml_str)


def _rt_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _RoundTripConstructor
    return yaml


_EVENTS = YAML(typ="safe", pure=False)  # its C parser: events and nodes with positions, no objects

# Anchors and aliases need '&' or '*' after whitespace or a flow indicator. Most files have none,
# so this cheap test spares them the event scan that finds them exactly.
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]", re.MULTILINE)


@dataclass
class Source:
    """A file's text, and on demand its node tree (with line and column of every node)."""

    path: str
    text: str

    @cached_property
    def tree(self) -> Node | None:
        try:
            return _EVENTS.compose(self.text)
        except YAMLError:  # the caller already reported the parse error
            return None

    def locate(self, f: Finding) -> Finding:
        if f.located:
            return f
        line, col = self.position(f.loc, key=f.rule == "unknown-key")
        if f.needle:
            line, col = self._find(f.needle, line) or (line, col)
        return f.at(line, col)

    def position(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        """1-based line/col of the node at `loc` (of its key when `key`), or of its nearest parent."""
        node = self.tree
        if node is None:
            return 1, 1
        mark = node.start_mark
        for i, part in enumerate(loc):
            if isinstance(node, MappingNode):
                pair = next((kv for kv in node.value if isinstance(kv[0], ScalarNode) and kv[0].value == part), None)
                if pair is None:
                    break
                node = pair[1]
                mark = pair[0].start_mark if key and i == len(loc) - 1 else node.start_mark
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    def _find(self, needle: str, from_line: int) -> tuple[int, int] | None:
        lines = self.text.splitlines()
        first = needle.splitlines()[0] if needle.strip() else needle
        for n in range(max(from_line - 1, 0), len(lines)):
            idx = lines[n].find(first)
            if idx >= 0:
                return n + 1, idx + 1
        return None


@dataclass
class LoadResult:
    path: str
    source: Source | None
    data: Any = None
    doc: Document | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.doc is not None


def _yaml_error(path: str, exc: YAMLError) -> Finding:
    """One clear message for a YAML syntax problem."""
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if isinstance(exc, DuplicateKeyError):
            key = re.search(r'found duplicate key "(.*?)"', str(exc.problem))
            name = key.group(1) if key else "?"
            first = _earlier_key_line(exc.problem_mark.buffer or "", name, line, col)
            return Finding(
                path,
                "duplicate-key",
                f"duplicate key '{name}'",
                line=line,
                col=col,
                hint=f"'{name}' is already set at line {first} of this mapping; keep one of the two",
            )
        if "\\t" in problem or "tab" in problem.lower():
            return Finding(
                path,
                "tab-indent",
                "tab character where YAML expects spaces",
                line=line,
                col=col,
                hint="indent with spaces (2 per level); YAML does not allow tabs",
            )
        return Finding(
            path,
            "yaml-syntax",
            f"invalid YAML: {problem}",
            line=line,
            col=col,
            hint="check the indentation and quoting on this line and the one above",
        )
    return Finding(path, "yaml-syntax", f"invalid YAML: {exc}", line=1, col=1)


def _earlier_key_line(text: str, key: str, line: int, col: int) -> int | str:
    pattern = re.compile(rf"^ {{{col - 1}}}(?:- )?{re.escape(key)}\s*:")
    lines = text.splitlines()[: line - 1]
    for n in range(len(lines) - 1, -1, -1):
        if pattern.match(lines[n]):
            return n + 1
    return "?"


def _find_anchor(path: str, text: str) -> Finding | None:
    """Anchors and aliases are rejected: expanding them is a denial-of-service vector."""
    try:
        for ev in _EVENTS.parse(text):
            anchor = getattr(ev, "anchor", None)
            if isinstance(ev, AliasEvent) or (anchor and isinstance(ev, ScalarEvent | CollectionStartEvent)):
                mark = ev.start_mark
                what = "alias" if isinstance(ev, AliasEvent) else "anchor"
                return Finding(
                    path,
                    "yaml-alias",
                    f"YAML {what} '{'*' if what == 'alias' else '&'}{anchor}' is not allowed",
                    line=mark.line + 1,
                    col=mark.column + 1,
                    hint="write the value out in full; anchors and aliases are rejected "
                    "because expanding them can exhaust memory",
                )
    except YAMLError:
        return None  # the loader reports the syntax error itself
    return None


def read_text(path: str, raw: bytes) -> tuple[str | None, Finding | None]:
    if len(raw) > MAX_BYTES:
        return None, Finding(
            path,
            "too-large",
            f"file is {len(raw):,} bytes, over the limit of {MAX_BYTES:,}",
            line=1,
            col=1,
            hint="split it into several runbooks or move logs to a linked file",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, Finding(
            path,
            "encoding",
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            line=line,
            col=col,
            hint="save the file as UTF-8",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, Finding(
            path,
            "empty-file",
            "file is empty",
            line=1,
            col=1,
            hint="start from `kb new incident` or `kb new runbook`, or delete the file",
        )
    return text, None


# `[` or `{` where a flow collection can start: at the start of a line or after a separator, an
# indicator or another flow collection. Elsewhere (`${NAME}`, `a[0]`) it is text, or a syntax error
# the parser stops at.
_FLOW_OPEN = re.compile(r"(?:^|(?<=[\s\[{,:?]))[\[{]", re.MULTILINE)
# What precedes a line's content: indentation, then `- `, `? ` and `: ` indicators. A block collection
# starts at one of these columns.
_PREFIX = re.compile(r"^ *(?:[-?:][ \t]+)*", re.MULTILINE)
_INDICATOR = re.compile(r"[-?:][ \t]+")


def _depth_bound(text: str) -> int:
    """An upper bound on how deep the text's lists and mappings nest, in one linear pass and no parser.

    Flow collections nest at most as deep as there are places one can open. Block collections sit at
    columns that never decrease going inward, and only a list that is a mapping's value shares its
    column with the mapping: so twice the number of distinct starting columns bounds their depth."""
    columns: set[int] = set()
    for prefix in set(_PREFIX.findall(text)):
        columns.add(len(prefix) - len(prefix.lstrip(" ")))
        columns.update(m.end() for m in _INDICATOR.finditer(prefix))
        if 2 * len(columns) > MAX_DEPTH:
            break
    # `${` never opens one (commands are full of them): counting is enough for most files.
    flow = text.count("[") + text.count("{") - text.count("${")
    if flow + 2 * len(columns) > MAX_DEPTH:
        flow = len(_FLOW_OPEN.findall(text))
    return flow + 2 * len(columns)


def depth_error(path: str, text: str) -> Finding | None:
    """The located `too-deep` finding when lists and mappings nest more than MAX_DEPTH deep, else None.

    Checked before any parser builds anything: the YAML parsers and everything after them recurse
    (100,000 nested `[` crash the C loader), and libyaml slows down with depth (24 s to read 100,000
    nested `[` as events). The linear bound clears almost every file; the few it does not (many
    brackets in commands, deep indentation in scripts) are walked as parser events, which keep no
    stack of their own, and the walk stops at the first collection past the limit."""
    if _depth_bound(text) <= MAX_DEPTH:
        return None
    depth = 0
    try:
        for ev in _EVENTS.parse(text):
            if isinstance(ev, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = ev.start_mark
                    return Finding(
                        path,
                        TOO_DEEP,
                        f"lists and mappings nested more than {MAX_DEPTH} deep",
                        line=mark.line + 1,
                        col=mark.column + 1,
                        hint=_DEEP_HINT,
                    )
            elif isinstance(ev, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return None  # a syntax error within the limit: parse() reports it, located
    return None


def _too_deep(path: str) -> Finding:
    """RecursionError past the depth check (a parser or the schema nesting frames of its own)."""
    return Finding(path, TOO_DEEP, "nested too deeply to read", line=1, col=1, hint=_DEEP_HINT)


_Frame = tuple[Any, Any, Any]  # (value, its key or index, the parent's frame): the path, built when needed


def limits_finding(path: str, data: Any) -> Finding | None:
    """A list, mapping or text over its limit (not yet located), else None. Iterative: the data's depth
    is bounded by depth_error, but this walk need not rely on it. Texts are checked where they are
    found, containers after: every file pays this walk, and most values are texts."""
    stack: list[_Frame] = [(data, None, None)]
    while stack:
        frame = stack.pop()
        value, key, _ = frame
        if type(value) is dict:
            if len(value) > MAX_KEYS:
                return _too_many(path, frame, f"{len(value):,} keys, over the limit of {MAX_KEYS:,}")
            for k, v in value.items():
                if type(k) is str and len(k) > MAX_STRING:
                    return _too_long(path, frame, f"a key of {len(k):,} characters, over {MAX_STRING:,}")
                if type(v) is str:
                    if len(v) > MAX_STRING:
                        return _too_long(path, (v, k, frame), _long(v))
                elif type(v) is dict or type(v) is list:
                    stack.append((v, k, frame))
        elif type(value) is list:
            limit = MAX_ITEMS.get(key, DEFAULT_MAX_ITEMS) if type(key) is str else DEFAULT_MAX_ITEMS
            if len(value) > limit:
                return _too_many(path, frame, f"{len(value):,} items, over the limit of {limit:,}")
            for i, v in enumerate(value):
                if type(v) is str:
                    if len(v) > MAX_STRING:
                        return _too_long(path, (v, i, frame), _long(v))
                elif type(v) is dict or type(v) is list:
                    stack.append((v, i, frame))
        elif type(value) is str and len(value) > MAX_STRING:
            return _too_long(path, frame, _long(value))
    return None


def _long(text: str) -> str:
    return f"text of {len(text):,} characters, over the limit of {MAX_STRING:,}"


def _loc(frame: _Frame) -> Loc:
    parts: list[Any] = []
    while frame[2] is not None:
        parts.append(frame[1])
        frame = frame[2]
    return tuple(reversed(parts))


def _too_many(path: str, frame: _Frame, what: str) -> Finding:
    loc = _loc(frame)
    return Finding(
        path,
        TOO_MANY,
        f"{'.'.join(map(str, loc)) or 'the document'}: {what}",
        loc=loc,
        hint="keep the items that help people find and fix the problem, or split the document",
    )


def _too_long(path: str, frame: _Frame, what: str) -> Finding:
    loc = _loc(frame)
    return Finding(
        path,
        TOO_LONG,
        f"{'.'.join(map(str, loc)) or 'the document'}: {what}",
        loc=loc,
        hint="shorten it, or move long logs and scripts to a linked file",
    )


def parse(path: str, text: str) -> tuple[Any, Finding | None]:
    """Fast parse; on failure, the located error. Nesting, list lengths and text sizes are checked
    here, so that everything that reads documents (`kb validate`, `kb fmt`, the site) refuses the same
    hostile files before doing work that grows with them."""
    err = depth_error(path, text)
    if err:
        return None, err
    if _ANCHOR_HINT.search(text):
        err = _find_anchor(path, text)
        if err:
            return None, err
    try:
        data = fastyaml.load(text)
    except RecursionError:
        return None, _too_deep(path)
    except Exception:  # noqa: BLE001 - whatever the fast loader refuses, the located path explains
        pass
    else:
        err = limits_finding(path, data)
        return (None, Source(path, text).locate(err)) if err else (data, None)
    try:
        _rt_yaml().load(text)
    except YAMLError as exc:
        return None, _yaml_error(path, exc)
    except RecursionError:
        return None, _too_deep(path)
    except Exception as exc:  # noqa: BLE001 - never a traceback for bad input
        return None, Finding(path, "yaml-syntax", f"cannot read YAML: {exc}", line=1, col=1)
    return None, Finding(path, "yaml-syntax", "cannot read YAML", line=1, col=1)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = str(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"'{shown}'" if isinstance(value, str) else f"{type(value).__name__} {shown}"


def _unwrap(tp: Any) -> Any:
    """Annotated[X, ...] / X | None / list[X] -> X, so we can look up a nested model's fields."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            if not models:
                return tp
            tp = models[0]
        else:
            return tp


def _fields_at(model: type[BaseModel], loc: Loc) -> dict[str, Any] | None:
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            if typing.get_origin(tp) is not list:
                return None
            tp = typing.get_args(tp)[0]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return dict(tp.model_fields)
    return None


def _schema_finding(path: str, model: type[BaseModel], err: dict) -> Finding:
    loc: Loc = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    where = ".".join(str(p) for p in loc) or "document"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        fields = _fields_at(model, loc[:-1]) or {}
        close = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys here: {', '.join(fields)}"
        return Finding(
            path,
            "unknown-key",
            f"unknown key '{name}' in {where.rsplit('.', 1)[0] if '.' in where else 'document'}",
            hint=hint,
            loc=loc,
        )
    if kind == "missing":
        fields = _fields_at(model, loc[:-1]) or {}
        info = fields.get(str(loc[-1]))
        desc = f": {info.description}" if info is not None and info.description else ""
        return Finding(
            path, "schema", f"missing required key '{loc[-1]}'", loc=loc[:-1], hint=f"add `{loc[-1]}:`{desc}"
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return Finding(
            path,
            "schema",
            f"{where}: expected a mapping (key: value lines), found {_describe(value)}",
            loc=loc,
            hint="write it as `key: value` pairs, not as a list or a single value",
        )
    if kind == "list_type":
        return Finding(
            path,
            "schema",
            f"{where}: expected a list, found {_describe(value)}",
            loc=loc,
            hint="write each item on its own line starting with '- '",
        )
    if kind.startswith(("date_", "datetime_", "timezone_")):
        reason = err.get("ctx", {}).get("error", err["msg"])
        fmt = "YYYY-MM-DD" if kind.startswith("date_") else "YYYY-MM-DDTHH:MM:SS+08:00 (with its UTC offset)"
        return Finding(
            path,
            "schema",
            f"{where}: invalid date {_describe(value)}: {reason}",
            loc=loc,
            hint=f"write it as {fmt}",
        )
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("id",):
        return Finding(
            path,
            "schema",
            f"{where}: invalid id {_describe(value)}",
            loc=loc,
            hint="ids are lowercase letters, digits and '-', like 'nginx-502-bad-gateway'",
        )
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") in PATTERN_HINTS:
        meaning, hint = PATTERN_HINTS[err["ctx"]["pattern"]]
        shown = _describe(value).replace("\r", "\\r").replace("\n", "\\n")  # the line break it is about
        return Finding(path, "schema", f"{where} {meaning}, found {shown}", loc=loc, hint=hint)
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "bool_type",
        "bool_parsing",
        "literal_error",
        "enum",
        "string_pattern_mismatch",
        "float_type",
    ):
        msg = f"{msg}, found {_describe(value)}"
    return Finding(path, "schema", f"{where}: {msg}", loc=loc, hint=f"see the field's description; {SCHEMA_HINT}")


def validate_data(path: str, data: Any) -> tuple[Document | None, list[Finding]]:
    if not isinstance(data, dict):
        return None, [
            Finding(
                path,
                "schema",
                f"the document must be a mapping (key: value lines), found {_describe(data)}",
                loc=(),
                hint="start with `schema_version: 1` and `kind: incident` or `kind: runbook`",
            )
        ]
    kind = data.get("kind")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        close = difflib.get_close_matches(str(kind), list(MODELS), n=1)
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"kind is one of: {', '.join(MODELS)}"
        msg = "missing key 'kind'" if kind is None else f"unknown kind {_describe(kind)}"
        return None, [Finding(path, "unknown-kind", msg, loc=("kind",) if kind is not None else (), hint=hint)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_schema_finding(path, model, e) for e in exc.errors(include_url=False)]
    except RecursionError:
        return None, [_too_deep(path)]


def load_files(paths: list[Path], raws: list[bytes] | None = None) -> list[LoadResult]:
    """Load many files, in order (`raws`: their bytes, when already read). With many, a forked process
    parses part of them meanwhile: parsing YAML is most of the time, and validation happens here."""
    items = list(zip(paths, raws if raws is not None else [None] * len(paths), strict=True))
    return parallel.split_work(
        items, lambda item: load_file(*item), _read_and_parse, lambda item, done: load_file(item[0], *done)
    )


def _read_and_parse(
    items: list[tuple[Path, bytes | None]],
) -> list[tuple[bytes | None, tuple[Any, Finding | None] | None]]:
    """(bytes, what parse() gave) per file; (None, None) leaves a file that cannot be read or decoded to
    load_file, which says why."""
    out: list[tuple[bytes | None, tuple[Any, Finding | None] | None]] = []
    for path, raw in items:
        try:
            raw = fsio.read_bytes(path, limit=MAX_BYTES) if raw is None else raw
        except OSError:
            out.append((None, None))
            continue
        text, _ = read_text(str(path), raw)
        out.append((raw, parse(str(path), text)) if text is not None else (None, None))
    return out


def load_file(
    path: str | Path, raw: bytes | None = None, parsed: tuple[Any, Finding | None] | None = None
) -> LoadResult:
    """Load one file. Findings are located (line/col filled in) before returning. `parsed` is what
    parse() gave for these bytes, when another process has run it."""
    path = str(path)
    try:
        raw = fsio.read_bytes(path, limit=MAX_BYTES) if raw is None else raw
    except OSError as exc:
        return LoadResult(
            path, None, findings=[Finding(path, "io", f"cannot read file: {exc.strerror}", line=1, col=1)]
        )
    text, err = read_text(path, raw)
    if err:
        return LoadResult(path, None, findings=[err])
    source = Source(path, text)
    data, err = parsed if parsed is not None else parse(path, text)
    if err:
        return LoadResult(path, source, findings=[err])
    doc, findings = validate_data(path, data)
    return LoadResult(path, source, data, doc, [source.locate(f) for f in findings])


def load_document(path: str | Path) -> Document:
    """Load one file or raise LoadError with its located findings."""
    result = load_file(path)
    if result.doc is None:
        raise LoadError(result.findings)
    return result.doc
