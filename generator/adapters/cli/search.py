"""`kb search WORDS`: what the knowledge base says about a few words. Shares its options, its answer and
its printing with `kb diagnose`; imports stay lazy so a warm run starts fast.

The two differ in what they show below the confidence floor. `kb diagnose` answers an error: a weak match
would be a wrong fix, so it shows none. `kb search` is a search box: after its answers it lists the closest
other entries up to --limit, each marked as a weak match."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.adapters.cli.options import FAILED, OK, add_format, add_root, root_of
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("search", help="find runbook problems, causes and incidents by words, in Chinese or English")
    p.add_argument("query", nargs="+", help="words to look for")
    add_query_options(p, limit=10)
    p.set_defaults(func=run)


def add_query_options(p: argparse.ArgumentParser, limit: int) -> None:
    """The options `kb search` and `kb diagnose` share."""
    add_root(p)
    p.add_argument("--limit", type=int, default=limit, help=f"how many results (default: {limit})")
    add_format(p)
    p.add_argument("--base-url", help="site address to print page links under (default: site_url of mkdocs.yml)")
    p.add_argument("--cache-dir", default=None, help="where the index is kept (default: ROOT/.kb-cache)")


def run(args: argparse.Namespace) -> int:
    return query(args, " ".join(args.query), "search")


def query(args: argparse.Namespace, text: str, mode: str) -> int:
    """Ask the index; print the answers, or say that nothing matches well and what is nearest."""
    if not text.strip():
        raise UsageError(f"nothing to look for (give some text{', or - and pipe it in' if mode == 'diagnose' else ''})")
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    root = root_of(args)
    from generator.search.engine import Engine
    from generator.search.ranking import incidents_of

    engine = Engine.open(root, Path(args.cache_dir) if args.cache_dir else root / ".kb-cache")
    answer = engine.ask(text, args.limit)
    site = engine.site
    weak = answer.nearest[: args.limit - len(answer.hits)] if mode == "search" else []
    rows = [
        _row(n, h, site, args.base_url, incidents_of(engine.opened.db, h))
        for n, h in enumerate([*answer.hits, *weak], 1)
    ]
    nearest = _nearest(answer.nearest)
    if args.format == "json":
        print(json.dumps(rows if rows else [], ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(_text(row))
    if not answer.hits:
        print(f"kb {mode}: nothing matched well: the knowledge base has no good answer to this", file=sys.stderr)
        if weak:
            print("  the entries listed are the closest, each a weak match", file=sys.stderr)
        elif nearest["runbooks"]:
            print(f"  nearest runbooks: {', '.join(nearest['runbooks'])}", file=sys.stderr)
            print(f"  nearest services: {', '.join(nearest['services'])}", file=sys.stderr)
    return OK if answer.hits else FAILED


def _page(site: dict, hit, base: str | None) -> str:
    from generator.core.site_config import page_url

    folder = "incidents" if hit.kind == "incident" else "runbooks"
    return page_url(site, folder, hit.doc, hit.anchor, base)


def _row(n: int, hit, site: dict, base: str | None, incidents: list[str]) -> dict:
    d = hit.data
    # An incident answers through the runbook problem it used first.
    runbook, _, anchor = (
        (d.get("refs") or [""])[0].partition("#") if hit.kind == "incident" else (hit.doc, "", hit.anchor)
    )
    return {
        "rank": n,
        "kind": hit.kind,
        "runbook": runbook,
        "anchor": anchor,
        "incident": hit.doc if hit.kind == "incident" else None,
        "title": d["title"],
        "runbook_title": d["doc_title"],
        "match": hit.tier,
        "confident": hit.confident,
        "score": round(hit.score, 3),
        "why": hit.reasons,
        "cause": {k: v for k, v in hit.cause.items() if k != "words"} if hit.cause else None,
        "symptoms": d.get("symptoms", []),
        "commands": hit.commands,
        "verify": (hit.cause or {}).get("verify") or d.get("verify", []),
        "root_cause": d.get("root_cause"),
        "services": d.get("services", []),
        "page": _page(site, hit, base),
        "source": d.get("path", ""),
        "incidents": incidents,
    }


def _nearest(hits) -> dict:
    docs = list(dict.fromkeys(h.doc for h in hits if h.kind != "incident"))[:3]
    services = list(dict.fromkeys(s for h in hits for s in h.data.get("services", [])))[:3]
    return {"runbooks": docs, "services": services}


def _text(row: dict) -> str:
    from generator.core.values import visible  # every text from a runbook, control characters shown

    label = {"exact": "error signature", "pattern": "error pattern", "concept": "error concept", "entity": "named"}
    weak = "" if row["confident"] else ", weak match"
    lines = [f"{row['rank']}. {visible(row['title'])}  [{label.get(row['match'], 'words')}{weak}]"]
    if row["kind"] == "incident":
        lines.append(f"   incident: {visible(row['incident'])}; root cause: {visible(row['root_cause'] or '')}")
    else:
        lines.append(f"   runbook: {visible(row['runbook_title'])} ({row['runbook']}#{row['anchor']})")
    if row["cause"]:
        fix = f"; fix: {visible(row['cause']['fix'])}" if row["cause"]["fix"] else ""
        lines.append(f"   cause: {visible(row['cause']['title'])}{fix}")
    lines += [f"   why: {visible(r)}" for r in row["why"]]
    if row["symptoms"]:
        lines.append(f"   symptom: {visible(row['symptoms'][0])}")
    for title, cmds in (("run", row["commands"]), ("verify", row["verify"])):
        if cmds:
            lines.append(f"   {title}:")
            for cmd in cmds:
                # Shown as it would run: an escape sequence could otherwise hide what the command does.
                first, *rest = visible(cmd["run"]).split("\n")
                warn = "   ⚠️ changes the system" if cmd["destructive"] else ""
                lines.append(f"     $ {first}{'  …' if rest else ''}{warn}")
    if row["incidents"]:
        lines.append(f"   incidents: {', '.join(visible(i) for i in row['incidents'])}")
    lines.append(f"   page: {visible(row['page'])}")
    lines.append(f"   source: {visible(row['source'])}")
    return "\n".join(lines) + "\n"
