"""`kb import PATH…`: draft incidents and runbooks from write-ups (Markdown or saved HTML pages), for a
person to finish, with a report of what each draft holds and what is left to do."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.adapters.cli.options import FAILED, OK
from generator.core.errors import UsageError

if TYPE_CHECKING:
    from generator.authoring.importer import Draft

SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".html", ".htm", ".xhtml")


def register(sub) -> None:
    p = sub.add_parser("import", help="draft incidents and runbooks from write-ups (Markdown or HTML)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="write-ups, or folders of them (.md, .txt, .html)")
    p.add_argument("--kind", choices=["incident", "runbook"], help="default: guessed from each write-up")
    p.add_argument("-o", "--out", help="one write-up: the file to write (default: standard output); never overwritten")
    p.add_argument(
        "--out-dir",
        metavar="ROOT",
        help="write each draft to ROOT/incidents/ or ROOT/runbooks/ by its kind; existing files are never overwritten",
    )
    p.add_argument("--id", dest="doc_id", help="one write-up: the document's id (default: from the file name)")
    p.add_argument("--service", help="the id of the service they are about")
    p.set_defaults(func=run)


@dataclass
class Outcome:
    source: Path
    drafts: list[Draft] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    error: str | None = None
    invalid: dict[str, str] = field(default_factory=dict)  # draft id -> first error


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not path.is_symlink():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUFFIXES
                and p.is_file()
                and not p.is_symlink()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise UsageError(f"{raw}: no write-ups ({', '.join(SUFFIXES)}) in this folder")
            out += found
        elif path.exists() or path.is_symlink():
            out.append(path)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return out


def run(args: argparse.Namespace) -> int:
    files = _files(args.paths)
    single = len(files) == 1 and not Path(args.paths[0]).is_dir()
    if args.out and args.out_dir:
        raise UsageError("give -o FILE for one write-up, or --out-dir ROOT, not both")
    if args.out and not single:
        raise UsageError("-o names one file: give --out-dir ROOT to import several write-ups")
    if args.doc_id and not single:
        raise UsageError("--id is for one write-up")
    if not single and not args.out_dir:
        raise UsageError(
            "give --out-dir ROOT to import several write-ups (each draft goes to ROOT/incidents/ or ROOT/runbooks/)"
        )
    to_stdout = single and not args.out_dir and (not args.out or args.out == "-")
    outcomes = [_one(path, args, single, to_stdout) for path in files]
    _validate(outcomes, to_stdout)
    # One write-up: its report goes with the messages, on standard error; for several it is the output.
    report = sys.stderr if single and not args.out_dir else sys.stdout
    for o in outcomes:
        _report_one(o, report)
    if len(outcomes) > 1:
        _report_total(outcomes, report)
    bad = any(o.error or o.invalid for o in outcomes)
    return FAILED if bad else OK


def _one(path: Path, args: argparse.Namespace, single: bool, to_stdout: bool) -> Outcome:
    from generator.authoring import fmt
    from generator.authoring.importer import ImportRefused, draft
    from generator.core import fsio

    outcome = Outcome(path)
    raw = fsio.read_bytes(path)  # a link, FIFO or device is refused as a usage error
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        if single:
            raise UsageError(f"{path} is not UTF-8; save it as UTF-8 and try again") from None
        outcome.error = "not UTF-8; save it as UTF-8 and try again"
        return outcome
    target = Path(args.out) if single and args.out and args.out != "-" else None
    kind = args.kind
    if target is not None and kind is None and target.parent.name in ("incidents", "runbooks"):
        kind = target.parent.name[:-1]
    doc_id = args.doc_id or (target.stem if target is not None else None)
    schema = None
    if target is not None and kind:
        schema = Path(os.path.relpath(Path("schema") / f"{kind}.schema.json", target.parent)).as_posix()
    try:
        result = draft(source, name=path.name, kind=kind, doc_id=doc_id, service=args.service, schema=schema)
        if args.out_dir:
            # The kind is known now: the schema path as seen from the folder the draft goes to.
            root = Path(args.out_dir)
            rel = Path(os.path.relpath(root / "schema" / f"{result.kind}.schema.json", root / f"{result.kind}s"))
            default = f"$schema=../schema/{result.kind}.schema.json\n"
            for d in result.all:
                d.text = d.text.replace(default, f"$schema={rel.as_posix()}\n", 1)
    except ImportRefused as exc:
        outcome.error = str(exc)
        return outcome
    except fmt.FormatError as exc:
        outcome.error = f"cannot write a draft: {exc}"
        return outcome
    outcome.drafts = result.all
    for line, what in result.context.redacted:
        print(
            f"{path}:{line}: warning: {what} redacted in the draft; rotate it, it was in the write-up", file=sys.stderr
        )
    if to_stdout:
        for n, d in enumerate(outcome.drafts):
            sys.stdout.write(("---\n" if n else "") + d.text)
        return outcome
    for n, d in enumerate(outcome.drafts):
        if args.out_dir:
            dest = Path(args.out_dir) / f"{d.kind}s" / f"{d.id}.yaml"
        else:
            dest = target if n == 0 else target.parent / f"{d.id}.yaml"  # type: ignore[union-attr]
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            with dest.open("x", encoding="utf-8") as f:  # 'x': never overwrites, never follows a link
                f.write(d.text)
        except FileExistsError:
            outcome.error = f"{dest} already exists; nothing written" + (" for it" if outcome.written else "")
            break
        outcome.written.append(dest)
    return outcome


def _validate(outcomes: list[Outcome], to_stdout: bool) -> None:
    """What `kb validate` says of each draft: the written files, or a copy of what went to standard output."""
    from generator.core.pipeline import validate

    with tempfile.TemporaryDirectory(prefix="kb-import-") as tmp:
        paths: dict[str, tuple[Outcome, str]] = {}
        for o in outcomes:
            if to_stdout:
                for d in o.drafts:
                    copy = Path(tmp) / f"{d.kind}s" / f"{d.id}.yaml"
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.write_text(d.text, encoding="utf-8")
                    paths[str(copy)] = (o, d.id)
            else:
                for path, d in zip(o.written, o.drafts, strict=False):
                    paths[str(path)] = (o, d.id)
        if not paths:
            return
        for f in validate([Path(p) for p in paths]):
            if f.severity != "error":
                continue
            owner = paths.get(f.path) or next((v for k, v in paths.items() if Path(k) == Path(f.path)), None)
            if owner is not None:
                o, doc_id = owner
                o.invalid.setdefault(doc_id, f"{f.rule}: {f.message}")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _report_one(o: Outcome, out) -> None:
    if o.error:
        print(f"kb import: {o.source}: {o.error}", file=sys.stderr)
    if o.error and not o.drafts:
        if out is not sys.stderr:
            print(f"{o.source}: not imported: {o.error}", file=out)
        return
    first = o.drafts[0]
    s = first.stats
    where = ", ".join(str(p) for p in o.written) or "standard output"
    print(f"{o.source} -> {where}", file=out)
    valid = "validates" if not o.invalid else f"does NOT validate ({next(iter(o.invalid.values()))})"
    kind = first.kind + (f" ×{len(o.drafts)}" if len(o.drafts) > 1 else "")
    parts = [kind]
    if first.kind == "runbook":
        parts += [
            f"{s.problems} problem{'s' * (s.problems != 1)}",
            f"{s.signatures} signature{'s' * (s.signatures != 1)}",
        ]
    parts += [
        f"{_pct(s.placed_share)} of the text placed, {_pct(s.unsorted_share)} left in unsorted",
        f"{s.guesses} guessed",
        f"{s.commands_kept}/{s.commands} commands kept",
    ]
    if s.parameters:
        parts.append(f"{len(s.parameters)} imported parameter{'s' * (len(s.parameters) != 1)}")
    print("  " + " · ".join(parts) + " · " + valid, file=out)
    for w in s.warnings:
        print(f"  warning: {w}", file=out)
    if o.error and out is not sys.stderr:
        print(f"  error: {o.error}", file=out)


def _report_total(outcomes: list[Outcome], out) -> None:
    drafted = [o for o in outcomes if o.drafts]
    drafts = [d for o in drafted for d in o.drafts]
    stats = [o.drafts[0].stats for o in drafted]
    runbooks = sum(1 for d in drafts if d.kind == "runbook")
    failed = sum(1 for o in outcomes if o.error)
    invalid = sum(len(o.invalid) for o in outcomes)
    chars = sum(s.chars for s in stats) or 1
    unsorted = sum(s.chars_unsorted for s in stats) / chars
    median = statistics.median(s.unsorted_share for s in stats) if stats else 0.0
    no_problem = sum(1 for o in drafted if o.drafts[0].kind == "runbook" and not o.drafts[0].stats.problems)
    line = [
        f"{len(outcomes)} write-ups: {len(drafts)} drafts ({runbooks} runbooks, {len(drafts) - runbooks} incidents)",
        f"{failed} not imported" if failed else "all imported",
        f"{sum(s.problems for s in stats)} problems",
        f"{sum(s.signatures for s in stats)} signatures",
        f"{_pct(1 - unsorted)} of the text placed, {_pct(unsorted)} in unsorted (median {_pct(median)})",
        f"{sum(s.guesses for s in stats)} guessed",
        f"{sum(s.commands_kept for s in stats)}/{sum(s.commands for s in stats)} commands kept",
        f"{invalid} drafts do NOT validate" if invalid else "all validate",
    ]
    if no_problem:
        line.append(f"{no_problem} runbooks without a problem (search will not find them)")
    print("total: " + " · ".join(line), file=out)
