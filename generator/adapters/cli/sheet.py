"""`kb sheet [RUNBOOK…] [--service S…] [--all] --pdf OUTDIR`: quick-fix sheets as A4 PDFs for on-call.

Writes OUTDIR/runbooks/<id>.pdf and OUTDIR/services/<service>.pdf. Exit 0 when every sheet fits its page
budget, 1 when one does not (it is still written, and named with its overflow) or the knowledge base
has errors, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from generator.adapters.cli.options import FAILED, OK, add_root, add_today, load, out_folder, root_of, site_language
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("sheet", help="write quick-fix sheets as A4 PDFs for on-call")
    p.add_argument("runbooks", nargs="*", metavar="RUNBOOK", help="ids of the runbooks whose sheets to write")
    p.add_argument("--service", action="append", default=[], metavar="S", help="a service's sheet (repeatable)")
    p.add_argument("--all", action="store_true", help="every runbook's and every service's sheet")
    p.add_argument("--pdf", required=True, metavar="OUTDIR", help="folder the PDFs are written to")
    add_root(p)
    p.add_argument("--language", help="language of the sheet labels (default: theme.language of mkdocs.yml)")
    add_today(p, "printed on the sheets and reviews measured at")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.fsio import write_file
    from generator.core.gitinfo import short_commit
    from generator.outputs.sheets import render_sheets, runbook_sheet, service_sheet

    if not (args.runbooks or args.service or args.all):
        raise UsageError("name runbooks, pass --service S, or --all")
    out = out_folder(args.pdf)
    corpus = load(args)
    root = root_of(args)
    files = render_sheets(
        corpus,
        commit=short_commit(root),
        today=args.today or dt.date.today(),
        language=args.language or site_language(root),
    )
    wanted = [runbook_sheet(r) for r in args.runbooks] + [service_sheet(s) for s in args.service]
    if args.all:
        wanted += [p for p in files if p.endswith(".html")]
    if unknown := [p for p in wanted if p not in files]:
        known_rb = ", ".join(sorted(corpus.runbooks)) or "none"
        known_sv = ", ".join(sorted({s for rb in corpus.runbooks.values() for s in rb.services})) or "none"
        names = ", ".join(Path(p).stem for p in unknown)
        raise UsageError(
            f"no such runbook or service with runbooks: {names} (runbooks: {known_rb}; services: {known_sv})"
        )

    from generator.outputs.pdf import layout, missing_cjk_font  # WeasyPrint is slow to import: only when needed

    if reason := missing_cjk_font(files.values()):
        print(f"kb sheet: {reason}", file=sys.stderr)
        return FAILED
    over = 0
    for sheet in layout(files, list(dict.fromkeys(wanted))):
        target = write_file(out / sheet.path.removeprefix("sheets/"), sheet.pdf, root=out)
        print(f"wrote {target} ({sheet.pages} page{'s' if sheet.pages > 1 else ''})")
        if sheet.over:
            over += 1
            print(f"kb sheet: over budget: {sheet.report()}", file=sys.stderr)
    return FAILED if over else OK
