"""`kb fmt`: one canonical style for every file, without losing a value or a comment.

Round-trips through ruamel.yaml (quotes and Chinese kept as written), then: keys in the order the
models define them, multi-line text as `|` block scalars, table rows one per line.

Comments are placed by this module, not by ruamel.yaml, which files a comment under whatever node
comes before it, so a reordered key used to leave its comment behind. Each comment is attached to
what it describes, found from the text:

- a full-line comment belongs to the key (or list item) below it, and moves with it;
- unless it is indented deeper than that key, after the end of a mapping or list: then it stays at the
  end of that mapping or list (or of the file);
- an end-of-line comment stays on the line of its key or item;
- comments at the top of the file that a blank line (or a `yaml-language-server` modeline) sets apart
  from the first key stay at the top.

Blank lines go with the comment or key below them. The result is checked before anything is
written: the same data, the same comments, each attached where it was; otherwise the file is left
untouched and the reason is reported.
"""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import Comment, CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, ScalarString

from generator.core import fastyaml, fsio, load
from generator.core.model import MODELS
from generator.core.model.describe import field_order

_EVENTS = YAML(typ="safe", pure=False)  # the C parser: events and nodes with positions, no recursion
_HASH = re.compile(r"(?:^|[ \t])(#)")
# The line breaks libyaml counts, so that line numbers here and in its marks agree.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_MODELINE = "# yaml-language-server:"
_SEE_VALIDATE = "run `kb validate` for details"

# Lists and mappings nested deeper than this are refused before anything recursive reads them. The
# models nest about a dozen levels; a thousand `[` would exhaust the recursion of the YAML libraries.

YamlPath = tuple[str | int, ...]
Target = tuple[Any, ...]  # ("header",) | ("before", path) | ("end", path) | ("eol", path, blanks before it)


class FormatError(Exception):
    """The file cannot be formatted without losing something; it was left as it was."""

    def __init__(self, message: str, line: int = 0, col: int = 0, hint: str = "") -> None:
        self.message = " ".join(message.split())  # always one line
        self.line = line
        self.col = col
        text = f"{self.message} (line {line}, column {col})" if line else self.message
        super().__init__(f"{text}; {hint}" if hint else text)


def yaml() -> YAML:
    """The canonical style: 2-space mappings, sequences indented 2 with '- ' (what the files use)."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 1 << 30  # never fold a line
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _block_ok(text: str) -> bool:
    """A literal block keeps this text exactly: printable, no line that starts with a tab or holds only blanks."""
    if "\n" not in text or "\r" in text or text[:1] in (" ", "\t"):
        return False
    lines = text.split("\n")
    return all((c.isprintable() or c == "\t") for line in lines for c in line) and not any(
        line[:1] == "\t" or (line and not line.strip()) for line in lines
    )


def _canonical(node: Any, model: type[BaseModel] | None, blocks: bool = True) -> Any:
    """The node with keys in schema order and multi-line strings as block scalars."""
    if isinstance(node, CommentedMap):
        order = field_order(model) if model else {}
        known = [k for k in order if k in node]
        keys = known + [k for k in node if k not in order]  # unknown keys keep their place at the end
        if keys != list(node):
            for k in keys:  # in place, so each key keeps its quoting and flow style
                node.move_to_end(k)
        for k in list(node):
            node[k] = _canonical(node[k], order.get(k), blocks)
        return node
    if isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            node[i] = _canonical(item, model, blocks)
        return node
    if blocks and isinstance(node, str) and not isinstance(node, LiteralScalarString) and _block_ok(node):
        return LiteralScalarString(node)
    return node


# ---------------------------------------------------------------- where each comment belongs


@dataclass
class _Anchor:
    """Something a comment can be attached to: a mapping key, or an item of a block list."""

    path: YamlPath
    line: int  # of the key, or of the item's first line
    value: Node  # the key's value, or the item
    containers: tuple[YamlPath, ...]  # the block mappings and lists it is in, outermost first
    last: int = 0  # last line of the value


@dataclass
class _Tree:
    """A text's lines, its anchors in document order, and its block collections."""

    lines: list[str]
    anchors: list[_Anchor] = field(default_factory=list)
    by_path: dict[YamlPath, _Anchor] = field(default_factory=dict)
    containers: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)  # -> (indent, last line)
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # '#' there is text
    interior: set[int] = field(default_factory=set)  # lines wholly inside a scalar
    starts: list[tuple[int, int]] = field(default_factory=list)  # of the spans, for bisect

    def indent(self, line: int) -> int:
        text = self.lines[line]
        return len(text) - len(text.lstrip(" \t"))


