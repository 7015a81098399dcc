"""`kb search` and `kb diagnose`: thin adapters over the index and the ranking. Imports stay lazy so a
warm run starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub) -> None:
    """Adds the two commands to `kb`'s subcommands."""
    s = sub.add_parser("search", help="find runbook problems by words, in Chinese or English")
    s.add_argument("query", nargs="+", help="words to look for")
    _common(s, limit=10)
    s.set_defaults(func=_search)
    d = sub.add_parser("diagnose", help="match an error text or log excerpt against the runbooks' error signatures")
    d.add_argument("text", nargs="+", help="the error text; '-' reads it (a whole log excerpt) from standard input")
    _common(d, limit=5)
    d.set_defaults(func=_diagnose)


def _common(p: argparse.ArgumentParser, limit: int) -> None:
    p.add_argument("--root", default=".", help="folder holding incidents/ and runbooks/ (default: .)")
    p.add_argument("--limit", type=int, default=limit, help=f"how many results (default: {limit})")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--base-url", help="site address to print page links under (default: site_url of mkdocs.yml)")
    p.add_argument("--cache-dir", default=None, help="where the index is kept (default: ROOT/.kb-cache)")


def _search(args: argparse.Namespace) -> int:
    return _run(args, " ".join(args.query), "search")


def _diagnose(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    return _run(args, text, "diagnose")


def _run(args: argparse.Namespace, text: str, mode: str) -> int:
    prog = f"kb {mode}"
    if not text.strip():
        print(
            f"{prog}: nothing to look for (give some text{', or - and pipe it in' if mode == 'diagnose' else ''})",
            file=sys.stderr,
        )
        return 2
    if args.limit < 1:
        print(f"{prog}: --limit must be at least 1", file=sys.stderr)
        return 2
    root = Path(args.root)
    if not any((root / d).is_dir() for d in ("incidents", "runbooks")):
        print(f"{prog}: no incidents/ or runbooks/ under {root} (use --root)", file=sys.stderr)
        return 2
    from generator.core.site_config import runbook_url
    from generator.search import rank
    from generator.search.index import open_index

    built = open_index(root, Path(args.cache_dir) if args.cache_dir else root / ".kb-cache")
    if built.errors:
        print(
            f"{prog}: {len(built.errors)} file(s) left out because they have errors "
            f"(run `kb validate`): {', '.join(built.errors[:3])}{' …' if len(built.errors) > 3 else ''}",
            file=sys.stderr,
        )
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
    e = hit.entry
    label = {"exact": "error signature", "pattern": "error pattern", "words": f"words, score {hit.score:.1f}"}[hit.tier]
    lines = [f"{n}. {e['title']}  [{label}]", f"   runbook: {e['runbook_title']} ({e['runbook']}#{e['anchor']})"]
    lines += [f"   why: {r}" for r in hit.reasons]
    if e["symptoms"]:
        lines.append(f"   symptom: {e['symptoms'][0]}")
    if hit.commands:
        lines.append("   first commands:")
        for cmd in hit.commands:
            first, *rest = cmd["run"].splitlines()
            warn = "   ⚠️ changes the system" if cmd["destructive"] else ""
            lines.append(f"     $ {first}{'  …' if rest else ''}{warn}")
    if e["incidents"]:
        lines.append(f"   incidents: {', '.join(e['incidents'])}")
    lines.append(f"   page: {page}")
    lines.append(f"   source: {e['path']}")
    return "\n".join(lines) + "\n"
