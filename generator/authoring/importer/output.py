"""The draft as YAML text, with its comments, and the same per-file checks `kb validate` applies."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.authoring import fmt
from generator.authoring.importer.context import Context
from generator.core.findings import Finding
from generator.core.rules.control_chars import FORBIDDEN
from generator.core.values import shown_as


def _comment_text(texts: list[str]) -> str:
    text = "; ".join(texts)
    text = " ".join(text.split())  # one line: a comment ends at the line break
    return FORBIDDEN.sub(lambda m: shown_as(m.group(0)), text)


def _commented(node: Any, ctx: Context) -> Any:
    if isinstance(node, dict):
        out = CommentedMap()
        for k, v in node.items():
            out[k] = _commented(v, ctx)
        notes = ctx.comments_of(node)
        for key, texts in notes.items():
            # A key not in the draft (a list left empty): the comment goes by the title, else the first key.
            target = key if key in out else ("title" if "title" in out else next(iter(out), None))
            if target is not None:
                existing = out.ca.items.get(target)
                if existing and existing[2] is not None:
                    texts = [existing[2].value.lstrip("# ").rstrip("\n"), *texts]
                    del out.ca.items[target]
                out.yaml_add_eol_comment(_comment_text(texts), target)
        return out
    if isinstance(node, list):
        return CommentedSeq(_commented(v, ctx) for v in node)
    return node


def to_yaml(data: dict[str, Any], ctx: Context, header: list[str]) -> str:
    doc = _commented(data, ctx)
    doc.yaml_set_start_comment("\n".join(FORBIDDEN.sub(lambda m: shown_as(m.group(0)), h) for h in header))
    buf = io.StringIO()
    fmt.yaml().dump(doc, buf)
    return fmt.format_text(buf.getvalue())


def check(text: str, doc_id: str) -> list[Finding]:
    """The findings `kb validate` would report for this draft alone (cross-file rules aside)."""
    from generator.core import load
    from generator.core.rules import lint_data

    path = f"{doc_id}.yaml"
    size = len(text.encode("utf-8"))
    if size > load.MAX_BYTES:
        return [Finding(path, "too-large", f"draft is {size:,} bytes, over the limit of {load.MAX_BYTES:,}")]
    data, err = load.parse(path, text)
    if err is not None:
        return [err]
    doc, findings = load.validate_data(path, data)
    if doc is not None:
        findings += lint_data(path, data)
    return findings


def check_data(data: dict[str, Any]) -> list[Finding]:
    """The same checks on the draft's data, before it is written out (rendering is the slow part)."""
    from generator.core import load
    from generator.core.rules import lint_data

    path = f"{data.get('id')}.yaml"
    err = load.limits_finding(path, data)
    if err is not None:
        return [err]
    doc, findings = load.validate_data(path, data)
    if doc is not None:
        findings += lint_data(path, data)
    return findings