def _tree(text: str) -> _Tree:
    lines = _BREAK.split(text)
    tree = _Tree(lines[:-1] if len(lines) > 1 and not lines[-1] else lines)  # nothing after the last break
    root = _EVENTS.compose(text)
    if root is not None:
        _walk(root, (), (), tree)
    tree.spans.sort()
    tree.starts = [s for s, _ in tree.spans]
    return tree


def _walk(node: Node, path: YamlPath, inside: tuple[YamlPath, ...], tree: _Tree) -> int:
    """Record the node's anchors, collections and scalars; return its last line."""
    if isinstance(node, ScalarNode):
        return _scalar(node, tree)
    if getattr(node, "flow_style", False):  # written on one line by the emitter: no anchors inside
        for child in _children(node):
            _walk(child, path, inside, tree)
        return node.end_mark.line
    inside = (*inside, path)
    last = node.start_mark.line
    if isinstance(node, MappingNode):
        indent = node.value[0][0].start_mark.column if node.value else node.start_mark.column
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else f"<{key.start_mark.line}:{key.start_mark.column}>"
            anchor = _Anchor((*path, name), key.start_mark.line, value, inside)
            tree.anchors.append(anchor)
            tree.by_path[anchor.path] = anchor
            _walk(key, path, inside, tree)
            last = anchor.last = max(key.start_mark.line, _walk(value, anchor.path, inside, tree))
    elif isinstance(node, SequenceNode):
        indent = node.start_mark.column  # of the first '-'
        for i, item in enumerate(node.value):
            anchor = _Anchor((*path, i), item.start_mark.line, item, inside)
            tree.anchors.append(anchor)
            tree.by_path[anchor.path] = anchor
            last = anchor.last = _walk(item, anchor.path, inside, tree)
    else:  # pragma: no cover - the composer makes nothing else
        return node.end_mark.line
    tree.containers[path] = (indent, last)
    return last


def _children(node: Node) -> Iterator[Node]:
    for child in node.value:
        yield from child if isinstance(child, tuple) else (child,)


def _scalar(node: ScalarNode, tree: _Tree) -> int:
    start, end = node.start_mark, node.end_mark
    if node.style in ("|", ">"):
        # The scanner counts the blank lines after a block as part of it; only those its value keeps
        # (with `|+`) are text, the others separate it from what follows.
        span_last = end.line - 1 if end.column == 0 and end.line > start.line else end.line
        blank = 0
        while span_last - blank > start.line and not tree.lines[span_last - blank].strip():
            blank += 1
        body = node.value[:-1] if node.value.endswith("\n") else node.value
        parts = body.split("\n")
        kept = 0
        while node.value and kept < len(parts) and not parts[-1 - kept].strip():
            kept += 1
        last = span_last - (blank - min(kept, blank))
        tree.interior.update(range(start.line + 1, last + 1))  # the header line may carry a comment
        return last
    if end.line > start.line or end.column > start.column:
        tree.spans.append(((start.line, start.column), (end.line, end.column)))
    tree.interior.update(range(start.line + 1, end.line))
    return end.line


def _comment_at(tree: _Tree, n: int) -> int | None:
    """Column of the comment on line n, if any: a '#' that starts the line or follows a blank, outside text."""
    if n in tree.interior:
        return None
    line = tree.lines[n]
    if "#" not in line:
        return None
    for m in _HASH.finditer(line):
        pos = (n, m.start(1))
        i = bisect.bisect_right(tree.starts, pos) - 1
        if i >= 0 and tree.spans[i][0] <= pos < tree.spans[i][1]:
            continue  # inside a scalar: text, not a comment
        return m.start(1)
    return None


