"""Quick-fix sheets for on-call: corpus -> {path: HTML}. Pure: no WeasyPrint, no git, no writes.

A sheet is a summary, not the runbook: per problem its symptoms, checks, causes, fixes and how to
verify, as much of them as its page budget holds, and a count of what was left off for the full page.
One sheet per runbook (budget: one A4 page) and one per service that has runbooks (budget: two pages).

How much a sheet shows is decided after layout (outputs/pdf.py), where column heights are known: each
sheet comes with a SheetFit that renders it at any level of detail, and `layout()` keeps the most that
fits. The pages returned here, made without a layout, show a fixed amount (DEFAULT_LEVEL).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from math import ceil
from pathlib import Path

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from generator.core.corpus import Corpus
from generator.core.model import Runbook
from generator.core.model.common import Step
from generator.core.model.runbook import Problem
from generator.core.rules.freshness import days_overdue
from generator.outputs import jinja, text
from generator.outputs.memo import Memo, or_new
from generator.outputs.site import labels

TEMPLATES = Path(__file__).parent / "templates"
CSS_PATH = "sheets/sheet.css"
RUNBOOK_BUDGET = 1  # pages
SERVICE_BUDGET = 2

MAX_HEALTH_STEPS = 8
MAX_POLICY = 3


@dataclass(frozen=True)
class Detail:
    """How much of each problem a sheet shows; what it leaves off is counted for the full page."""

    checks: int  # of the problem's own diagnosis
    causes: int
    cause_checks: int  # per cause shown
    cause_fixes: int  # per cause shown
    fixes: int  # the problem's own fixes
    fix_steps: int  # per fix shown
    verify: int  # of the problem's verification, and of each fix's


# The ladder a sheet is fitted on: level 0 is the least a problem shows, each level one more of one
# kind. The first levels lead to the amount shown without a layout (DEFAULT_LEVEL); then each kind in
# turn, until a problem shows everything.
MINIMUM = Detail(checks=1, causes=1, cause_checks=0, cause_fixes=1, fixes=1, fix_steps=1, verify=0)
_TO_DEFAULT = ("causes", "checks", "fix_steps", "verify", "causes", "cause_checks")
_CYCLE = ("checks", "causes", "fix_steps", "verify", "fixes", "cause_checks", "cause_fixes")
DEFAULT_LEVEL = len(_TO_DEFAULT)


@cache
def detail(level: int) -> Detail:
    """The Detail of a level of the ladder."""
    if level == 0:
        return MINIMUM
    i = level - 1
    kind = _TO_DEFAULT[i] if i < len(_TO_DEFAULT) else _CYCLE[(i - len(_TO_DEFAULT)) % len(_CYCLE)]
    below = detail(level - 1)
    return replace(below, **{kind: getattr(below, kind) + 1})


def runbook_sheet(runbook_id: str) -> str:
    return f"sheets/runbooks/{runbook_id}.html"


def service_sheet(service: str) -> str:
    return f"sheets/services/{service}.html"


def service_members(corpus: Corpus) -> dict[str, tuple[Runbook, ...]]:
    """Service -> its runbooks, by id: one service sheet per key, holding those runbooks."""
    members: dict[str, list[Runbook]] = {}
    for rb in sorted(corpus.runbooks.values(), key=lambda rb: rb.id):
        for service in rb.services:
            members.setdefault(service, []).append(rb)
    return {service: tuple(rbs) for service, rbs in sorted(members.items())}


def pdf_of(sheet_path: str) -> str:
    return sheet_path.removesuffix(".html") + ".pdf"


def budget(sheet_path: str) -> int:
    """Pages a sheet may take."""
    return SERVICE_BUDGET if sheet_path.startswith("sheets/services/") else RUNBOOK_BUDGET


@dataclass
class FixDigest:
    title: str
    temporary: bool
    steps: list[Step]
    verify: list[Step]
    single: bool  # the fix has one step in all: its title stands for the step's


@dataclass
class CauseDigest:
    title: str
    checks: list[Step]
    fixes: list[FixDigest]


@dataclass
class ProblemDigest:
    problem: Problem
    checks: list[Step]
    causes: list[CauseDigest]
    fixes: list[FixDigest]
    verify: list[Step]
    more: int = 0  # steps, causes and fixes left off
    long: bool = False  # may continue in the next column, between its parts


@dataclass
class RunbookDigest:
    rb: Runbook
    problems: list[ProblemDigest]
    health: list[Step]
    policy: list[str]
    overdue: int  # days past the review date (<= 0: not due)
    due: dt.date
    health_more: int = 0
    policy_more: int = 0
    page: str = field(default="")  # the full runbook page, relative to the site


def _items(checks: Sequence, causes: Sequence, fixes: Sequence, verify: Sequence) -> int:
    """Steps, causes and fixes, counted alike in a problem and in its digest: what is left off is the difference."""

    def fix(f) -> int:
        return 1 + len(f.steps) + len(f.verify)

    return (
        len(checks)
        + len(verify)
        + sum(fix(f) for f in fixes)
        + sum(1 + len(c.checks) + sum(fix(f) for f in c.fixes) for c in causes)
    )


def digest_problem(p: Problem, d: Detail | None = None) -> ProblemDigest:
    """What of a problem goes on the sheet at a level of detail, and how much is left off."""
    d = d or detail(DEFAULT_LEVEL)

    def fix(f) -> FixDigest:
        return FixDigest(f.title, f.temporary, f.steps[: d.fix_steps], f.verify[: d.verify], len(f.steps) == 1)

    causes = [
        CauseDigest(c.title, c.checks[: d.cause_checks], [fix(f) for f in c.fixes[: d.cause_fixes]])
        for c in p.causes[: d.causes]
    ]
    digest = ProblemDigest(
        p, p.diagnosis[: d.checks], causes, [fix(f) for f in p.fixes[: d.fixes]], p.verification[: d.verify]
    )
    digest.more = _items(p.diagnosis, p.causes, p.fixes, p.verification) - _items(
        digest.checks, digest.causes, digest.fixes, digest.verify
    )
    digest.long = problem_lines(digest) > LONG_LINES
    return digest


# Estimated heights, in lines of a column: they guide the search for what fits (outputs/pdf.py, which
# measures), and say which problems are long enough to continue in the next column.
COLUMN_WIDTH = 74  # half-em units: about 37 Chinese characters, or 74 Latin ones
LONG_LINES = 28  # about a third of a column: a problem taller than this may be split between columns


def _lines(value: str) -> int:
    lines = str(value).splitlines() or [""]
    return sum(
        max(1, ceil(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) / COLUMN_WIDTH))
        for line in lines
    )


def _step_lines(s: Step) -> int:
    commands = [line for run in (s.run, *(v.run for v in s.variants)) if run for line in run.strip().splitlines()]
    # A short command sits on its step's line (sheet.css).
    return _lines(f"{s.title}  {commands[0]}" if commands else s.title) + sum(_lines(c) for c in commands[1:])


def _fix_lines(f: FixDigest) -> int:
    steps = sum(_step_lines(s) for s in f.steps) - (1 if f.single and f.steps else 0)
    return _lines(f.title) + steps + (1 + sum(_step_lines(s) for s in f.verify) if f.verify else 0)


def problem_lines(d: ProblemDigest) -> int:
    """Estimated lines a problem takes on a sheet."""
    p = d.problem
    n = _lines(p.title) + _lines(" ".join([*p.symptoms, *(s.text for s in p.signatures)]))
    for group in (d.checks, d.verify):
        n += 1 + sum(_step_lines(s) for s in group) if group else 0
    for c in d.causes:
        n += _lines(c.title) + sum(_step_lines(s) for s in c.checks) + sum(_fix_lines(f) for f in c.fixes)
    return n + sum(_fix_lines(f) for f in d.fixes)


def digest_runbook(rb: Runbook, today: dt.date, levels: Sequence[int] | None = None) -> RunbookDigest:
    """A runbook's sheet, its problems at the given levels of the ladder (default: DEFAULT_LEVEL)."""
    health = rb.health_check.steps if rb.health_check else []
    policy = rb.escalation.policy if rb.escalation else []
    levels = levels if levels is not None else [DEFAULT_LEVEL] * len(rb.problems)
    return RunbookDigest(
        rb=rb,
        problems=[digest_problem(p, detail(level)) for p, level in zip(rb.problems, levels, strict=True)],
        health=health[:MAX_HEALTH_STEPS],
        policy=policy[:MAX_POLICY],
        overdue=days_overdue(rb.last_reviewed, rb.review_every_days, today),
        due=rb.last_reviewed + dt.timedelta(days=rb.review_every_days),
        health_more=max(0, len(health) - MAX_HEALTH_STEPS),
        policy_more=max(0, len(policy) - MAX_POLICY),
        page=f"runbooks/{rb.id}.html",
    )


