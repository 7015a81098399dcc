"""`kb import`: a write-up (Markdown, or a saved HTML page) -> a draft incident or runbook in YAML, for a
person to finish.

Sections are read by what they are for (symptoms, diagnosis, causes, fixes, timeline, root cause...),
commands become the steps they belong to, error messages become signatures. Nothing is lost: a line
that no field holds as written is kept in a comment next to the value made from it, or under
`unsorted`, which `kb validate` reports until a person has sorted it. Guessed values carry a
`# guessed:` comment; secrets are redacted; the draft passes `kb validate` (warnings aside).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.authoring.importer import coverage
from generator.authoring.importer.blocks import Document, Section, parse
from generator.authoring.importer.context import Context
from generator.authoring.importer.incident import IncidentDraft
from generator.authoring.importer.layout import layout, meta_lines
from generator.authoring.importer.output import check
from generator.authoring.importer.params import declare_parameters
from generator.authoring.importer.runbook import RunbookDraft
from generator.authoring.importer.safety import fix_data, make_valid, sanitize
from generator.authoring.importer.source import Source, prepare
from generator.authoring.importer.text import has_cjk, norm, one_line, plain, slug
from generator.authoring.importer.vocab import is_label, role
from generator.authoring.importer.when import find_date, find_month_day, find_year, find_zone
from generator.core.load import MAX_BYTES

# Words that say which kind a write-up is, when --kind is not given.
INCIDENT_WORDS = re.compile(
    (
        r"事故|复盘|post-?mortem|incident|outage|故障时间|"
        r"时间线|根本原因|根因|修复过程|timeline|root cause|"
        r"lessons learned"
    ),
    re.IGNORECASE,
)
RUNBOOK_WORDS = re.compile(
    r"排查指南|故障排查|troubleshoot|手册|runbook|指南|guide|常见问题|一键体检|playbook|handbook|告警|alert|how to",
    re.IGNORECASE,
)
_INCIDENT_ROLES = {"timeline", "contributing", "lessons", "actions", "ruled_out", "hypotheses"}
_RUNBOOK_ROLES = {"symptom", "diagnosis", "verification", "health", "cheatsheet", "signature", "escalation"}
MISSING = "TODO (kb import found nothing for this in the write-up)"


class ImportRefused(Exception):
    """The write-up cannot become a draft; the message says why and what to do."""


@dataclass
class Stats:
    problems: int = 0
    signatures: int = 0
    lines: int = 0
    lines_lost: int = 0
    chars: int = 0
    chars_unsorted: int = 0
    commands: int = 0
    commands_kept: int = 0
    guesses: int = 0
    parameters: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def unsorted_share(self) -> float:
        return self.chars_unsorted / self.chars if self.chars else 0.0

    @property
    def placed_share(self) -> float:
        return 1.0 - self.unsorted_share - (self.lines_lost / self.lines if self.lines else 0.0)


@dataclass
class Draft:
    kind: str
    id: str
    text: str
    context: Context
    data: dict[str, Any]
    stats: Stats
    parts: list[Draft] = field(default_factory=list)  # more drafts, when the write-up was split

    @property
    def all(self) -> list[Draft]:
        return [self, *self.parts]


def _stem_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")[:80].strip("-") or "imported"


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
    """The draft of one write-up; `.parts` holds the others when it had to be split. Raises
    ImportRefused when it cannot be drafted within the size limit."""
    today = today or dt.date.today()
    src = prepare(source, name)
    doc = parse(src.markdown, is_label=is_label)
    ctx = Context(name, today, chinese=has_cjk(src.markdown))
    kind = kind or guess_kind(doc, src)
    _dates(ctx, doc, src, kind)
    title = _title(src, doc, name)
    stem = _stem_slug(name)
    if kind == "incident" and not re.match(r"\d{4}-\d{2}-\d{2}", stem):
        stem = f"{(ctx.day or today).isoformat()}-{stem}"[:80].strip("-")
    doc_id = doc_id or stem
    data: dict[str, Any] = {"schema_version": 1, "kind": kind, "id": doc_id, "title": title}
    header_extra = _front_matter(src, data, ctx, kind, service)
    if "services" not in data:
        data["services"] = [service or "unknown"]
        if service is None:
            ctx.guess(data, "services", "pass --service, or write the service ids here")
    if kind == "incident":
        data = IncidentDraft(doc, src, ctx, data).build()
    else:
        data.setdefault("owner", "TODO")
        if data["owner"] == "TODO":
            ctx.guess(data, "owner", "who keeps this runbook correct?")
        if "last_reviewed" not in data:
            data["last_reviewed"] = today.isoformat()
            ctx.guess(data, "last_reviewed", "the write-up gives no review date: today")
        builder = RunbookDraft(doc, src, ctx, data)
        data = builder.build()
        if builder.guessed_problem:
            ctx.warnings.append("no section names a problem: the whole page was taken as one (check it)")
        declare_parameters(data, ctx)
    redacted = sanitize(data, ctx, src)
    header = _header(name, today, src, schema or f"../schema/{kind}.schema.json", header_extra)
    pieces, commands = coverage.pieces(src)
    fix_data(data, ctx)
    _cover(ctx, header, doc, pieces, [data])
    text = make_valid(data, ctx, header)
    parts, texts = [data], [text]
    if len(text.encode("utf-8")) > MAX_BYTES:
        parts = _split(data, ctx, kind, name)
        texts = []
        for n, part in enumerate(parts):
            note = (
                f"Part {n + 1} of {len(parts)}: {name} was split, one runbook per problem, "
                f"to stay under the {MAX_BYTES // 1024} KiB limit."
            )
            texts.append(make_valid(part, ctx, [*header, note]))
    for part, part_text in zip(parts, texts, strict=True):
        size = len(part_text.encode("utf-8"))
        if size > MAX_BYTES:
            raise ImportRefused(
                f"{name}: the draft of {part.get('title')!r} would be {size:,} bytes, over the {MAX_BYTES:,}-byte "
                "limit of `kb validate`; split the write-up (one file per problem or alert), or move long logs "
                "into files the write-up links to"
            )
    drafts = [Draft(kind, p["id"], t, ctx, p, Stats()) for p, t in zip(parts, texts, strict=True)]
    _stats(drafts, ctx, pieces, commands, redacted)
    if len(parts) > 1:
        drafts[0].stats.warnings.append(
            f"too large for one document: split into {len(parts)} runbooks, one per problem "
            f"({', '.join(p['id'] for p in parts[1:4])}{'…' if len(parts) > 4 else ''})"
        )
    first = drafts[0]
    first.parts = drafts[1:]
    return first


def guess_kind(doc: Document, src: Source) -> str:
    text = src.markdown
    roles = [role(s.title) for s in doc.top.walk() if s.title]
    incident = len(INCIDENT_WORDS.findall(text)) + 3 * sum(r in _INCIDENT_ROLES for r in roles)
    runbook = len(RUNBOOK_WORDS.findall(text)) + 2 * sum(r in _RUNBOOK_ROLES for r in roles)
    from generator.authoring.importer.when import starts_with_time

    timed = sum(
        1
        for b in doc.top.all_blocks()
        if b.kind == "list" and sum(bool(starts_with_time(i.text)) for i in b.items) >= 3
    )
    tables = sum(
        1
        for b in doc.top.all_blocks()
        if b.kind == "table" and b.header and re.match(r"^(时间|time|when)", b.header[0].strip(), re.I)
    )
    incident += 5 * (timed + tables)
    return "incident" if incident > runbook else "runbook"


def _title(src: Source, doc: Document, name: str) -> str:
    title = src.front.get("title")
    if isinstance(title, str) and title.strip():
        return one_line(title)
    if doc.title:
        return one_line(plain(doc.title)) or one_line(doc.title)
    lay = layout(doc)
    if lay.title:
        return one_line(plain(lay.title))
    if src.page_title:
        return one_line(src.page_title)
    return one_line(Path(name).stem) or "imported"


def _dates(ctx: Context, doc: Document, src: Source, kind: str) -> None:
    """The document's own date, the year of its title, and its time zone."""
    front = src.front
    for key in ("date", "started", "start", "incident_date", "created", "started_at"):
        value = front.get(key)
        if value:
            found = find_date(str(value))
            if found:
                ctx.day, ctx.day_text = found[0], f"{key}: {value}"
                break
    lay = layout(doc)
    if ctx.day is None:
        for b in lay.intro:
            for m in meta_lines(b) or []:
                found = find_date(m.value) if m.key == "date" else None
                if found:
                    ctx.day, ctx.day_text = found[0], m.text.strip()
                    break
    title = lay.title or doc.title or str(front.get("title") or "")
    if ctx.day is None:
        found = find_date(title)
        if found:
            ctx.day, ctx.day_text = found[0], found[1]
    if ctx.day is None and kind == "incident":
        found = find_date(src.markdown)
        if found:
            ctx.day, ctx.day_text = found[0], found[1]
    ctx.year = find_year(title) or (find_year(str(front.get("title") or "")) if front else None)
    if ctx.day is None and ctx.year and kind == "incident":
        # "2023 年双十一..." and "11月11日晚高峰": the year of the title, the day of the text.
        found = find_month_day(src.markdown, ctx.year)
        if found:
            ctx.day, ctx.day_text = found[0], f"{found[1]} (year {ctx.year} from the title)"
    tz_text = str(front.get("timezone") or front.get("tz") or "")
    zone = find_zone(tz_text, ctx.chinese) if tz_text else None
    if zone is None:
        zone = _zone_in_text(src.markdown, ctx.chinese)
    if zone is not None:
        ctx.zone, ctx.zone_from = zone, "document"
    else:
        from generator.authoring.importer.when import Zone

        # A Chinese write-up without a zone is most likely on China Standard Time; any other, UTC.
        offset = 8 if ctx.chinese else 0
        ctx.zone = Zone(dt.timezone(dt.timedelta(hours=offset)), "UTC+8" if offset else "UTC")
        ctx.zone_from = "guess"