def _layout(tree: _Tree) -> list[tuple[Target, str]]:
    """Every comment and blank line of the text with what it is attached to, in text order.
    A blank line has the text ''."""
    anchors = tree.anchors
    lines_of = [a.line for a in anchors]
    first = lines_of[0] if anchors else len(tree.lines)
    gaps: list[tuple[int, int, str]] = []  # (line, column, text) of full-line comments and blank lines
    eols: list[tuple[int, str, str]] = []  # (line, blanks before the '#', text) of end-of-line comments
    for n, line in enumerate(tree.lines):
        col = _comment_at(tree, n)
        if col is None:
            if n not in tree.interior and not line.strip():
                gaps.append((n, 0, ""))
        elif line[:col].strip():
            eols.append((n, line[len(line[:col].rstrip()) : col], line[col:].strip()))
        else:
            gaps.append((n, col, line[col:].strip()))

    # At the top, what a blank line (or a `---`) sets apart from the first key belongs to the file.
    gap_lines = {n for n, _, _ in gaps}
    barrier = max((n for n in range(first) if n not in gap_lines or not tree.lines[n].strip()), default=-1)

    placed: dict[int, tuple[Target, str]] = {}
    for n, col, text in gaps:
        if not text:
            continue
        if n < first and (n <= barrier or text.startswith(_MODELINE)):
            placed[n] = (("header",), text)
        else:
            placed[n] = (_gap_target(tree, lines_of, n, col), text)
    for n, pad, text in eols:
        target = _eol_target(tree, lines_of, n)
        placed[n] = ((*target, pad) if target[0] == "eol" else target, text)  # the spacing as written
    # A blank line goes with the comment below it in the same run of blank and comment lines, else
    # with the key below it.
    following: Target | None = None
    for n, _, text in reversed(gaps):
        if text:
            following = placed[n][0]
            continue
        if n + 1 not in gap_lines:
            following = None
        if n < first and n <= barrier:
            placed[n] = (("header",), "")
        else:
            placed[n] = (following or _gap_target(tree, lines_of, n, 0), "")
    return [placed[n] for n in sorted(placed)]


def _gap_target(tree: _Tree, lines_of: list[int], n: int, col: int) -> Target:
    i = bisect.bisect_right(lines_of, n)
    after = tree.anchors[i] if i < len(tree.anchors) else None  # the outermost anchor on its line
    before = tree.anchors[i - 1] if i > 0 else None  # the innermost one
    if after is not None and (before is None or col <= tree.indent(after.line)):
        return ("before", after.path)
    if before is None:
        return ("end", ())
    # Indented deeper than the key below: the end of a collection that closed just above, the
    # innermost one whose entries are not indented deeper than the comment.
    closed = [c for c in before.containers if after is None or c not in after.containers]
    fits = [c for c in closed if tree.containers[c][0] <= col]
    if fits:
        return ("end", fits[-1])
    return ("before", after.path) if after is not None else ("end", ())


def _eol_target(tree: _Tree, lines_of: list[int], n: int) -> Target:
    """The innermost anchor whose lines include line n."""
    i = bisect.bisect_right(lines_of, n) - 1
    if i < 0:
        return ("header",)
    path = tree.anchors[i].path
    while path:  # only the anchor and its parents can include the line
        anchor = tree.by_path.get(path)
        if anchor is not None and anchor.line <= n <= anchor.last:
            return ("eol", path)
        path = path[:-1]
    return ("header",)


def _comments(text: str) -> Counter:
    """Every comment in the text, stripped: a '#' that starts a line or follows a blank, outside scalars."""
    return Counter(t for _, t in _layout(_tree(text)) if t)


def _ruamel_comments(node: Any) -> Counter:
    """The comments ruamel.yaml found, to cross-check the scanner above: one it misses would be lost."""
    tokens: dict[int, Any] = {}  # by identity: ruamel.yaml files some comments in two places

    def collect(value: Any) -> None:
        if isinstance(value, list | tuple):
            for v in value:
                collect(v)
        elif value is not None:
            tokens[id(value)] = value

    def walk(n: Any) -> None:
        ca = getattr(n, Comment.attrib, None)
        if ca is not None:
            collect(ca.comment)
            collect(list(ca.items.values()))
            collect(ca.end)
        if isinstance(n, LiteralScalarString | FoldedScalarString):
            collect(getattr(n, "comment", None))
        if isinstance(n, dict):
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    found: Counter = Counter()
    for token in tokens.values():
        text = token if isinstance(token, str) else getattr(token, "value", "")
        for line in str(text).splitlines():
            if line.strip().startswith("#"):
                found[line.strip()] += 1
    return found


