"""`kb init DIR`: a new knowledge-base repository (example runbook, site, Makefile, hooks, CI) in a new or
empty folder. It never writes into a folder that holds anything, so it never overwrites a file."""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
from pathlib import Path

from generator.adapters.cli.options import OK

LANGUAGES = ("zh", "en")  # as generator.authoring.init, which is imported only when the command runs


def one_line(text: str) -> str:
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a one-line name: {text!r}")
    return text.strip()


def register(sub) -> None:
    p = sub.add_parser("init", help="start a new knowledge-base repository in a new or empty folder")
    p.add_argument("dir", metavar="DIR", help="the folder to create (or an empty one)")
    p.add_argument("--language", choices=LANGUAGES, default="zh", help="the knowledge base's language (default: zh)")
    p.add_argument("--name", type=one_line, help="the site's name (default: 运维知识库, or Runbooks in English)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.authoring.init import EXAMPLE, init_files
    from generator.core.errors import UsageError
    from generator.core.fsio import kind_of, write_tree

    folder = Path(args.dir)
    kind = kind_of(folder)
    if kind == "symlink":
        raise UsageError(f"{folder}: is a symbolic link; output is never written through one")
    if kind not in ("folder", "missing"):
        raise UsageError(f"{folder}: not a folder")
    if kind == "folder" and any(folder.iterdir()):
        raise UsageError(f"{folder}: not empty; kb init writes only into a new or empty folder")
    files = init_files(args.language, args.name, today=dt.date.today())
    write_tree(folder, files)
    print(f"wrote a knowledge base in {folder} ({len(files)} files); {EXAMPLE} is an example runbook. Next:")
    print(f"  cd {shlex.quote(str(folder))} && git init")
    print("  make test    # installs the kb tool (KB_TOOL in the Makefile), validates, builds the site")
    print("  make serve   # the site at http://127.0.0.1:8000; Ctrl+C stops it")
    print("  .venv/bin/kb new runbook --id my-runbook   # your first runbook; then delete the example")
    return OK