def _zone_in_text(text: str, chinese: bool) -> Any:
    """A zone the prose names: "GMT+8", "All times UTC", "北京时间" (not an offset inside a timestamp)."""
    for line in text.split("\n"):
        if re.search(r"\d{2}:\d{2}(:\d{2})?[+-]\d{2}:?\d{2}", line):
            zone = find_zone(re.sub(r"\d{2}:\d{2}(:\d{2})?[+-]\d{2}:?\d{2}", "", line), chinese)
        else:
            zone = find_zone(line, chinese)
        if zone is not None and not re.fullmatch(r"[+-]\d{2}:?\d{2}", zone.text):
            return zone
    return None


def _front_matter(src: Source, data: dict[str, Any], ctx: Context, kind: str, service: str | None) -> list[str]:
    """Front matter mapped to fields; what has no field is kept in the header comment."""
    kept: list[str] = []
    front = src.front

    def slugs(value: Any) -> list[str]:
        items = value if isinstance(value, list) else re.split(r"[,，\s]+", str(value))
        return [s for s in (slug(str(v), "") for v in items) if s]

    for key, value in front.items():
        k = key.lower()
        if value in (None, "", []):
            continue
        if k == "title":
            continue
        if k in ("tags", "labels", "keywords", "categories"):
            data["tags"] = list(dict.fromkeys([*data.get("tags", []), *slugs(value)]))
        elif k in ("alerts", "alert", "alertname") and kind == "runbook":
            items = value if isinstance(value, list) else [value]
            data["alerts"] = [one_line(str(v)) for v in items]
        elif k in ("service", "services", "system", "component") and not service:
            data["services"] = slugs(value) or ["unknown"]
        elif k in ("owner", "team", "maintainer", "maintainers") and kind == "runbook":
            data["owner"] = one_line(", ".join(map(str, value)) if isinstance(value, list) else str(value))
        elif k in ("author", "authors") and kind == "incident":
            data["author"] = one_line(", ".join(map(str, value)) if isinstance(value, list) else str(value))
        elif k in ("author", "authors") and kind == "runbook" and "owner" not in data:
            data["owner"] = one_line(", ".join(map(str, value)) if isinstance(value, list) else str(value))
        elif k in ("last_reviewed", "reviewed", "last_updated", "updated", "date", "modified") and kind == "runbook":
            found = find_date(str(value))
            if found and "last_reviewed" not in data:
                data["last_reviewed"] = found[0].isoformat()
            else:
                kept.append(f"{key}: {value}")
        elif k in ("severity", "priority", "sev"):
            from generator.authoring.importer.incident import _severity

            level = _severity(str(value))
            if level:
                data["severity"] = level
                if str(value) != level:
                    ctx.comment(data, "severity", f'front matter "{key}: {value}"')
            else:
                kept.append(f"{key}: {value}")
        elif k in ("summary", "description"):
            data["summary"] = str(value)
        elif k in ("updated", "created") and kind == "incident":
            found = find_date(str(value))
            if found:
                data[k] = found[0].isoformat()
            else:
                kept.append(f"{key}: {value}")
        elif k in ("reviewer",) and kind == "incident":
            data["reviewer"] = one_line(str(value))
        else:
            kept.append(f"{key}: {value}")
    if "tags" in data and not data["tags"]:
        del data["tags"]
    return [f"front matter kept: {k}" for k in kept]