def _uncomment(node: Any) -> Any:
    """Drop what ruamel.yaml kept of comments and blank lines: they are put back by _place."""
    if isinstance(node, CommentedBase) and hasattr(node, Comment.attrib):
        delattr(node, Comment.attrib)
    if isinstance(node, LiteralScalarString | FoldedScalarString):
        node.comment = None
    if isinstance(node, dict):
        for v in node.values():
            _uncomment(v)
    elif isinstance(node, list):
        for v in node:
            _uncomment(v)
    return node


def _place(layout: list[tuple[Target, str]], out: str) -> str:
    """The emitted text with each comment and blank line put back where the layout attaches it."""
    tree = _tree(out)
    header: list[str] = []
    above: dict[int, list[str]] = {}
    below: dict[int, list[tuple[int, str]]] = {}
    eol: dict[int, str] = {}  # line -> its blanks and comment
    for target, text in layout:
        kind, path = target[0], target[1] if len(target) > 1 else ()
        if kind == "header":
            header.append(text)
        elif kind == "before":
            anchor = _find(tree, path, text)
            pad = " " * tree.indent(anchor.line) if text else ""
            above.setdefault(anchor.line, []).append(pad + text)
        elif kind == "end":
            if path not in tree.containers and path != ():
                raise FormatError(f"the comment {text!r} lost its place; file left as it was (please report this)")
            indent, last = tree.containers.get(path, (0, len(tree.lines) - 1))
            below.setdefault(last, []).append((len(path), (" " * indent + text) if text else ""))
        else:
            line = _eol_line(_find(tree, path, text))
            if line in eol:
                raise FormatError(f"the end-of-line comments {eol[line].strip()!r} and {text!r} would share a line")
            eol[line] = target[2] + text
    if header and header[-1] and not all(h.startswith(_MODELINE) for h in header if h):
        header.append("")  # keeps them apart from the first key, as they were
    lines = [(h, True) for h in header]  # (text, put back here): only those may be trimmed
    for n, line in enumerate(tree.lines):
        lines += [(t, True) for t in above.get(n, [])]
        lines.append((line + eol[n] if n in eol else line, False))
        # The end of an inner collection comes before the end of the one around it.
        lines += [(t, True) for _, t in sorted(below.get(n, []), key=lambda d: -d[0])]
    while lines and lines[0] == ("", True):
        lines.pop(0)
    while lines and lines[-1] == ("", True):  # blank lines never end the file; a `|+` block's own stay
        lines.pop()
    return "".join(t + "\n" for t, _ in lines)


def _find(tree: _Tree, path: YamlPath, text: str) -> _Anchor:
    anchor = tree.by_path.get(path)
    if anchor is None:
        raise FormatError(f"the comment {text!r} lost its place; file left as it was (please report this)")
    return anchor


def _eol_line(anchor: _Anchor) -> int:
    """The line an end-of-line comment of this anchor goes on: after a block's `|`, after a value on one line."""
    value = anchor.value
    if isinstance(value, ScalarNode):
        return value.start_mark.line if value.style in ("|", ">") else value.end_mark.line
    if getattr(value, "flow_style", False):
        return value.end_mark.line
    return anchor.line


# ---------------------------------------------------------------- the checks, and formatting


def _parse(text: str) -> Any:
    """The data, through the same checks `kb validate` applies (syntax, anchors, duplicate keys)."""
    data, finding = load.parse("<text>", text)  # nesting depth and sizes included
    if finding is not None:
        raise FormatError(finding.message, finding.line, finding.col, _SEE_VALIDATE)
    if not isinstance(data, dict):
        raise FormatError("the document is not a mapping (key: value lines)", 1, 1, _SEE_VALIDATE)
    return data


