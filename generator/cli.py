"""The `kb` command. Thin: parse arguments, call the library, print, exit 0 / 1 / 2."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import findings as fmt
from . import sheet
from .validate import validate

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
    from .schema_export import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .corpus import load_corpus
    from .export import export_pages

    corpus, findings = load_corpus(args.root)
    errors = [f for f in findings if f.severity == "error"]
    for f in findings:
        print(fmt.format_text(f), file=sys.stderr)
    if errors:
        print(f"kb export: {len(errors)} error(s); nothing written", file=sys.stderr)
        return 1
    language = args.language or _site_language(Path(args.root) / "mkdocs.yml")
    from .gitinfo import short_commit

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
