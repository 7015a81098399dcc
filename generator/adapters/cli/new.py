"""`kb new incident|runbook`: a commented skeleton, generated from the models."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.adapters.cli.options import FAILED, OK, USAGE, add_root
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("new", help="write a commented skeleton of an incident or a runbook")
    p.add_argument("kind", choices=["incident", "runbook"])
    p.add_argument("--id", dest="doc_id", help="the document's id, also its file name (default: a placeholder)")
    p.add_argument("--title", help="the title")
    p.add_argument("--service", help="the id of the service it is about")
    p.add_argument("-o", "--out", help="file to write (default: ROOT/incidents/<id>.yaml or ROOT/runbooks/<id>.yaml)")
    add_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from generator.authoring.new import ScaffoldError, new_document
    from generator.core.fsio import kind_of

    if (kind := kind_of(Path(args.root))) != "folder":  # an empty folder is fine: this starts it
        raise UsageError(f"{args.root}: {'no such folder' if kind == 'missing' else 'not a folder'}")
    try:
        path = new_document(
            args.kind,
            root=Path(args.root),
            doc_id=args.doc_id,
            title=args.title,
            service=args.service,
            out=Path(args.out) if args.out else None,
        )
    except ScaffoldError as exc:
        print(f"kb new: {exc}", file=sys.stderr)
        return FAILED if "already exists" in str(exc) else USAGE
    print(f"wrote {path}: fill it in, then run `kb validate {path}`")
    return OK
