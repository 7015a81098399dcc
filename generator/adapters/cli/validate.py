"""`kb validate [PATH…]`: every finding, located; exit 1 when there is any."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.adapters.cli.options import FAILED, OK, add_format, add_root, add_strict, add_today, root_of


def register(sub) -> None:
    p = sub.add_parser("validate", help="check the knowledge base against the schema and the rules")
    p.add_argument("paths", nargs="*", help="a knowledge-base root, or document files and folders (default: --root)")
    add_root(p)
    add_format(p, "github")
    add_strict(p)
    add_today(p)
    p.add_argument("--cache-dir", help="where per-file results are cached (default: ROOT/.kb-cache)")
    p.add_argument("--no-cache", action="store_true", help="check every file afresh")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core import findings as report
    from generator.core.paths import is_root
    from generator.core.pipeline import validate

    targets = args.paths or [root_of(args)]
    home = Path(targets[0]) if len(targets) == 1 and is_root(Path(targets[0])) else Path(".")
    cache = None if args.no_cache else Path(args.cache_dir) if args.cache_dir else home / ".kb-cache"
    found = validate(targets, strict=args.strict, cache_dir=cache, today=args.today)
    if args.format == "json":
        print(report.format_json(found))
    else:
        line = report.format_github if args.format == "github" else report.format_text
        for f in found:
            print(line(f))
    errors = sum(f.severity == "error" for f in found)
    if args.format == "text":
        print(f"{errors} error(s), {len(found) - errors} warning(s)", file=sys.stderr)
    return FAILED if found else OK
