"""The `kb` command. Thin: parse arguments, call the library, print, exit 0 / 1 / 2."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from generator.adapters.cli import alerts as alerts_command
from generator.adapters.cli import search as find_command
from generator.adapters.cli import sheet
from generator.adapters.cli import stats as stats_command
from generator.core import findings as fmt

DEFAULT_PATHS = ["incidents", "runbooks"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _cmd_validate(args: argparse.Namespace) -> int:
    paths = args.paths or [p for p in DEFAULT_PATHS if Path(p).exists()]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"kb validate: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not paths:
        print("kb validate: nothing to check (no incidents/ or runbooks/ here; pass paths)", file=sys.stderr)
        return 2
    from generator.core.pipeline import validate

    cache = None if args.no_cache else Path(args.cache_dir)
    found = validate(paths, strict=args.strict, cache_dir=cache, today=args.today)
    if args.format == "json":
        print(fmt.format_json(found))
    else:
        line = fmt.format_github if args.format == "github" else fmt.format_text
        for f in found:
            print(line(f))
    errors = sum(f.severity == "error" for f in found)
    warnings = len(found) - errors
    if args.format == "text":
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if found else 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from generator.outputs.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from generator.core.corpus import load_corpus
    from generator.outputs.export import export_pages

    corpus, findings = load_corpus(args.root)
    errors = [f for f in findings if f.severity == "error"]
    for f in findings:
        print(fmt.format_text(f), file=sys.stderr)
    if errors:
        print(f"kb export: {len(errors)} error(s); nothing written", file=sys.stderr)
        return 1
    language = args.language or _site_language(Path(args.root) / "mkdocs.yml")
    from generator.core.gitinfo import short_commit

    commit = short_commit(Path(args.root))
    written = export_pages(corpus, Path(args.out), language=language, site_name=args.site_name, commit=commit)
    print(f"wrote {len(written)} pages under {args.out}")
    return 0


def _site_language(mkdocs_yml: Path) -> str:
    """The site's language setting (theme.language in mkdocs.yml), or English."""
    import yaml

    try:
        config = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return "en"
    return (config.get("theme") or {}).get("language") or "en"


def _fmt(paths: list[str], check: bool) -> int:
    from generator.authoring.fmt import command

    return command(paths, check)


def _new(args: argparse.Namespace) -> int:
    from generator.authoring.new import command

    return command(args.kind, args.root, args.doc_id, args.title, args.service, args.out)


def _import(args: argparse.Namespace) -> int:
    from generator.authoring.importer import command

    return command(args.file, args.kind, args.out, args.doc_id, args.service)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="Runbook and incident knowledge base tools.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check YAML files against the schema and the lint rules")
    v.add_argument("paths", nargs="*", help="files or folders (default: incidents/ runbooks/)")
    v.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="github prints workflow annotations for pull requests",
    )
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    v.add_argument("--cache-dir", default=".kb-cache", help="where per-file results are cached")
    v.add_argument("--no-cache", action="store_true", help="check every file afresh")
    v.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="date that review deadlines are measured against (default: today)",
    )
    v.set_defaults(func=_cmd_validate)

    s = sub.add_parser("schema", help="write the JSON Schema files editors use")
    s.add_argument("--out", default="schema", help="output folder (default: schema/)")
    s.set_defaults(func=_cmd_schema)
    e = sub.add_parser("export", help="write the generated site pages as Markdown files, for any site engine")
    e.add_argument("out", metavar="DIR", help="output folder")
    e.add_argument("--root", default=".", help="folder holding incidents/ and runbooks/ (default: .)")
    e.add_argument("--language", help="language of the page labels (default: theme.language of mkdocs.yml)")
    e.add_argument("--site-name", default="", help="title of the home page")
    e.set_defaults(func=_cmd_export)

    f = sub.add_parser("fmt", help="rewrite files in the canonical style (key order, indentation, block text)")
    f.add_argument("paths", nargs="*", help="files or folders (default: incidents/ runbooks/)")
    f.add_argument("--check", action="store_true", help="change nothing; exit 1 and name the files that would change")
    f.set_defaults(func=lambda a: _fmt(a.paths or [p for p in DEFAULT_PATHS if Path(p).exists()], a.check))

    n = sub.add_parser("new", help="write a commented skeleton of an incident or a runbook")
    n.add_argument("kind", choices=["incident", "runbook"])
    n.add_argument("--id", dest="doc_id", help="the document's id, also its file name (default: a placeholder)")
    n.add_argument("--title", help="the title")
    n.add_argument("--service", help="the id of the service it is about")
    n.add_argument("-o", "--out", help="file to write (default: incidents/<id>.yaml or runbooks/<id>.yaml)")
    n.add_argument("--root", default=".", help="folder holding incidents/, runbooks/ and schema/ (default: .)")
    n.set_defaults(func=lambda a: _new(a))

    i = sub.add_parser("import", help="draft an incident or runbook from a markdown write-up")
    i.add_argument("file", metavar="FILE.md")
    i.add_argument("--kind", choices=["incident", "runbook"], help="default: guessed from the write-up")
    i.add_argument("-o", "--out", help="file to write (default: standard output); never overwritten")
    i.add_argument("--id", dest="doc_id", help="the document's id (default: from the file names)")
    i.add_argument("--service", help="the id of the service it is about")
    i.set_defaults(func=lambda a: _import(a))
    find_command.register(sub)  # kb search, kb diagnose
    alerts_command.register(sub)  # kb alerts
    stats_command.register(sub)  # kb stats

    from generator.adapters.cli.snippets import cmd_check, cmd_snippets

    sn = sub.add_parser("snippets", help="write each runbook's diagnose, fix and collect-diagnostics scripts")
    sn.add_argument("out", metavar="OUTDIR", help="output folder (one sub-folder per runbook)")
    sn.add_argument("--root", default=".", help="folder holding incidents/ and runbooks/ (default: .)")
    sn.set_defaults(func=cmd_snippets)
    ck = sub.add_parser("check", help="run a runbook's checks without a terminal; exit 1 when one fails (for CI)")
    ck.add_argument("runbook", metavar="RUNBOOK", help="runbook id")
    ck.add_argument("--problem", help="run this problem's diagnosis instead of the health check")
    ck.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value")
    ck.add_argument("--platform", help="debian, rhel or macos (default: this host's)")
    ck.add_argument("--root", default=".", help="folder holding incidents/ and runbooks/ (default: .)")
    ck.set_defaults(func=cmd_check)
    sheet.configure(sub.add_parser("sheet", help="write quick-fix sheets as A4 PDFs for on-call"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits 2 on usage errors
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
