"""`kb diagnose TEXT|-`: match an error text or a log excerpt against the runbooks."""

from __future__ import annotations

import argparse
import sys

from generator.adapters.cli.search import add_query_options, query


def register(sub) -> None:
    p = sub.add_parser("diagnose", help="match an error text or log excerpt against the runbooks' error signatures")
    p.add_argument("text", nargs="+", help="the error text; '-' reads it (a whole log excerpt) from standard input")
    add_query_options(p, limit=5)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    return query(args, text, "diagnose")
