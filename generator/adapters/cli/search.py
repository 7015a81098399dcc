"""`kb search WORDS`: runbook problems by words. Shares its options and printing with `kb diagnose`;
imports stay lazy so a warm run starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.adapters.cli.options import add_format, add_root, root_of
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("search", help="find runbook problems by words, in Chinese or English")
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
    prog = f"kb {mode}"
    if not text.strip():
        raise UsageError(f"nothing to look for (give some text{', or - and pipe it in' if mode == 'diagnose' else ''})")
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    root = root_of(args)
    from generator.core.site_config import runbook_url
    from generator.search import rank
    from generator.search.index import open_index

    built = open_index(root, Path(args.cache_dir) if args.cache_dir else root / ".kb-cache")
    index = built.index
    hits = rank.search(index, text, args.limit) if mode == "search" else rank.diagnose(index, text, args.limit)
    site = index.header["site"]
    if args.format == "json":
        rows = [
            {
                "rank": n,
                "runbook": h.entry["runbook"],
                "anchor": h.entry["anchor"],
                "kind": h.entry["kind"],
                "title": h.entry["title"],
                "runbook_title": h.entry["runbook_title"],
                "match": h.tier,
                "score": round(h.score, 3),
                "why": h.reasons,
                "commands": h.commands,
                "page": runbook_url(site, h.entry["runbook"], h.entry["anchor"], args.base_url),
                "source": h.entry["path"],
                "incidents": h.entry["incidents"],
            }
            for n, h in enumerate(hits, 1)
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for n, h in enumerate(hits, 1):
            print(_text(n, h, runbook_url(site, h.entry["runbook"], h.entry["anchor"], args.base_url)))
        if not hits:
            print(f"{prog}: nothing matched", file=sys.stderr)
    return 0 if hits else 1


def _text(n: int, hit, page: str) -> str:
    from generator.core.values import visible  # every text from a runbook, control characters shown

    e = {k: visible(v) if isinstance(v, str) else v for k, v in hit.entry.items()}
    label = {"exact": "error signature", "pattern": "error pattern", "words": f"words, score {hit.score:.1f}"}[hit.tier]
    lines = [f"{n}. {e['title']}  [{label}]", f"   runbook: {e['runbook_title']} ({e['runbook']}#{e['anchor']})"]
    lines += [f"   why: {visible(r)}" for r in hit.reasons]
    if e["symptoms"]:
        lines.append(f"   symptom: {visible(e['symptoms'][0])}")
    if hit.commands:
        lines.append("   first commands:")
        for cmd in hit.commands:
            # Shown as it would run: an escape sequence could otherwise hide what the command does.
            first, *rest = visible(cmd["run"]).split("\n")
            warn = "   ⚠️ changes the system" if cmd["destructive"] else ""
            lines.append(f"     $ {first}{'  …' if rest else ''}{warn}")
    if e["incidents"]:
        lines.append(f"   incidents: {', '.join(visible(i) for i in e['incidents'])}")
    lines.append(f"   page: {visible(page)}")
    lines.append(f"   source: {e['path']}")
    return "\n".join(lines) + "\n"
