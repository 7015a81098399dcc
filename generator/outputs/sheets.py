"""Quick-fix sheets for on-call: corpus -> {path: HTML}. Pure: no WeasyPrint, no git, no writes.

A sheet is a summary, not the runbook: per problem its symptoms, the first checks, the fixes (the
first of each cause), how to verify, and a count of what was left off for the full page. One sheet
per runbook (budget: one A4 page) and one per service that has runbooks (budget: two pages). The
page budget is enforced after layout (render/pdf.py), where page counts are known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
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

# How much of a problem a sheet shows; the rest is counted and pointed to on the full page.
MAX_HEALTH_STEPS = 8
MAX_CHECKS = 2  # of a problem's own diagnosis
MAX_CAUSES = 3
MAX_FIXES = 1  # problem-level fixes
MAX_FIX_STEPS = 2
MAX_VERIFY = 1
MAX_POLICY = 3


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


@dataclass
class CauseDigest:
    title: str
    checks: list[Step]
    fix: FixDigest | None


@dataclass
class ProblemDigest:
    problem: Problem
    checks: list[Step]
    causes: list[CauseDigest]
    fixes: list[FixDigest]
    verify: list[Step]
    more: int = 0  # steps, causes and fixes left off


@dataclass
class RunbookDigest:
    rb: Runbook
    problems: list[ProblemDigest]
    health: list[Step]
    policy: list[str]
    overdue: int  # days past the review date (<= 0: not due)
    due: dt.date
    more: int = 0
    page: str = field(default="")  # the full runbook page, relative to the site


def _fix(fix, limit: int) -> tuple[FixDigest, int]:
    return FixDigest(fix.title, fix.temporary, fix.steps[:limit]), max(0, len(fix.steps) - limit)


def digest_problem(p: Problem) -> ProblemDigest:
    """What of a problem goes on the sheet, and how much is left off."""
    more = max(0, len(p.diagnosis) - MAX_CHECKS) + max(0, len(p.causes) - MAX_CAUSES)
    causes = []
    for c in p.causes[:MAX_CAUSES]:
        fix = None
        if c.fixes:
            fix, cut = _fix(c.fixes[0], MAX_FIX_STEPS)
            more += cut + len(c.fixes) - 1
        causes.append(CauseDigest(c.title, c.checks[:1], fix))
        more += max(0, len(c.checks) - 1)
    fixes = []
    for f in p.fixes[:MAX_FIXES]:
        digest, cut = _fix(f, MAX_FIX_STEPS)
        fixes.append(digest)
        more += cut
    more += max(0, len(p.fixes) - MAX_FIXES)
    # Verification: the problem's own, else that of the fixes shown.
    verify = list(p.verification) or [s for f in p.fixes[:MAX_FIXES] for s in f.verify]
    more += max(0, len(verify) - MAX_VERIFY)
    return ProblemDigest(p, p.diagnosis[:MAX_CHECKS], causes, fixes, verify[:MAX_VERIFY], more)


def digest_runbook(rb: Runbook, today: dt.date) -> RunbookDigest:
    health = rb.health_check.steps if rb.health_check else []
    policy = rb.escalation.policy if rb.escalation else []
    problems = [digest_problem(p) for p in rb.problems]
    return RunbookDigest(
        rb=rb,
        problems=problems,
        health=health[:MAX_HEALTH_STEPS],
        policy=policy[:MAX_POLICY],
        overdue=days_overdue(rb.last_reviewed, rb.review_every_days, today),
        due=rb.last_reviewed + dt.timedelta(days=rb.review_every_days),
        more=max(0, len(health) - MAX_HEALTH_STEPS) + max(0, len(policy) - MAX_POLICY),
        page=f"runbooks/{rb.id}.html",
    )


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


def render_sheets(
    corpus: Corpus, *, commit: str, today: dt.date, language: str = "en", memo: Memo | None = None
) -> dict[str, str]:
    """Every sheet, keyed by its path in the site, plus the stylesheet they share (CSS_PATH). With `memo`,
    sheets are kept between calls while their runbooks are unchanged (render/memo.py)."""
    env = _environment()
    memo = or_new(memo)
    L = labels(language)
    common = {"L": L, "lang": language, "commit": commit, "today": today, "css": "../sheet.css"}
    context = (commit, today, language)
    runbooks = sorted(corpus.runbooks.values(), key=lambda rb: rb.id)

    def digest(rb: Runbook) -> RunbookDigest:
        return memo.get(("digest", rb.id, today), (rb,), lambda: digest_runbook(rb, today))

    macros = env.get_template("sheets/macros.html.j2").module

    def blocks(rb: Runbook) -> Markup:
        # A runbook's problems, the bulk of a sheet: made once for its own sheet and its services' sheets.
        return memo.get(("sheet-blocks", rb.id, today, language), (rb,), lambda: macros.blocks(digest(rb), L))

    out: dict[str, str] = {CSS_PATH: (TEMPLATES / "sheets" / "sheet.css").read_text(encoding="utf-8")}
    runbook_tpl = env.get_template("sheets/runbook.html.j2")
    for rb in runbooks:
        out[runbook_sheet(rb.id)] = memo.get(
            ("sheet", rb.id, *context),
            (rb,),
            lambda rb=rb: runbook_tpl.render(d=digest(rb), blocks=blocks(rb), **common),
        )
    service_tpl = env.get_template("sheets/service.html.j2")
    for service, members in service_members(corpus).items():
        out[service_sheet(service)] = memo.get(
            ("service-sheet", service, *context),
            members,
            lambda service=service, members=members: service_tpl.render(
                service=service,
                digests=[digest(rb) for rb in members],
                blocks={rb.id: blocks(rb) for rb in members},
                **common,
            ),
        )
    return out
