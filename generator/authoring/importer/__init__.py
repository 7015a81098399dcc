"""`kb import`: a markdown write-up -> a draft incident or runbook in YAML, for a person to finish.

Nothing is dropped: what cannot be placed goes to `unsorted`, which `kb validate` reports until a
person has sorted it. Guessed values carry a comment saying so; secrets are redacted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from generator.authoring import fmt
from generator.authoring.importer.blocks import parse
from generator.authoring.importer.build import draft_incident, draft_runbook
from generator.authoring.importer.draft import Context, context, is_timeline

# Words that say which kind a write-up is, when --kind is not given: the more frequent side wins.
INCIDENT_WORDS = re.compile(
    r"事故|复盘|post-?mortem|incident|outage|故障时间|时间线|根本原因|根因|修复过程", re.IGNORECASE
)
RUNBOOK_WORDS = re.compile(r"排查指南|故障排查|troubleshoot|手册|runbook|指南|guide|常见问题|一键体检", re.IGNORECASE)


class ImportError_(Exception):
    pass


@dataclass
class Draft:
    kind: str
    id: str
    text: str
    context: Context


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")


def draft(
    source: str,
    *,
    name: str,
    kind: str | None = None,
    doc_id: str | None = None,
    service: str | None = None,
    schema: str | None = None,
    today: dt.date | None = None,
) -> Draft:
    today = today or dt.date.today()
    doc = parse(source)
    ctx = context(doc, today)
    if kind is None:
        timeline = any(is_timeline(b) for b in doc.blocks)
        incident = len(INCIDENT_WORDS.findall(source)) + (5 if timeline else 0)
        kind = "incident" if incident > len(RUNBOOK_WORDS.findall(source)) else "runbook"
    title = (doc.title or name).strip("# ").strip() or name
    stem = _slug(Path(name).stem) or "imported"
    if kind == "incident" and not re.match(r"\d{4}-\d{2}-\d{2}", stem):
        stem = f"{ctx.date.isoformat()}-{stem}"[:80]
    doc_id = doc_id or stem
    services = [service or "unknown"]
    if kind == "incident":
        data = draft_incident(doc, ctx, doc_id=doc_id, title=title, services=services)
    else:
        data = draft_runbook(doc, ctx, doc_id=doc_id, title=title, services=services, owner="TODO")
        ctx.guessed["owner"] = "who keeps this runbook correct?"
    if service is None:
        ctx.guessed["services"] = "pass --service, or write the service ids here"
    return Draft(kind, doc_id, _to_yaml(data, ctx, kind, name, schema or f"../schema/{kind}.schema.json"), ctx)


def _to_yaml(data: dict, ctx: Context, kind: str, name: str, schema: str) -> str:
    doc = CommentedMap(data)
    doc.yaml_set_start_comment(
        f"yaml-language-server: $schema={schema}\n"
        f"Drafted by `kb import` from {name} on {ctx.today.isoformat()}. Check every value (comments mark\n"
        "the guesses), move what is under `unsorted` into its fields, then run `kb validate`."
    )
    for key, why in ctx.guessed.items():
        if key in doc:
            doc.yaml_add_eol_comment(f"guessed: {why}", key)
    buf = io.StringIO()
    fmt.yaml().dump(doc, buf)
    return fmt.format_text(buf.getvalue())