def format_text(text: str) -> str:
    """The canonical form of a document's text. Raises FormatError instead of losing anything."""
    before = _parse(text)
    y = yaml()
    try:
        layout = _layout(_tree(text))
        data = y.load(text)
    except YAMLError as exc:  # what libyaml accepted and ruamel.yaml does not
        mark = exc.problem_mark if isinstance(exc, MarkedYAMLError) else None
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise FormatError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", *where) from None
    missed = _ruamel_comments(data) - Counter(t for _, t in layout if t)
    if missed:
        raise FormatError(
            f"could not place the comment {next(iter(missed))!r}; file left as it was (please report this)"
        )
    kind = data.get("kind") if isinstance(data, CommentedMap) else None
    model = MODELS.get(kind) if isinstance(kind, str) else None
    try:
        return _formatted(before, layout, y, _canonical(_uncomment(data), model))
    except FormatError:
        # Some texts only survive in their original quoting: keep it rather than refuse the file.
        return _formatted(before, layout, y, _canonical(_uncomment(y.load(text)), model, blocks=False))


def _formatted(before: Any, layout: list[tuple[Target, str]], y: YAML, data: Any) -> str:
    buf = io.StringIO()
    y.dump(data, buf)
    try:
        out = _place(layout, buf.getvalue())
    except YAMLError as exc:  # the emitter wrote something its own kind cannot read
        raise FormatError(f"the formatted text does not load back ({exc}); file left as it was") from None
    _check_same(before, layout, out)
    return out


def _check_same(before: Any, layout: list[tuple[Target, str]], after: str) -> None:
    """The formatted text holds the same data, and the same comments attached to the same keys."""
    try:
        same = _plain(before) == _plain(fastyaml.load(after))
        tree = _tree(after)
        placed = _layout(tree)
    except Exception as exc:  # noqa: BLE001 - a formatter bug must not reach the user's file
        raise FormatError(f"the formatted text does not load back ({exc}); file left as it was") from None
    if not same:
        raise FormatError("formatting would change the data; file left as it was (please report this)")
    was, now = Counter(t for _, t in layout if t), Counter(t for _, t in placed if t)
    if was != now:
        lost, added = was - now, now - was
        what = f"lose the comment {next(iter(lost))!r}" if lost else f"add the comment {next(iter(added))!r}"
        raise FormatError(f"formatting would {what}; file left as it was (please report this)")
    moved = Counter((_line_owner(tree, p), t) for p, t in layout if t)
    moved -= Counter((_line_owner(tree, p), t) for p, t in placed if t)
    if moved:
        (target, text), _ = moved.most_common(1)[0]
        where = "/".join(map(str, target[1])) if len(target) > 1 else "the top of the file"
        raise FormatError(
            f"formatting would move the comment {text!r} away from {where}; file left as it was (please report this)"
        )


def _line_owner(tree: _Tree, target: Target) -> Target:
    """A comment above a key that became the first of a list item's mapping sits above the item's
    line: above the item and above that key are then the same place."""
    if target[0] != "before":
        return target
    path = target[1]
    while (
        path in tree.by_path and path[:-1] in tree.by_path and tree.by_path[path[:-1]].line == tree.by_path[path].line
    ):
        path = path[:-1]
    return ("before", path)


def _plain(data: Any) -> Any:
    """Loaded data with ruamel's string subclasses and timestamps flattened, for comparison."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, ScalarString):
        return str(data)
    return data


@dataclass
class Result:
    path: Path
    changed: bool
    error: str | None = None


def format_file(path: Path, *, check: bool = False) -> Result:
    """Format one file in place (with check, only tell). Never raises for what the file holds."""
    try:
        raw = fsio.read_bytes(path, limit=load.MAX_BYTES)  # as `kb validate` reads: no links, no FIFOs
    except OSError as exc:
        return Result(path, False, f"cannot read file: {exc.strerror}")
    text, finding = load.read_text(str(path), raw)  # the size, encoding and emptiness `kb validate` checks
    if finding is not None:
        return Result(path, False, str(FormatError(finding.message, finding.line, finding.col)))
    try:
        out = format_text(text)
    except FormatError as exc:
        return Result(path, False, str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, one line and the file as it was
        why = " ".join(str(exc).split())[:200]
        return Result(path, False, f"cannot format this file ({type(exc).__name__}: {why}); file left as it was")
    original = raw.decode("utf-8")
    if original.startswith("\ufeff"):
        out = "\ufeff" + out
    if out == original:
        return Result(path, False)
    if not check:
        try:
            fsio.write_file(path, out, mode=path.stat().st_mode & 0o7777)  # atomic: the old file or the new one
        except OSError as exc:
            return Result(path, False, f"cannot write file: {exc.strerror or exc}")
    return Result(path, True)