def _header(name: str, today: dt.date, src: Source, schema: str, extra: list[str]) -> list[str]:
    lines = [
        f"yaml-language-server: $schema={schema}",
        f"Drafted by `kb import` from {name} on {today.isoformat()}. Check every value (comments mark",
        "the guesses and the wording values were read from), move what is under `unsorted` into its",
        "fields, then run `kb validate`.",
    ]
    if src.page_title:
        lines.append(f"page title: {norm(src.page_title)}")
    lines += [f"page chrome: {norm(c)}" for c in src.chrome]
    return lines + extra


def _cover(
    ctx: Context, header: list[str], doc: Document, pieces: list[coverage.Piece], parts: list[dict[str, Any]]
) -> None:
    """Lines of the write-up found in no draft: a comment where their value is, else `unsorted`."""
    from generator.core.rules.secrets import find_secrets

    comments = [t for per in ctx.comments.values() for texts in per.values() for t in texts]
    hay = coverage.Haystack([s for p in parts for s in coverage.strings(p)] + comments + header)
    reachable = {id(n) for p in parts for n in _dicts(p)}
    left: list[coverage.Piece] = []
    for piece in pieces:
        if all(hay.has(part) for part in piece.parts):
            continue
        heading = piece.heading or piece.line in doc.label_lines
        raw = norm(plain(piece.raw).lstrip("#").strip().rstrip(":：") if heading else piece.raw)
        for what, secret in find_secrets(raw):
            raw = raw.replace(secret, f"<redacted {what}>")
        if all(hay.has(part) for part in [raw]) and raw != norm(piece.raw):
            continue  # found once its secret is redacted, as the draft has it
        where = ctx.taken.get(piece.line) if piece.line else None
        if where is not None and id(where[0]) in reachable:
            ctx.comment(where[0], where[1], f'{"from" if heading else "written"}: "{raw}"')
        elif piece.line == 0:
            header.append(f"kept: {raw}")
        else:
            left.append(piece)
    if left:
        target = parts[0]
        entries: list[dict[str, str]] = target.setdefault("unsorted", [])
        for heading, group in _by_section(doc, left):
            text = "\n".join(p.raw for p in group)
            for what, secret in find_secrets(text):
                text = text.replace(secret, f"<redacted {what}>")
            entries.append({"heading": heading, "text": text or "(empty)"})


