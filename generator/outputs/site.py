"""The site's generated pages: corpus -> {path: markdown}. Pure: no MkDocs, no writes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from generator.core import metrics
from generator.core import statistics as analytics
from generator.core.corpus import Corpus
from generator.core.model import MODELS, Document, Runbook, describe
from generator.core.rules import RULES
from generator.core.rules.crossfile import runbook_refs
from generator.core.rules.freshness import days_overdue
from generator.outputs import charts as charts_mod
from generator.outputs import jinja, text
from generator.outputs.memo import Memo, or_new
from generator.outputs.snippets import script_table

TEMPLATES = Path(__file__).parent / "templates"
LABELS = Path(__file__).parent / "labels"
REVIEW_WINDOW_DAYS = 30  # "due for review" lists runbooks overdue or due within this many days


@cache
def labels(language: str) -> dict:
    """The words of the generated pages, in the knowledge base's language (falls back to English)."""
    path = LABELS / f"{language}.yaml"
    return yaml.safe_load((path if path.exists() else LABELS / "en.yaml").read_text(encoding="utf-8"))


@cache  # compiled templates are kept for the process: `mkdocs serve` renders again on every edit
def environment() -> Environment:
    return jinja.environment(
        TEMPLATES,
        autoescape=False,  # Markdown, not HTML: escaping is the filters' job (text.py)
        filters={
            "inline": text.inline,
            "block": text.block,
            "cell": text.cell,
            "code": text.code,
            "fence": text.fence,
            "anchor": text.anchor,
            "title": text.title,  # front matter: HTML-escaped for the theme, then quoted in ASCII
            "yaml_string": text.yaml_string,
            "ref_link": _ref_link,
        },
    )


@pass_context
def _ref_link(context: Context, ref: str) -> str:
    """Markdown link for `runbook-id` or `runbook-id#anchor`, from a page one folder deep."""
    target, _, anchor = ref.partition("#")
    rb = context["corpus"].runbooks.get(target)
    title = text.inline(rb.title if rb else target)
    # A Ref is a slug, and `#` and a slug: `anchor` keeps the link's path that way whatever it is given.
    target, anchor = text.anchor(target), text.anchor(anchor) if anchor else ""
    suffix = f"#{anchor}" if anchor else ""
    return f"[{title}{' › ' + anchor if anchor else ''}](../runbooks/{target}.md{suffix})"


def render_site(
    corpus: Corpus,
    *,
    today: dt.date,
    language: str = "en",
    site_name: str = "",
    scripts_folder: str | None = None,
    sheet_pdf: bool = False,
    memo: Memo | None = None,
    search_terms: dict[str, dict[str, list[str]]] | None = None,
) -> dict[str, str]:
    """Every generated page of the site, keyed by its path under docs/. With `scripts_folder`, runbook
    pages link to the scripts the site serves from `<scripts_folder>/<runbook-id>/`. Runbook pages link
    to their quick-fix sheet (render/sheets.py), and to its PDF when sheet_pdf says the site has them.
    With `memo`, document pages are kept between calls (render/memo.py); the indexes are made every
    time. `search_terms` (runbook id -> problem id -> words) join each problem's section for the site's
    search only."""
    env = environment()
    L = labels(language)
    memo = or_new(memo)
    backlinks = corpus.backlinks()
    pages: dict[str, str] = {}

    def page(doc: Document, **context) -> str:
        # A page shows its document, the titles of the runbooks it links to, and (runbooks) the
        # incidents that link to it: it is made again when any of those is a different object.
        linked = [corpus.runbooks.get(ref.partition("#")[0]) for ref, _ in runbook_refs(doc)]
        sources = (doc, *linked, *backlinks.get(doc.id, []))
        template = env.get_template(f"site/{doc.kind}.md.j2")
        return memo.get(
            ("page", doc.kind, doc.id, language, scripts_folder, sheet_pdf),
            sources,
            lambda: template.render(L=L, corpus=corpus, tags=_tags(doc), **context),
        )

    for rb in corpus.runbooks.values():
        pages[f"runbooks/{rb.id}.md"] = page(
            rb,
            rb=rb,
            backlinks=backlinks.get(rb.id, []),
            scripts=script_table(rb) if scripts_folder else [],
            scripts_folder=scripts_folder,
            sheet_pdf=sheet_pdf,
            search_terms=(search_terms or {}).get(rb.id, {}),
        )
    durations = _durations(L)
    for inc in corpus.incidents.values():
        ttd, ttr = metrics.time_to_detect(inc), metrics.time_to_resolve(inc)
        pages[f"incidents/{inc.id}.md"] = page(
            inc, inc=inc, ttd=metrics.minutes(ttd, durations), ttr=metrics.minutes(ttr, durations)
        )

    incidents_newest_first = sorted(corpus.incidents.values(), key=lambda i: i.started_at, reverse=True)
    most_used = sorted(
        ((rb, len(backlinks.get(rb.id, []))) for rb in corpus.runbooks.values()), key=lambda x: (-x[1], x[0].id)
    )
    pages["index.md"] = env.get_template("site/home.md.j2").render(
        L=L,
        site_name=site_name or L["home"],
        recent=incidents_newest_first[:10],
        most_used=most_used[:10],
        severity_levels=next((rb.severity_levels for rb in corpus.runbooks.values() if rb.severity_levels), []),
    )
    by_year: dict[int, list] = defaultdict(list)
    for inc in incidents_newest_first:
        by_year[inc.started_at.year].append(inc)
    pages["indexes/incidents.md"] = env.get_template("site/incidents.md.j2").render(L=L, by_year=by_year)
    pages["indexes/services.md"] = env.get_template("site/services.md.j2").render(L=L, index=corpus.by_service())
    pages.update(_signature_pages(corpus, env, L))
    pages["indexes/root-causes.md"] = env.get_template("site/root_causes.md.j2").render(
        L=L, index=_root_cause_index(corpus)
    )
    pages["indexes/tags.md"] = env.get_template("site/tags.md.j2").render(L=L)
    pages["indexes/action-items.md"] = env.get_template("site/action_items.md.j2").render(
        L=L,
        items=[(inc, a) for inc in reversed(incidents_newest_first) for a in inc.action_items if a.status == "open"],
    )
    pages["indexes/review.md"] = env.get_template("site/review.md.j2").render(
        L=L, rows=_review_rows(corpus, today), window=REVIEW_WINDOW_DAYS
    )
    pages[CONTRIBUTING] = env.get_template("site/contributing.md.j2").render(L=L, models=schema_models(), rules=RULES)
    pages.update(_analytics_pages(corpus, env, L))
    return pages


