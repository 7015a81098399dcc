"""`kb export DIR`: the generated pages as Markdown files, for any site engine."""

from __future__ import annotations

import argparse
import datetime as dt

from generator.adapters.cli.options import OK, add_root, load, out_folder, root_of, site_language
from generator.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("export", help="write the site pages as Markdown for any site engine, or a JSON catalog")
    p.add_argument("out", metavar="DIR", nargs="?", help="output folder for the pages")
    p.add_argument(
        "--catalog",
        metavar="FILE.json",
        help="also (or only) write every runbook, problem, cause, signature, alert name and page URL as JSON",
    )
    add_root(p)
    p.add_argument("--language", help="language of the page labels (default: theme.language of mkdocs.yml)")
    p.add_argument("--site-name", default="", help="title of the home page")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.fsio import write_tree
    from generator.core.gitinfo import short_commit
    from generator.outputs.export import export_files
    from generator.search.site_terms import for_knowledge_base

    if not (args.out or args.catalog):
        raise UsageError("name an output folder, or --catalog FILE.json, or both")
    out = out_folder(args.out) if args.out else None
    corpus = load(args)
    root = root_of(args)
    if args.catalog:
        from generator.core.fsio import write_file
        from generator.core.site_config import site_settings
        from generator.outputs.catalog import render_catalog

        target = write_file(args.catalog, render_catalog(corpus, site_settings(root / "mkdocs.yml")))
        print(f"wrote the catalog {target}")
    if out is None:
        return OK
    files = export_files(
        corpus,
        language=args.language or site_language(root),
        today=dt.date.today(),
        site_name=args.site_name,
        commit=short_commit(root),
        search_terms=for_knowledge_base(root, corpus),
    )
    write_tree(out, files)
    print(f"wrote {len(files)} files under {out}")
    return OK
