"""`kb check RUNBOOK`: run a runbook's checks without a terminal, for CI; exit 1 when one fails."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from generator.adapters.cli.options import add_root, load, root_of
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("check", help="run a runbook's checks without a terminal; exit 1 when one fails (for CI)")
    p.add_argument("runbook", metavar="RUNBOOK", help="runbook id")
    p.add_argument("--problem", help="run this problem's diagnosis instead of the health check")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value")
    p.add_argument("--platform", help="debian, rhel or macos (default: this host's)")
    add_root(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.fsio import write_file
    from generator.core.gitinfo import short_commit
    from generator.outputs.snippets import render_runbook

    corpus = load(args)
    rb = corpus.runbooks.get(args.runbook)
    if rb is None:
        known = ", ".join(sorted(corpus.runbooks)) or "none"
        raise UsageError(f"no runbook {args.runbook!r} under {args.root} (runbooks: {known})")
    flags: list[str] = []
    declared = {p.name for p in rb.parameters}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or name not in declared:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE with NAME one of: {', '.join(sorted(declared))}")
        flags += [f"--{name.lower().replace('_', '-')}", value]
    if args.problem:
        flags += ["--problem", args.problem]
    if args.platform:
        flags += ["--platform", args.platform]
    root = root_of(args)
    script = render_runbook(rb, commit=short_commit(root), today=dt.date.today(), source=corpus.paths[rb.id])
    with tempfile.TemporaryDirectory(prefix="kb-check-") as tmp:
        path = write_file(Path(tmp) / "diagnose.sh", script["diagnose.sh"], mode=0o700)
        # No terminal: nothing can ask a question, so steps that change the system are never run.
        return subprocess.run(["bash", str(path), *flags], stdin=subprocess.DEVNULL, check=False).returncode