def _dicts(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(d for v in node.values() for d in _dicts(v))]
    if isinstance(node, list):
        return [d for v in node for d in _dicts(v)]
    return []


def _by_section(doc: Document, pieces: list[coverage.Piece]) -> list[tuple[str, list[coverage.Piece]]]:
    sections = [s for s in doc.top.walk() if s.level and not s.label]
    out: list[tuple[str, list[coverage.Piece]]] = []
    for p in pieces:
        owner: Section | None = None
        for s in sections:
            if s.line <= p.line:
                owner = s
        path = [plain(t) for t in owner.path] if owner else []
        heading = " › ".join(path[1:] if len(path) > 1 else path) or "(top of the document)"
        if out and out[-1][0] == heading:
            out[-1][1].append(p)
        else:
            out.append((heading or "(top of the document)", [p]))
    return out


def _split(data: dict[str, Any], ctx: Context, kind: str, name: str) -> list[dict[str, Any]]:
    """A runbook too large for one document: the first keeps everything but the problems after its first,
    each of those becomes a runbook of its own."""
    problems = data.get("problems") or []
    if kind != "runbook" or len(problems) < 2:
        raise ImportRefused(
            f"{name}: the draft would be over the {MAX_BYTES:,}-byte limit of `kb validate`, and it has no "
            "separate problems or alerts to split it by; move long logs or listings into files the write-up "
            "links to, or split it by hand"
        )
    shared = {k: data[k] for k in ("schema_version", "kind", "services", "owner", "last_reviewed") if k in data}
    first = dict(data)
    first["problems"] = problems[:1]
    parts = [first]
    used = {data["id"]}
    for p in problems[1:]:
        pid = f"{data['id']}-{p['id']}"[:80].strip("-")
        n = 2
        while pid in used:
            pid, n = f"{data['id'][:70]}-{p['id'][:5]}-{n}", n + 1
        used.add(pid)
        part: dict[str, Any] = {**shared, "id": pid, "title": p["title"]}
        for k in ("owner", "services", "last_reviewed"):
            for text in ctx.comments_of(data).get(k, []):
                ctx.comment(part, k, text)
        if p["title"] in (data.get("alerts") or []):
            part["alerts"] = [p["title"]]
        part["problems"] = [p]
        parts.append(part)
    if data.get("alerts"):
        first["alerts"] = [a for a in data["alerts"] if a not in {p["title"] for p in problems[1:]}] or data["alerts"][
            :1
        ]
    ctx.comment(first, "title", f"split: the other problems are the runbooks {', '.join(p['id'] for p in parts[1:])}")
    return parts


