"""A draft that validates: control characters made visible, secrets redacted (with the detector
`kb validate` uses, so a placeholder such as user:pass@host stays), and whatever the schema or a rule
still refuses moved, as written, under `unsorted`."""

from __future__ import annotations

import copy
import io
from typing import Any

from generator.authoring import fmt
from generator.authoring.importer.context import Context
from generator.authoring.importer.output import check, check_data, to_yaml
from generator.authoring.importer.params import declare_parameters
from generator.authoring.importer.source import Source
from generator.authoring.importer.text import one_line
from generator.core.findings import Finding
from generator.core.rules import walk
from generator.core.rules.control_chars import FORBIDDEN
from generator.core.rules.secrets import find_secrets
from generator.core.values import shown_as

_REQUIRED = {
    "schema_version",
    "kind",
    "id",
    "title",
    "services",
    "owner",
    "last_reviewed",
    "severity",
    "started_at",
    "impact",
    "symptom",
    "root_cause",
    "resolution",
    "author",
}
MAX_ROUNDS = 8


def _visible(text: str) -> str:
    return FORBIDDEN.sub(lambda m: shown_as(m.group(0)), text)


def _redact(text: str) -> tuple[str, list[str]]:
    found = []
    for what, secret in find_secrets(text):
        text = text.replace(secret, f"<redacted {what}>")
        found.append(what)
    return text, found


def sanitize(data: dict[str, Any], ctx: Context, src: Source) -> int:
    """Control characters shown as escapes and secrets redacted, in values and comments; the number
    of secrets redacted. Each secret is reported with its line in the write-up."""
    for n, line in enumerate(src.markdown.split("\n"), start=1):
        for what, _ in find_secrets(line):
            ctx.redacted.append((n, what))
    strings = [text for _, text in walk.strings(data)]
    everything = (
        "\n".join(s for s in strings)
        + "\n"
        + "\n".join(t for per in ctx.comments.values() for texts in per.values() for t in texts)
    )
    has_secret = any(True for _ in find_secrets(everything))
    has_control = bool(FORBIDDEN.search(everything))
    count = 0
    if has_secret or has_control:

        def fix(value: str) -> str:
            nonlocal count
            value = _visible(value)
            if has_secret:
                value, found = _redact(value)
                count += len(found)
            return value

        _map_strings(data, fix)
        for per in ctx.comments.values():
            for key, texts in per.items():
                per[key] = [fix(t) for t in texts]
        if has_control:
            ctx.warnings.append("control characters were written as escapes (\\x1b...): check the text around them")
    return max(count, len(ctx.redacted)) if has_secret else 0


def _map_strings(node: Any, fn: Any) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str):
                node[k] = fn(v)
            else:
                _map_strings(v, fn)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str):
                node[i] = fn(v)
            else:
                _map_strings(v, fn)


def make_valid(data: dict[str, Any], ctx: Context, header: list[str]) -> str:
    """The draft's text once every error `kb validate` would report has been dealt with."""
    fix_data(data, ctx)
    text = to_yaml(data, ctx, header)
    # The written text once more, as `kb validate` reads it (what YAML makes of it is what counts).
    for _ in range(MAX_ROUNDS):
        errors = [f for f in check(text, data["id"]) if f.severity == "error" and f.rule != "too-large"]
        if not errors or not any([_fix(data, f, ctx) for f in errors]):
            break
        text = to_yaml(data, ctx, header)
    return text


def fix_data(data: dict[str, Any], ctx: Context) -> None:
    """Deal with every error the checks find in the data, round after round."""
    for _ in range(MAX_ROUNDS):
        errors = [f for f in check_data(data) if f.severity == "error"]
        if not errors or not any([_fix(data, f, ctx) for f in errors]):
            return


def _fix(data: dict[str, Any], f: Finding, ctx: Context) -> bool:
    if f.rule == "undeclared-parameter" and data.get("kind") == "runbook":
        declare_parameters(data, ctx)
        # Several findings of one round may name the same variable: the first declares it for all.
        if any(f.needle == "${" + p.get("name", "") for p in data.get("parameters") or []):
            return True
    if f.rule == "arithmetic-parameter":
        name = f.message.split(" ", 1)[0]
        for p in data.get("parameters") or []:
            if p.get("name") == name and p.get("type") not in ("integer", "port"):
                p["type"] = "integer"
                p.pop("default", None)
                return True
    loc = tuple(f.loc)
    if not loc:
        return False
    if f.rule == "too-long" and isinstance(_get(data, loc), str):
        return _split_long(data, loc)
    if f.rule == "too-many" and isinstance(_get(data, loc), list):
        items = _get(data, loc)
        keep = len(items) // 2
        for item in items[keep:]:
            _keep(data, loc, item, f)
        del items[keep:]
        return True
    return _move_to_unsorted(data, loc, f, ctx)


