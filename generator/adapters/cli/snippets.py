"""`kb snippets OUTDIR` and `kb check RUNBOOK`: write the runbooks' scripts, or run a runbook's checks."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.core.corpus import Corpus, load_corpus
from generator.core.findings import format_text
from generator.core.gitinfo import short_commit
from generator.outputs.snippets import render_runbook, render_snippets


def _load(root: str, command: str) -> Corpus | None:
    corpus, findings = load_corpus(root)
    errors = [f for f in findings if f.severity == "error"]
    for f in errors:
        print(format_text(f), file=sys.stderr)
    if errors:
        print(f"kb {command}: {len(errors)} error(s) in the knowledge base; run `kb validate`", file=sys.stderr)
        return None
    return corpus


def write_scripts(scripts: dict[str, str], out: Path) -> list[Path]:
    """Write the scripts, executable."""
    written = []
    for rel, text in scripts.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return written


def cmd_snippets(args: argparse.Namespace) -> int:
    corpus = _load(args.root, "snippets")
    if corpus is None:
        return 1
    scripts = render_snippets(corpus, commit=short_commit(args.root), today=dt.date.today())
    written = write_scripts(scripts, Path(args.out))
    print(f"wrote {len(written)} scripts for {len(corpus.runbooks)} runbooks under {args.out}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    corpus = _load(args.root, "check")
    if corpus is None:
        return 1
    rb = corpus.runbooks.get(args.runbook)
    if rb is None:
        known = ", ".join(sorted(corpus.runbooks)) or "none"
        print(f"kb check: no runbook {args.runbook!r} under {args.root} (runbooks: {known})", file=sys.stderr)
        return 2
    flags: list[str] = []
    declared = {p.name for p in rb.parameters}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or name not in declared:
            print(
                f"kb check: --param {item!r}: expected NAME=VALUE with NAME one of: {', '.join(sorted(declared))}",
                file=sys.stderr,
            )
            return 2
        flags += [f"--{name.lower().replace('_', '-')}", value]
    if args.problem:
        flags += ["--problem", args.problem]
    if args.platform:
        flags += ["--platform", args.platform]
    script = render_runbook(rb, commit=short_commit(args.root), today=dt.date.today(), source=corpus.paths[rb.id])
    with tempfile.TemporaryDirectory(prefix="kb-check-") as tmp:
        path = Path(tmp) / "diagnose.sh"
        path.write_text(script["diagnose.sh"], encoding="utf-8")
        # No terminal: nothing can ask a question, so steps that change the system are never run.
        return subprocess.run(["bash", str(path), *flags], stdin=subprocess.DEVNULL, check=False).returncode