def _fixed_lines(rb: Runbook) -> int:
    """Estimated lines of what a runbook's blocks show at any level: health check and escalation."""
    health = rb.health_check.steps[:MAX_HEALTH_STEPS] if rb.health_check else []
    escalation = (
        1 + sum(_lines(p) for p in rb.escalation.policy[:MAX_POLICY]) + len(rb.escalation.contacts)
        if rb.escalation
        else 0
    )
    return (1 + sum(_step_lines(s) for s in health) if health else 0) + escalation


@dataclass
class SheetFit:
    """A sheet at any level of detail, so that layout (outputs/pdf.py) can keep the most that fits.

    `moves` add detail one problem at a time, each one level up the ladder for one problem: every
    problem one level before any problem two (fair shares), problems in the sheet's order. `render(n)`
    is the sheet after the first n moves; after all of them it shows everything."""

    problems: list[Problem]  # in the sheet's order
    fixed_lines: int  # estimated lines of what does not change with the level: health checks, escalation
    render_levels: Callable[[tuple[int, ...], Markup], str]  # a level per problem, extra CSS -> the page
    alike: tuple[str, ...] = ()  # sheets with the same `alike` lay out alike: the service sheets of a runbook

    @cached_property
    def moves(self) -> list[tuple[int, int]]:
        """(problem, level): each level at which a problem shows more than one level lower."""
        moves = []
        for i, p in enumerate(self.problems):
            level, more = 0, digest_problem(p, detail(0)).more
            while more:  # terminates: each round of _CYCLE raises every limit
                level += 1
                now = digest_problem(p, detail(level)).more
                if now < more:
                    moves.append((level, i))
                more = now
        return [(i, level) for level, i in sorted(moves)]

    def levels(self, n: int) -> tuple[int, ...]:
        levels = [0] * len(self.problems)
        for i, level in self.moves[:n]:
            levels[i] = level
        return tuple(levels)

    @cached_property
    def lines(self) -> list[int]:
        """Estimated lines of the sheet's columns after n moves, for n = 0 .. len(moves)."""
        height = [problem_lines(digest_problem(p, detail(0))) for p in self.problems]
        out = [self.fixed_lines + sum(height)]
        for i, level in self.moves:
            new = problem_lines(digest_problem(self.problems[i], detail(level)))
            out.append(out[-1] + new - height[i])
            height[i] = new
        return out

    def render(self, n: int, breaks: Sequence[Sequence[int]] = ()) -> str:
        """The sheet after n moves; `breaks` start a column at these elements of the columns (see column_breaks)."""
        return self.render_levels(self.levels(n), column_breaks(breaks))


