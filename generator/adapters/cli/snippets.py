"""`kb snippets OUTDIR`: each runbook's diagnose, fix and collect-diagnostics scripts, executable."""

from __future__ import annotations

import argparse
import datetime as dt

from generator.adapters.cli.options import OK, add_root, load, out_folder, root_of


def register(sub) -> None:
    p = sub.add_parser("snippets", help="write each runbook's diagnose, fix and collect-diagnostics scripts")
    p.add_argument("out", metavar="OUTDIR", help="output folder (one sub-folder per runbook)")
    add_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.fsio import write_tree
    from generator.core.gitinfo import short_commit
    from generator.outputs.snippets import render_snippets

    out = out_folder(args.out)
    corpus = load(args)
    scripts = render_snippets(corpus, commit=short_commit(root_of(args)), today=dt.date.today())
    written = write_tree(out, scripts, mode=0o755)
    print(f"wrote {len(written)} scripts for {len(corpus.runbooks)} runbooks under {out}")
    return OK
