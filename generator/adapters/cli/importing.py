"""`kb import FILE`: a draft incident or runbook from a write-up, for a person to finish."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.adapters.cli.options import FAILED, OK
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("import", help="draft an incident or runbook from a markdown write-up")
    p.add_argument("file", metavar="FILE.md")
    p.add_argument("--kind", choices=["incident", "runbook"], help="default: guessed from the write-up")
    p.add_argument("-o", "--out", help="file to write (default: standard output); never overwritten")
    p.add_argument("--id", dest="doc_id", help="the document's id (default: from the file names)")
    p.add_argument("--service", help="the id of the service it is about")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.authoring import fmt
    from generator.authoring.importer import draft
    from generator.core import fsio

    raw = fsio.read_bytes(args.file)  # a link, FIFO or device is refused as a usage error
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{args.file} is not UTF-8; save it as UTF-8 and try again") from None
    target = Path(args.out) if args.out and args.out != "-" else None
    schema = None
    doc_id = args.doc_id
    if target is not None:
        kind = args.kind or ("incident" if target.parent.name == "incidents" else None)
        if kind:
            schema = Path(os.path.relpath(Path("schema") / f"{kind}.schema.json", target.parent)).as_posix()
        doc_id = doc_id or target.stem
    try:
        result = draft(
            source, name=Path(args.file).name, kind=args.kind, doc_id=doc_id, service=args.service, schema=schema
        )
    except fmt.FormatError as exc:
        print(f"kb import: cannot write a draft of {args.file}: {exc}", file=sys.stderr)
        return FAILED
    for line, what in result.context.redacted:
        print(
            f"{args.file}:{line}: warning: {what} redacted in the draft; rotate it, it was in the write-up",
            file=sys.stderr,
        )
    if target is None:
        sys.stdout.write(result.text)
        return OK
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as f:  # 'x': never overwrites, never follows a link
            f.write(result.text)
    except FileExistsError:
        print(f"kb import: {target} already exists; nothing written", file=sys.stderr)
        return FAILED
    print(f"wrote {result.kind} draft {target}: check it, then run `kb validate {target}`", file=sys.stderr)
    return OK
