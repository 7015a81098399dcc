"""Figures across incidents: time to detect and to resolve, recurring causes, action items.

Pure: corpus in, numbers out. The site's analytics page, its charts and `kb stats` all read these.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from generator.core import metrics
from generator.core.corpus import Corpus
from generator.core.model import Incident
from generator.core.model.incident import ActionItem

RECURRING = 2  # a category or service seen in this many incidents is recurring


@dataclass
class IncidentFigures:
    id: str
    title: str
    started: str  # YYYY-MM-DD
    month: str  # YYYY-MM
    services: list[str]
    severity: str
    category: str
    ttd: float | None  # minutes
    ttr: float | None


@dataclass
class Group:
    """Incidents sharing a service or a month, and their typical times (minutes; None when unknown)."""

    key: str
    incidents: int
    ttd_median: float | None
    ttr_median: float | None
    ttr_mean: float | None
    ttr_known: int  # incidents whose time to resolve the timeline gives


@dataclass
class Recurrence:
    key: str
    incidents: list[str]  # ids, oldest first


@dataclass
class OpenItem:
    incident: str
    incident_title: str
    started: str
    title: str
    horizon: str | None
    owner: str | None


@dataclass
class Stats:
    incidents: list[IncidentFigures]
    by_service: list[Group]
    by_month: list[Group]
    categories: list[Recurrence]  # root-cause categories, most incidents first
    services: list[Recurrence]
    actions_open: int
    actions_done: int
    open_items: list[OpenItem] = field(default_factory=list)  # oldest incident first

    def recurring(self, rows: list[Recurrence]) -> list[Recurrence]:
        return [r for r in rows if len(r.incidents) >= RECURRING]

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {
            **asdict(self),
            "recurring_categories": [r.key for r in self.recurring(self.categories)],
            "recurring_services": [r.key for r in self.recurring(self.services)],
        }


def _minutes(delta) -> float | None:
    return round(delta.total_seconds() / 60, 1) if delta is not None else None


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 1) if known else None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.fmean(known), 1) if known else None


def _group(key: str, rows: list[IncidentFigures]) -> Group:
    ttr = [r.ttr for r in rows]
    return Group(
        key, len(rows), _median([r.ttd for r in rows]), _median(ttr), _mean(ttr), sum(v is not None for v in ttr)
    )


def categories_of(inc: Incident) -> set[str]:
    """The root-cause categories an incident counts towards: its root cause and its contributing errors."""
    return {str(inc.root_cause.category), *(str(e.category) for e in inc.contributing_errors)}


def compute(corpus: Corpus) -> Stats:
    incidents = sorted(corpus.incidents.values(), key=lambda i: (i.started_at, i.id))
    figures = [
        IncidentFigures(
            inc.id,
            inc.title,
            inc.started_at.strftime("%Y-%m-%d"),
            inc.started_at.strftime("%Y-%m"),
            list(inc.services),
            str(inc.severity),
            str(inc.root_cause.category),
            _minutes(metrics.time_to_detect(inc)),
            _minutes(metrics.time_to_resolve(inc)),
        )
        for inc in incidents
    ]
    by_service: dict[str, list[IncidentFigures]] = defaultdict(list)
    by_month: dict[str, list[IncidentFigures]] = defaultdict(list)
    for f in figures:
        for s in f.services:
            by_service[s].append(f)
        by_month[f.month].append(f)
    categories: dict[str, list[str]] = defaultdict(list)
    for inc in incidents:
        for c in sorted(categories_of(inc)):
            categories[c].append(inc.id)
    items: list[tuple[Incident, ActionItem]] = [(inc, a) for inc in incidents for a in inc.action_items]
    return Stats(
        incidents=figures,
        by_service=[_group(k, v) for k, v in sorted(by_service.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        by_month=[_group(k, v) for k, v in sorted(by_month.items())],
        categories=_ranked(categories),
        services=_ranked({k: [f.id for f in v] for k, v in by_service.items()}),
        actions_open=sum(a.status == "open" for _, a in items),
        actions_done=sum(a.status == "done" for _, a in items),
        open_items=[
            OpenItem(inc.id, inc.title, inc.started_at.strftime("%Y-%m-%d"), a.title, a.horizon, a.owner)
            for inc, a in items
            if a.status == "open"
        ],
    )


def _ranked(index: dict[str, list[str]]) -> list[Recurrence]:
    return [Recurrence(k, v) for k, v in sorted(index.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def minutes_label(value: float | None) -> str:
    """'27 min', '1 h 05 min', '—' when unknown: as `kb stats` writes it (the site uses its labels' words)."""
    return metrics.minutes_text(value)
