"""`kb schema`: the JSON Schema files editors use, from the models."""

from __future__ import annotations

import argparse

from generator.adapters.cli.options import OK, out_folder


def register(sub) -> None:
    p = sub.add_parser("schema", help="write the JSON Schema files editors use")
    p.add_argument("--out", default="schema", help="output folder (default: schema/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.fsio import write_tree
    from generator.outputs.schema import render_schemas

    for path in write_tree(out_folder(args.out), render_schemas()):
        print(f"wrote {path}")
    return OK
