"""`kb stats`: the analytics page's figures in the terminal (or as JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub) -> None:
    s = sub.add_parser("stats", help="time to detect and resolve, recurring causes, open action items")
    s.add_argument("--root", default=".", help="folder holding incidents/ and runbooks/ (default: .)")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.set_defaults(func=_stats)


def _stats(args: argparse.Namespace) -> int:
    from generator.core import findings as fmt
    from generator.core.corpus import load_corpus
    from generator.core.statistics import compute

    root = Path(args.root)
    if not (root / "incidents").is_dir():
        print(f"kb stats: no incidents/ under {root} (use --root)", file=sys.stderr)
        return 2
    corpus, findings = load_corpus(root)
    errors = [f for f in findings if f.severity == "error"]
    for f in errors:
        print(fmt.format_text(f), file=sys.stderr)
    if errors:
        print(f"kb stats: {len(errors)} error(s); the figures leave those files out (kb validate)", file=sys.stderr)
    stats = compute(corpus)
    if args.format == "json":
        print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_text(stats))
    return 1 if errors else 0


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to the widest cell (East Asian wide characters count twice)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    cols = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, cols, strict=True)).rstrip()

    return [line(header), line(["-" * w for w in cols]), *map(line, rows)]


def _text(stats) -> str:
    from generator.core.statistics import RECURRING
    from generator.core.statistics import minutes_label as m

    out = ["Incidents (time to detect / to resolve, from each timeline)", ""]
    out += _table(
        ["started", "incident", "sev", "detect", "resolve", "root cause"],
        [[f.started, f.id, f.severity, m(f.ttd), m(f.ttr), f.category] for f in stats.incidents],
    )
    for title, groups in (("By service", stats.by_service), ("By month", stats.by_month)):
        out += ["", title, ""]
        out += _table(
            ["", "incidents", "median detect", "median resolve", "mean resolve"],
            [[g.key, str(g.incidents), m(g.ttd_median), m(g.ttr_median), m(g.ttr_mean)] for g in groups],
        )
    for title, rows in (("Root-cause categories", stats.categories), ("Services", stats.services)):
        out += ["", f"{title} (recurring: in {RECURRING} incidents or more)", ""]
        out += _table(
            ["", "incidents", "recurring"],
            [[r.key, str(len(r.incidents)), "yes" if len(r.incidents) >= RECURRING else ""] for r in rows],
        )
    out += ["", f"Action items: {stats.actions_open} open, {stats.actions_done} done", ""]
    out += _table(
        ["incident", "action item", "horizon"],
        [[a.incident, a.title, a.horizon or ""] for a in stats.open_items],
    )
    return "\n".join(out)
