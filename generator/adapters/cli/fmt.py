"""`kb fmt [PATH…]`: rewrite documents in the canonical style; `--check` changes nothing."""

from __future__ import annotations

import argparse
import sys

from generator.adapters.cli.options import FAILED, OK, add_root, root_of


def register(sub) -> None:
    p = sub.add_parser("fmt", help="rewrite files in the canonical style (key order, indentation, block text)")
    p.add_argument("paths", nargs="*", help="a knowledge-base root, or files and folders (default: --root)")
    add_root(p)
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 and name the files that would change")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.authoring.fmt import format_file
    from generator.core.findings import format_text
    from generator.core.paths import discover

    found = discover(args.paths or [root_of(args)])
    for f in found.refused:
        print(format_text(f), file=sys.stderr)
    results = [format_file(p, check=args.check) for p in found.files]
    for r in results:
        if r.error:
            print(f"{r.path}: error: {r.error}", file=sys.stderr)
        elif r.changed:
            print(f"{'would reformat' if args.check else 'reformatted'} {r.path}")
    errors = sum(r.error is not None for r in results) + len(found.refused)
    changed = sum(r.changed for r in results)
    verb = "would be reformatted" if args.check else "reformatted"
    print(f"{changed} file(s) {verb}, {len(results) - changed - errors} unchanged, {errors} error(s)", file=sys.stderr)
    return FAILED if errors or (args.check and changed) else OK
