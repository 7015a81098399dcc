"""`kb alerts RULES.yaml…`: which alerts have no runbook, which runbooks name alerts that do not exist."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from generator.adapters.cli.options import add_format, add_root, load, root_of
from generator.core.errors import UsageError


def register(sub) -> None:
    a = sub.add_parser("alerts", help="check that every Prometheus alert has a runbook, and back")
    a.add_argument("rules", nargs="+", metavar="RULES.yaml", help="Prometheus rule files")
    add_root(a)
    add_format(a)
    a.add_argument(
        "--write-urls",
        metavar="BASE",
        help="set annotations.runbook_url of each covered alert to its runbook's page under BASE",
    )
    a.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.core.site_config import runbook_url, site_settings
    from generator.integrations.prometheus import RuleFileError, coverage, read_rules, write_urls

    try:
        files = [read_rules(Path(p)) for p in args.rules]
    except RuleFileError as exc:
        raise UsageError(str(exc)) from None
    corpus = load(args)
    root = root_of(args)
    result = coverage(
        files, {rb.id: rb.alerts for rb in corpus.runbooks.values()}, {i: corpus.paths[i] for i in corpus.runbooks}
    )
    written: dict[str, list[str]] = {}
    if args.write_urls:
        site = site_settings(root / "mkdocs.yml")
        urls = {name: runbook_url(site, rbs[0], base=args.write_urls) for name, rbs in result.answered.items()}
        written = {str(rf.path): changed for rf in files if (changed := write_urls(rf, urls))}
    if args.format == "json":
        print(
            json.dumps(
                {
                    "missing": [{"alert": a.name, "file": a.path, "line": a.line} for a in result.missing],
                    "unknown": [{"alert": n, "runbook": rb, "file": p} for rb, p, n in result.unknown],
                    "answered": result.answered,
                    "written": written,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for a in result.missing:
            hint = "add it to the `alerts:` list of the runbook that answers it"
            print(f"{a.path}:{a.line}: alert {a.name} has no runbook ({hint})")
        for rb, path, name in result.unknown:
            hint = "check the name, or remove it"
            print(f"{path}:{_line(path, name)}: runbook {rb} names alert {name}, which no rule file defines ({hint})")
        for path, names in written.items():
            print(f"{path}: runbook_url written for {', '.join(names)}", file=sys.stderr)
        total = sum(len(f.alerts) for f in files)
        print(
            f"{total} alert(s), {total - len(result.missing)} with a runbook, {len(result.missing)} without; "
            f"{len(result.unknown)} runbook alert name(s) unknown",
            file=sys.stderr,
        )
    return 1 if result.missing or result.unknown else 0


def _line(path: str, name: str) -> int:
    """The line of the runbook that names the alert, for editors to jump to."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return 1
    m = re.search(rf"^\s*(?:-\s*|alerts:\s*\[.*?)[\"']?{re.escape(name)}[\"']?\s*(?:[,\]#]|$)", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1
