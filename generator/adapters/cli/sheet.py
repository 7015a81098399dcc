"""`kb sheet`: quick-fix sheets as A4 PDFs, for on-call engineers to print before a shift.

    kb sheet [RUNBOOK ...] [--service S ...] [--all] --pdf OUTDIR

Writes OUTDIR/runbooks/<id>.pdf and OUTDIR/services/<service>.pdf. Exit 0 when every sheet fits its
page budget, 1 when one does not (it is still written, and named with its overflow) or the knowledge
base has errors, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runbooks", nargs="*", metavar="RUNBOOK", help="ids of the runbooks whose sheets to write")
    parser.add_argument("--service", action="append", default=[], metavar="S", help="a service's sheet (repeatable)")
    parser.add_argument("--all", action="store_true", help="every runbook's and every service's sheet")
    parser.add_argument("--pdf", required=True, metavar="OUTDIR", help="folder the PDFs are written to")
    parser.add_argument("--root", default=".", help="folder holding incidents/ and runbooks/ (default: .)")
    parser.add_argument("--language", help="language of the sheet labels (default: theme.language of mkdocs.yml)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="date printed on the sheets and reviews measured at")
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"kb sheet: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from generator.adapters.cli.main import _date, _site_language
    from generator.core import findings as fmt
    from generator.core.corpus import load_corpus
    from generator.core.gitinfo import short_commit
    from generator.outputs.sheets import render_sheets, runbook_sheet, service_sheet

    if not (args.runbooks or args.service or args.all):
        return _fail("name runbooks, pass --service S, or --all")
    try:
        today = _date(args.today) if args.today else dt.date.today()
    except argparse.ArgumentTypeError as e:
        return _fail(str(e))
    root = Path(args.root)
    corpus, findings = load_corpus(root)
    errors = [f for f in findings if f.severity == "error"]
    for f in errors:
        print(fmt.format_text(f), file=sys.stderr)
    if errors:
        return _fail(f"the knowledge base has {len(errors)} error(s); nothing written", 1)

    files = render_sheets(
        corpus,
        commit=short_commit(root),
        today=today,
        language=args.language or _site_language(root / "mkdocs.yml"),
    )
    wanted = [runbook_sheet(r) for r in args.runbooks] + [service_sheet(s) for s in args.service]
    if args.all:
        wanted += [p for p in files if p.endswith(".html")]
    unknown = [p for p in wanted if p not in files]
    if unknown:
        known_rb = ", ".join(sorted(corpus.runbooks)) or "none"
        known_sv = ", ".join(sorted({s for rb in corpus.runbooks.values() for s in rb.services})) or "none"
        names = ", ".join(Path(p).stem for p in unknown)
        return _fail(f"no such runbook or service with runbooks: {names} (runbooks: {known_rb}; services: {known_sv})")

    from generator.outputs.pdf import layout, missing_cjk_font

    if reason := missing_cjk_font(files.values()):
        return _fail(reason, 1)
    out = Path(args.pdf)
    over = 0
    for sheet in layout(files, list(dict.fromkeys(wanted))):
        target = out / sheet.path.removeprefix("sheets/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(sheet.pdf)
        print(f"wrote {target} ({sheet.pages} page{'s' if sheet.pages > 1 else ''})")
        if sheet.over:
            over += 1
            print(f"kb sheet: over budget: {sheet.report()}", file=sys.stderr)
    return 1 if over else 0
