"""`kb export DIR`: the generated pages as Markdown files, for any site engine."""

from __future__ import annotations

import argparse
import datetime as dt

from generator.adapters.cli.options import OK, add_root, load, out_folder, root_of, site_language


def register(sub) -> None:
    p = sub.add_parser("export", help="write the generated site pages as Markdown files, for any site engine")
    p.add_argument("out", metavar="DIR", help="output folder")
    add_root(p)
    p.add_argument("--language", help="language of the page labels (default: theme.language of mkdocs.yml)")
    p.add_argument("--site-name", default="", help="title of the home page")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.fsio import write_tree
    from generator.core.gitinfo import short_commit
    from generator.outputs.export import export_files

    out = out_folder(args.out)
    corpus = load(args)
    root = root_of(args)
    files = export_files(
        corpus,
        language=args.language or site_language(root),
        today=dt.date.today(),
        site_name=args.site_name,
        commit=short_commit(root),
    )
    write_tree(out, files)
    print(f"wrote {len(files)} files under {out}")
    return OK
