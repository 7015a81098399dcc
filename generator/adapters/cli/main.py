"""The `kb` command: one parser, one module per command, one mapping from outcomes to exit statuses.

Each command module declares `register(sub)` (its options) and `run(args) -> int`, and calls into the
layers below without domain logic of its own. Outcomes that are not the command's own return value are
mapped here, once: a usage error (a bad path or option) is one line and 2; findings that stop output
are printed and 1; Ctrl+C is 130. No traceback for anything a user can do.
"""

from __future__ import annotations

import sys

from generator.adapters.cli import (
    alerts,
    check,
    diagnose,
    export,
    fmt,
    importing,
    init,
    new,
    schema,
    search,
    sheet,
    snippets,
    stats,
    validate,
)
from generator.adapters.cli.options import FAILED, USAGE, Parser
from generator.core.errors import Blocked, UsageError

COMMANDS = [
    init,
    validate,
    fmt,
    new,
    importing,
    schema,
    export,
    snippets,
    check,
    sheet,
    search,
    diagnose,
    stats,
    alerts,
]


def build_parser() -> Parser:
    parser = Parser(prog="kb", description="Runbook and incident knowledge base tools.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # a usage error exits 2 with one line
    prog = f"kb {args.command}"
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return USAGE
    except Blocked as exc:
        from generator.core.findings import format_text

        for f in exc.findings:
            print(format_text(f), file=sys.stderr)
        print(
            f"{prog}: stopped by {len(exc.findings)} finding(s) in the knowledge base (see `kb validate`)",
            file=sys.stderr,
        )
        return FAILED
    except OSError as exc:  # a path the user gave that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{prog}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
