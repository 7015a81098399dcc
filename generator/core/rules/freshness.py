"""A runbook nobody has reviewed for longer than its interval may mislead during an outage."""

from __future__ import annotations

import datetime as dt

RULE = "review-overdue"


def days_overdue(last_reviewed: dt.date, every_days: int, today: dt.date) -> int:
    """Days past the review due date; 0 or less means not due yet."""
    return (today - (last_reviewed + dt.timedelta(days=every_days))).days