def column_breaks(paths: Sequence[Sequence[int]]) -> Markup:
    """CSS starting a column at each element given by its path of child positions (1-based) under the
    columns: what balances the columns of a sheet's last page (outputs/pdf.py). Made of numbers only."""
    rules = [
        " > ".join([".columns", *(f":nth-child({int(i)})" for i in path)]) + " { break-before: column; }"
        for path in paths
    ]
    return Markup("\n".join(rules))


def inline_html(value: object) -> Markup:
    """Contributor text as safe HTML: escaped, with `code spans` kept (the site's rule, outputs/text.py)."""
    return text.html_inline(value)


UNBREAKABLE = 60  # characters: a longer word may still wrap anywhere rather than run off the column


def command_html(value: object) -> Markup:
    """A command whose lines wrap only between words: a word cut in two is a different command."""
    parts = re.split(r"(\s+)", text.clean(value).rstrip())
    return Markup(
        "".join(
            str(escape(p)) if not p or p.isspace() or len(p) > UNBREAKABLE else f'<span class="w">{escape(p)}</span>'
            for p in parts
        )
    )


def _plain(value: object) -> object:
    """Every value a sheet prints: escaped by Jinja, and without control characters (outputs/text.py)."""
    return text.clean(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@cache
def _environment() -> Environment:
    return jinja.environment(
        TEMPLATES,
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        finalize=_plain,
        filters={"md": inline_html, "cmd": command_html},
        keep_trailing_newline=False,
    )


class SheetFiles(dict[str, str]):
    """render_sheets' files (path -> text), and `fits`: for each sheet, how to render it at any level of
    detail. layout() (outputs/pdf.py) fits the sheets it has a SheetFit for."""

    def __init__(self, files: dict[str, str], fits: dict[str, SheetFit]) -> None:
        super().__init__(files)
        self.fits = fits


def render_sheets(
    corpus: Corpus, *, commit: str, today: dt.date, language: str = "en", memo: Memo | None = None
) -> SheetFiles:
    """Every sheet, keyed by its path in the site, plus the stylesheet they share (CSS_PATH). With `memo`,
    sheets are kept between calls while their runbooks are unchanged (render/memo.py).

    The pages show DEFAULT_LEVEL of each problem: fitting needs a layout, which only PDFs pay for (a
    site built without PDFs, `mkdocs serve`). `fits` renders them at any level, for layout() to fit."""
    env = _environment()
    memo = or_new(memo)
    L = labels(language)
    common = {"L": L, "lang": language, "commit": commit, "today": today, "css": "../sheet.css"}
    context = (commit, today, language)
    runbooks = sorted(corpus.runbooks.values(), key=lambda rb: rb.id)
    macros = env.get_template("sheets/macros.html.j2").module

    def digest(rb: Runbook) -> RunbookDigest:
        return memo.get(("digest", rb.id, today), (rb,), lambda: digest_runbook(rb, today))

    def blocks(rb: Runbook) -> Markup:
        # A runbook's problems, the bulk of a sheet: made once for its own sheet and its services' sheets.
        return memo.get(("sheet-blocks", rb.id, today, language), (rb,), lambda: macros.blocks(digest(rb), L))

    runbook_tpl = env.get_template("sheets/runbook.html.j2")
    service_tpl = env.get_template("sheets/service.html.j2")

    def runbook_page(rb: Runbook, levels: tuple[int, ...], style: Markup) -> str:
        d = digest_runbook(rb, today, levels)
        return runbook_tpl.render(d=d, blocks=macros.blocks(d, L), style=style, **common)

    def service_page(service: str, members: tuple[Runbook, ...], levels: tuple[int, ...], style: Markup) -> str:
        digests, start = [], 0
        for rb in members:
            digests.append(digest_runbook(rb, today, levels[start : start + len(rb.problems)]))
            start += len(rb.problems)
        return service_tpl.render(
            service=service,
            digests=digests,
            blocks={d.rb.id: macros.blocks(d, L) for d in digests},
            style=style,
            **common,
        )

    out: dict[str, str] = {CSS_PATH: (TEMPLATES / "sheets" / "sheet.css").read_text(encoding="utf-8")}
    fits: dict[str, SheetFit] = {}
    for rb in runbooks:
        path = runbook_sheet(rb.id)
        out[path] = memo.get(
            ("sheet", rb.id, *context),
            (rb,),
            lambda rb=rb: runbook_tpl.render(d=digest(rb), blocks=blocks(rb), style="", **common),
        )
        fits[path] = SheetFit(
            list(rb.problems), _fixed_lines(rb), lambda levels, style, rb=rb: runbook_page(rb, levels, style)
        )
    for service, members in service_members(corpus).items():
        path = service_sheet(service)
        out[path] = memo.get(
            ("service-sheet", service, *context),
            members,
            lambda service=service, members=members: service_tpl.render(
                service=service,
                digests=[digest(rb) for rb in members],
                blocks={rb.id: blocks(rb) for rb in members},
                style="",
                **common,
            ),
        )
        fits[path] = SheetFit(
            [p for rb in members for p in rb.problems],
            # Each runbook's head (title, facts, parameters) sits in the columns too: about 4 lines.
            sum(_fixed_lines(rb) + 4 for rb in members),
            lambda levels, style, service=service, members=members: service_page(service, members, levels, style),
            alike=("services", *(rb.id for rb in members)),
        )
    return SheetFiles(out, fits)
