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


# How a duration is written when no site gives its language's words: `kb stats` and the defaults. The
# site passes the formats of its labels (outputs/labels/*.yaml), since the core knows no language.
MINUTES = "{minutes:g} min"
HOURS = "{hours} h {minutes:02d} min"


def minutes_text(value: float | None, formats: tuple[str, str] = (MINUTES, HOURS)) -> str:
    """A number of minutes as written: '27 min', '2.5 min', '1 h 05 min', or '—' when unknown. `formats`
    are the formats under an hour and from an hour on."""
    if value is None:
        return "—"
    under_an_hour, hours = formats
    if value < 60:
        return under_an_hour.format(minutes=value)  # a median of 2.5 min stays 2.5, not 2
    whole = round(value)
    return hours.format(hours=whole // 60, minutes=whole % 60)


def minutes(delta: dt.timedelta | None, formats: tuple[str, str] = (MINUTES, HOURS)) -> str:
    """A duration in whole minutes, as minutes_text writes it."""
    return minutes_text(None if delta is None else delta.total_seconds() // 60, formats)