CHUNK = 60_000  # characters: under the loader's limit on one text


def _chunks(text: str) -> list[str]:
    out, cur = [], ""
    for line in text.split("\n"):
        while len(line) > CHUNK:
            if cur:
                out.append(cur)
                cur = ""
            out.append(line[:CHUNK])
            line = line[CHUNK:]
        if cur and len(cur) + len(line) + 1 > CHUNK:
            out.append(cur)
            cur = ""
        cur = f"{cur}\n{line}" if cur else line
    return [*out, cur] if cur else out


def _split_long(data: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """A text over the loader's limit becomes several items of the list it sits in (a long log: several
    evidence entries, a long script: several steps), each part marked as such."""
    chunks = _chunks(_get(data, loc))
    for depth in range(len(loc) - 1, 0, -1):
        if isinstance(loc[depth], int):
            parent, index, rest = _get(data, loc[:depth]), loc[depth], loc[depth + 1 :]
            copies = []
            for n, chunk in enumerate(chunks, start=1):
                item = copy.deepcopy(parent[index]) if rest else chunk
                if rest:
                    _set(item, rest, chunk)
                    if isinstance(item, dict) and isinstance(item.get("title"), str):
                        item["title"] = one_line(f"{item['title']} (part {n} of {len(chunks)})")
                copies.append(item)
            parent[index : index + 1] = copies
            return True
    _set(data, loc, chunks[0])
    for n, chunk in enumerate(chunks[1:], start=2):
        where = " › ".join(map(str, loc))
        data.setdefault("unsorted", []).append({"heading": f"{where} (part {n} of {len(chunks)})", "text": chunk})
    return True


def _set(node: Any, loc: tuple[Any, ...], value: Any) -> None:
    for k in loc[:-1]:
        node = node[k]
    node[loc[-1]] = value


def _move_to_unsorted(data: dict[str, Any], loc: tuple[Any, ...], f: Finding, ctx: Context) -> bool:
    """Take the smallest list item around `loc` out of the draft and keep it, as YAML, under `unsorted`."""
    top = loc[0]
    if top == "unsorted":
        return False
    # The deepest list item on the path, so as little as possible leaves its place.
    for depth in range(len(loc) - 1, 0, -1):
        if isinstance(loc[depth], int):
            parent = _get(data, loc[:depth])
            if isinstance(parent, list) and loc[depth] < len(parent):
                item = parent.pop(loc[depth])
                _keep(data, loc[:depth], item, f)
                _prune(data, loc[:depth])
                return True
    value = data.get(top)
    if isinstance(value, str) and top in _REQUIRED:
        fixed = one_line(value)
        if fixed != value:
            data[top] = fixed
            ctx.comment(data, top, f'written: "{" ".join(value.split())}"')
            return True
        return False
    if top in _REQUIRED or top not in data:
        return False
    _keep(data, (top,), data.pop(top), f)
    return True


def _keep(data: dict[str, Any], loc: tuple[Any, ...], item: Any, f: Finding) -> None:
    buf = io.StringIO()
    fmt.yaml().dump(item, buf)
    where = " › ".join(str(x) for x in loc)
    why = " ".join(f.message.split())[:200]
    data.setdefault("unsorted", []).append(
        {"heading": f"{where} (kb validate: {f.rule}: {why})", "text": buf.getvalue() or "(empty)"}
    )


def _get(data: Any, loc: tuple[Any, ...]) -> Any:
    node = data
    for k in loc:
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _prune(data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """An emptied list goes, unless the schema needs it; then its parent goes too."""
    while loc:
        value = _get(data, loc)
        if value not in ([], {}):
            return
        parent = _get(data, loc[:-1]) if len(loc) > 1 else data
        if isinstance(parent, dict) and loc[-1] not in _REQUIRED:
            del parent[loc[-1]]
        loc = loc[:-1]