def _stats(drafts: list[Draft], ctx: Context, pieces: list[coverage.Piece], commands: list[str], redacted: int) -> None:
    from generator.authoring.importer.params import count_signatures

    datas = [d.data for d in drafts]
    texts = [d.text for d in drafts]
    hay = coverage.Haystack(texts + [s for data in datas for s in coverage.strings(data)])
    unsorted = coverage.Haystack([s for data in datas for s in coverage.strings(data.get("unsorted") or [])])
    runs = coverage.Haystack([r for data in datas for r in coverage.runs(data)])
    s = drafts[0].stats
    s.problems = sum(len(data.get("problems") or []) for data in datas)
    s.signatures = sum(count_signatures(data) for data in datas)
    s.lines = len(pieces)
    s.lines_lost = sum(1 for p in pieces if not all(hay.has(x) for x in p.parts))
    s.chars = sum(p.chars for p in pieces)
    s.chars_unsorted = sum(p.chars for p in pieces if all(unsorted.has(x) for x in p.parts))
    s.commands = len(commands)
    s.commands_kept = sum(1 for c in commands if runs.has(c))
    s.guesses = sum(t.count("guessed:") for t in texts)
    s.parameters = list(ctx.parameters)
    s.warnings = list(ctx.warnings)
    if redacted:
        s.warnings.append(f"{redacted} secret(s) redacted: rotate them, they were in the write-up")
    if drafts[0].kind == "runbook" and not s.problems:
        s.warnings.append("no problem: `kb search` and `kb diagnose` will not find this runbook")


__all__ = ["Draft", "ImportRefused", "MISSING", "Stats", "draft", "check"]
