"""What every `kb` command shares, declared once: the parser, the options, loading, exit statuses.

Exit statuses: 0 ok; 1 findings, failed checks or nothing found; 2 usage (a bad option or path).
A usage error is one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

from generator.core.errors import Blocked, UsageError

OK, FAILED, USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (`kb validate: error: ...`) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="knowledge-base folder (holding incidents/, runbooks/; default: .)")


def add_format(parser: argparse.ArgumentParser, *extra: str) -> None:
    choices = ["text", "json", *extra]
    parser.add_argument("--format", choices=choices, default="text", help=f"output format: {', '.join(choices)}")


def add_today(parser: argparse.ArgumentParser, what: str = "review deadlines are measured against") -> None:
    parser.add_argument("--today", type=date, metavar="YYYY-MM-DD", help=f"date {what} (default: today)")


def add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def root_of(args: argparse.Namespace) -> Path:
    from generator.core.paths import check_root

    return check_root(args.root)


def load(args: argparse.Namespace):
    """The corpus of --root, through the pipeline. Raises Blocked when a finding stops output (errors,
    or with --strict warnings too); main() prints them. Warnings that do not stop it are printed here."""
    from generator.core import pipeline
    from generator.core.findings import format_text

    result = pipeline.run(root_of(args), today=getattr(args, "today", None))
    if blocking := result.blocking(getattr(args, "strict", False)):
        raise Blocked(blocking)
    for f in result.findings:
        print(format_text(f), file=sys.stderr)
    return result.corpus


def out_folder(path: str) -> Path:
    """An output folder: may exist (as a folder, not a link), or will be made."""
    from generator.core.fsio import kind_of

    folder = Path(path)
    kind = kind_of(folder)
    if kind == "symlink":
        raise UsageError(f"{folder}: is a symbolic link; output is never written through one")
    if kind not in ("folder", "missing"):
        raise UsageError(f"{folder}: not a folder")
    return folder


def site_language(root: Path) -> str:
    """The site's language setting (theme.language in mkdocs.yml), or English."""
    from generator.core.site_config import site_settings

    return site_settings(root / "mkdocs.yml")["language"]