def _signature_pages(corpus: Corpus, env: Environment, L: dict) -> dict[str, str]:
    """Error signatures and symptoms -> problems. A big knowledge base gets a page per service (a runbook's
    first), so that no page grows with the whole knowledge base and an edit rebuilds a small one."""
    template = env.get_template("site/signatures.md.j2")
    index, symptoms = corpus.by_signature(), _symptoms(corpus)
    if len(corpus.runbooks) <= SPLIT_INDEX_LIMIT:
        page = template.render(L=L, service=None, parts=[], index=index, symptoms=symptoms, up="../")
        return {"indexes/signatures.md": page}
    split: dict[str, tuple[dict, list]] = defaultdict(lambda: (defaultdict(list), []))
    for signature, hits in index.items():
        for hit in hits:
            split[hit[0].services[0]][0][signature].append(hit)
    for row in symptoms:
        split[row[0].services[0]][1].append(row)
    pages, parts = {}, []
    for service, (own_index, own_symptoms) in sorted(split.items()):
        parts.append((service, sum(map(len, own_index.values())), len(own_symptoms)))
        pages[f"indexes/signatures/{service}.md"] = template.render(
            L=L, service=service, parts=[], index=own_index, symptoms=own_symptoms, up="../../"
        )
    pages["indexes/signatures.md"] = template.render(L=L, service=None, parts=parts, up="../")
    return pages


def _analytics_pages(corpus: Corpus, env: Environment, L: dict) -> dict[str, str]:
    """The analytics page and its charts (SVG files beside it, drawn now: nothing runs in the browser)."""
    stats = analytics.compute(corpus)
    labels = [text.clean(f"{f.started} {f.title}") for f in stats.incidents]  # XML escapes, but holds no controls
    charts = {
        "times": charts_mod.bar_chart(
            L["chart_times"],
            labels,
            [
                (L["time_to_detect"], [f.ttd for f in stats.incidents]),
                (L["time_to_resolve"], [f.ttr for f in stats.incidents]),
            ],
        ),
        "months": charts_mod.bar_chart(
            L["chart_months"],
            [g.key for g in stats.by_month],
            [(L["incident_count"], [g.incidents for g in stats.by_month])],
        ),
        "root-causes": charts_mod.bar_chart(
            L["chart_categories"],
            [L["categories"][r.key] for r in stats.categories],
            [(L["incident_count"], [len(r.incidents) for r in stats.categories])],
        ),
    }
    page = env.get_template("site/analytics.md.j2").render(
        L=L,
        stats=stats,
        minutes=lambda value: metrics.minutes_text(value, _durations(L)),
        recurring=analytics.RECURRING,
        titles={i.id: i.title for i in corpus.incidents.values()},
    )
    return {"indexes/analytics.md": page, **{f"indexes/charts/{name}.svg": svg for name, svg in charts.items()}}


