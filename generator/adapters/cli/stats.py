"""`kb stats`: the analytics page's figures in the terminal (or as JSON)."""

from __future__ import annotations

import argparse
import json

from generator.adapters.cli.options import OK, add_format, add_root, load


def register(sub) -> None:
    p = sub.add_parser("stats", help="time to detect and resolve, recurring causes, open action items")
    add_root(p)
    add_format(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.statistics import compute

    stats = compute(load(args))
    if args.format == "json":
        print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_text(stats))
    return OK


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
