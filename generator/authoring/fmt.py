"""`kb fmt`: one canonical style for every file, without losing a value or a comment.

Round-trips through ruamel.yaml (comments, quotes and Chinese kept as written), then: keys in the
order the models define them, multi-line text as `|` block scalars, table rows one per line. The
result is checked before anything is written: the same data, the same comments; otherwise the file
is left untouched and the reason is reported.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import ScalarEvent
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString

from generator.core import fastyaml
from generator.core.model import MODELS
from generator.core.model.describe import field_order

_EVENTS = YAML(typ="safe", pure=False)  # the C parser's events carry the position of every scalar
_HASH = re.compile(r"(?:^|[ \t])(#)")


class FormatError(Exception):
    """The file cannot be formatted without losing something; it was left as it was."""


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
    """The node with keys in schema order and multi-line strings as block scalars; comments move with keys."""
    if isinstance(node, CommentedMap):
        order = field_order(model) if model else {}
        known = [k for k in order if k in node]
        keys = known + [k for k in node if k not in order]  # unknown keys keep their place at the end
        if keys != list(node):
            for k in keys:  # in place, so each key keeps its comments
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


def _comments(text: str) -> Counter:
    """Every comment in the text, as written: a '#' that starts a line or follows a blank, outside scalars."""
    spans = sorted(
        ((ev.start_mark.line, ev.start_mark.column), (ev.end_mark.line, ev.end_mark.column))
        for ev in _EVENTS.parse(text)
        if isinstance(ev, ScalarEvent)
    )
    starts = [s for s, _ in spans]
    found: Counter = Counter()
    for n, line in enumerate(text.splitlines()):
        for m in _HASH.finditer(line):
            pos = (n, m.start(1))
            i = bisect.bisect_right(starts, pos) - 1
            if i >= 0 and spans[i][0] <= pos < spans[i][1]:
                continue  # inside a scalar: text, not a comment
            found[line[m.start(1) :].strip()] += 1
            break
    return found


def _plain(data: Any) -> Any:
    """Loaded data with ruamel's string subclasses and timestamps flattened, for comparison."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, ScalarString):
        return str(data)
    return data


def format_text(text: str) -> str:
    """The canonical form of a document's text. Raises FormatError instead of losing anything."""
    y = yaml()
    try:
        data = y.load(text)
    except YAMLError as exc:
        raise FormatError(f"invalid YAML: {str(exc).splitlines()[0]}; run `kb validate` for details") from None
    if not isinstance(data, CommentedMap):
        raise FormatError("the document is not a mapping (key: value lines); run `kb validate` for details")
    kind = data.get("kind")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    try:
        return _formatted(text, y, _canonical(data, model))
    except FormatError:
        # Some texts only survive in their original quoting: keep it rather than refuse the file.
        return _formatted(text, y, _canonical(y.load(text), model, blocks=False))


def _formatted(text: str, y: YAML, data: Any) -> str:
    buf = io.StringIO()
    y.dump(data, buf)
    out = buf.getvalue().rstrip("\n") + "\n"  # a blank line that moved with its key must not end the file
    _check_same(text, out)
    return out


def _check_same(before: str, after: str) -> None:
    try:
        same = _plain(fastyaml.load(before)) == _plain(fastyaml.load(after))
    except Exception as exc:  # noqa: BLE001 - a formatter bug must not reach the user's file
        raise FormatError(f"the formatted text does not load back ({exc}); file left as it was") from None
    if not same:
        raise FormatError("formatting would change the data; file left as it was (please report this)")
    lost = _comments(before) - _comments(after)
    if lost:
        first = next(iter(lost))
        raise FormatError(f"formatting would lose the comment {first!r}; file left as it was (move the comment)")


@dataclass
class Result:
    path: Path
    changed: bool
    error: str | None = None


def write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step, so an interrupted write never leaves half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_file(path: Path, *, check: bool = False) -> Result:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        return Result(path, False, f"cannot read file: {exc.strerror}")
    except UnicodeDecodeError:
        return Result(path, False, "file is not valid UTF-8")
    bom = text.startswith("\ufeff")
    try:
        out = format_text(text[1:] if bom else text)
    except FormatError as exc:
        return Result(path, False, str(exc))
    if bom:
        out = "\ufeff" + out
    if out == text:
        return Result(path, False)
    if not check:
        write_atomic(path, out)
    return Result(path, True)


def command(paths: list[str], check: bool) -> int:
    """`kb fmt`: 0 when nothing changed (or with --check, nothing would), 1 otherwise, 2 on usage errors."""
    import sys

    from generator.core.paths import discover

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"kb fmt: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = [format_file(p, check=check) for p in discover(paths)]
    for r in results:
        if r.error:
            print(f"{r.path}: error: {r.error}", file=sys.stderr)
        elif r.changed:
            print(f"{'would reformat' if check else 'reformatted'} {r.path}")
    errors = sum(r.error is not None for r in results)
    changed = sum(r.changed for r in results)
    verb = "would be reformatted" if check else "reformatted"
    print(f"{changed} file(s) {verb}, {len(results) - changed - errors} unchanged, {errors} error(s)", file=sys.stderr)
    return 1 if errors or (check and changed) else 0