CONTRIBUTING = "contributing.md"


def schema_models() -> list[tuple[str, str, list[describe.FieldDoc]]]:
    """(name, summary, fields) of every model, each once: the documents first, then what they hold."""
    seen: list = []
    for root in MODELS.values():
        seen += [m for m in describe.nested_models(root) if m not in seen]
    return [(m.__name__, describe.summary(m), describe.fields(m)) for m in seen]


FLAT_NAV_LIMIT = 15  # above this many pages, a nav section is split into sub-sections
LISTED_NAV_LIMIT = 300  # above this many, the section shows its index page instead of every page
SPLIT_INDEX_LIMIT = LISTED_NAV_LIMIT  # above this many runbooks, the signature index has a page per service
INDEX_PAGES = ["services", "incidents", "signatures", "root-causes", "tags", "action-items", "review", "analytics"]


def site_nav(corpus: Corpus, hand_written: list[str], language: str) -> list:
    """The navigation, in the site's language. Big sections are split (runbooks by service, incidents by
    year) so that with navigation.prune each page carries a few dozen links, not thousands; very big ones
    show only their index page, since every page carries the whole top of the navigation."""
    L = labels(language)
    runbooks = defaultdict(list)
    for rb in sorted(corpus.runbooks.values(), key=lambda r: r.id):
        runbooks[rb.services[0]].append(f"runbooks/{rb.id}.md")
    incidents = defaultdict(list)
    for inc in sorted(corpus.incidents.values(), key=lambda i: i.started_at, reverse=True):
        incidents[str(inc.started_at.year)].append(f"incidents/{inc.id}.md")
    indexes = [f"indexes/{name}.md" for name in INDEX_PAGES]

    def section(groups: dict[str, list[str]], order: list[str], overview: str) -> list:
        count = sum(map(len, groups.values()))
        if count > LISTED_NAV_LIMIT:
            indexes.remove(overview)  # it moves up, as the section itself
            return [overview]
        if count <= FLAT_NAV_LIMIT:
            return [page for key in order for page in groups[key]]
        return [{key: groups[key]} for key in order]

    return [
        "index.md",
        {L["runbooks"]: section(runbooks, sorted(runbooks), "indexes/services.md")},
        {L["incidents"]: section(incidents, sorted(incidents, reverse=True), "indexes/incidents.md")},
        {L["indexes"]: indexes},
        CONTRIBUTING,
        *sorted(hand_written),
    ]


def _durations(L: dict) -> tuple[str, str]:
    """How the site's language writes minutes, and hours and minutes (metrics.minutes_text's formats)."""
    return L["duration_minutes"], L["duration_hours"]


def _tags(doc) -> list[str]:
    """Tags and services both become tags, so the tags index finds documents by service too."""
    return sorted({*doc.tags, *doc.services})


def _symptoms(corpus: Corpus) -> list:
    return [(rb, p, s) for rb in corpus.runbooks.values() for p in rb.problems for s in p.symptoms]


def _root_cause_index(corpus: Corpus) -> dict[str, list[tuple]]:
    """Category -> (kind, document, anchor, title): runbook causes and incident root causes."""
    index: dict[str, list[tuple]] = defaultdict(list)
    for inc in corpus.incidents.values():
        index[inc.root_cause.category].append(("incident", inc, "root-cause", inc.root_cause.summary))
        for e in inc.contributing_errors:
            index[e.category].append(("incident", inc, e.id, e.title))
    for rb in corpus.runbooks.values():
        for p in rb.problems:
            for c in p.causes:
                index[c.category].append(("runbook", rb, c.id, c.title))
    return dict(sorted(index.items()))


def _review_rows(corpus: Corpus, today: dt.date) -> list[tuple[Runbook, int]]:
    """Runbooks overdue or due soon, most overdue first."""
    rows = [(rb, days_overdue(rb.last_reviewed, rb.review_every_days, today)) for rb in corpus.runbooks.values()]
    return sorted([r for r in rows if r[1] > -REVIEW_WINDOW_DAYS], key=lambda r: -r[1])
