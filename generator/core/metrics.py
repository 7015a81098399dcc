"""Figures derived from an incident: duration, time to detect, time to resolve."""

from __future__ import annotations

import datetime as dt

from generator.core.model import Incident


def _first(incident: Incident, phase: str) -> dt.datetime | None:
    return next((row.at for row in incident.timeline if row.phase == phase), None)


def detected_at(incident: Incident) -> dt.datetime | None:
    return incident.detected_at or _first(incident, "detected")


def resolved_at(incident: Incident) -> dt.datetime | None:
    return incident.resolved_at or _first(incident, "resolved")


def time_to_detect(incident: Incident) -> dt.timedelta | None:
    at = detected_at(incident)
    return at - incident.started_at if at else None


def time_to_resolve(incident: Incident) -> dt.timedelta | None:
    at = resolved_at(incident)
    return at - incident.started_at if at else None


def minutes(delta: dt.timedelta | None) -> str:
    """'27 min', '1 h 05 min', or '—' when unknown."""
    if delta is None:
        return "—"
    total = int(delta.total_seconds() // 60)
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"
