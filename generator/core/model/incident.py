"""An incident: what happened, how it was diagnosed and fixed, and what we learned."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from generator.core.model.common import (
    Fact,
    FenceLang,
    Line,
    Link,
    OneLine,
    Procedure,
    Ref,
    RootCauseCategory,
    Severity,
    Slug,
    Step,
    Strict,
    Table,
    Text,
    Unsorted,
)

Phase = Literal["started", "detected", "investigating", "identified", "mitigated", "resolved", "follow-up"]


class TimelineEntry(Strict):
    """One row of the timeline."""

    at: AwareDatetime = Field(description="When, with its UTC offset: 2026-02-25T23:01:00+08:00.")
    event: Text
    status: OneLine | None = Field(None, description="The status as written at the time, e.g. '🟡 排查中'.")
    phase: Phase | None = Field(
        None,
        description="Where the incident stood. The first 'detected' and 'resolved' rows give time to "
        "detect and time to resolve.",
    )


class Evidence(Strict):
    """Log lines, error output or code as it was found."""

    title: Line
    lang: FenceLang = Field("text", description="Language for highlighting: text, javascript, python, ini...")
    content: Text


class DiagnosisStep(Step):
    """A check actually run during the incident, and what it showed."""

    at: AwareDatetime | None = Field(None, description="When it was run.")
    result: str | None = Field(None, description="What it showed.")
    outcome: Literal["passed", "failed", "info"] = Field(
        "info", description="passed: looked healthy (✅); failed: found a fault (❌); info: neither."
    )


class RuledOut(Strict):
    """A cause that was checked and excluded, with the evidence."""

    cause: Text
    evidence: Text


class Hypothesis(Strict):
    """A possible cause not confirmed. List them most likely first."""

    title: Line
    likelihood: Literal["high", "medium", "low"]
    category: RootCauseCategory
    details: list[Text] = Field(default_factory=list)
    runbook: Ref | None = Field(None, description="Runbook problem or cause that covers this hypothesis.")


class RootCause(Strict):
    summary: Text
    category: RootCauseCategory
    confirmed: bool = Field(description="False when the cause is only the most likely hypothesis.")
    details: list[Text] = Field(default_factory=list)


class ContributingError(Strict):
    """One of several mistakes that made the incident worse, each with its own cost and lesson."""

    id: Slug
    title: Line
    category: RootCauseCategory
    duration: OneLine | None = Field(None, description="How long it cost, as written: '22分钟'.")
    impact: str | None = None
    description: list[Text] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    root_causes: list[Text] = Field(min_length=1)
    correct_practice: list[Step] = Field(min_length=1, description="What to do instead, next time.")


class FixOption(Strict):
    """One way of fixing it, compared with the others."""

    name: Line
    time: OneLine | None = None
    complexity: OneLine | None = None
    reliability: OneLine | None = None
    chosen: bool = False
    verdict: OneLine | None = Field(None, description="The comparison's conclusion, e.g. '✅ 推荐', '备用'.")


class Resolution(Strict):
    summary: Text
    steps: list[Step] = Field(default_factory=list, description="What was done.")
    user_actions: list[Step] = Field(default_factory=list, description="What users were asked to do.")


class Measure(Strict):
    """A prevention measure: in place or proposed."""

    title: Line
    status: Literal["done", "open"] = "open"
    details: list[Text] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


class Lesson(Strict):
    title: Line
    audience: OneLine | None = Field(None, description="Who the lesson is for, if the write-up says so.")
    points: list[Text] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)


class ActionItem(Strict):
    title: Line
    status: Literal["done", "open"]
    horizon: Literal["today", "week", "month", "quarter"] | None = Field(
        None, description="When it is due: today, within a week, a month, a quarter."
    )
    owner: OneLine | None = None


class RunbookLink(Strict):
    ref: Ref
    relation: Literal["used", "produced", "updated"] = Field(
        "used", description="used: followed during the incident; produced/updated: came out of it."
    )


class Incident(Strict):
    """A write-up of one incident (a post-mortem)."""

    schema_version: Literal[1] = Field(description="Always 1 for this version of the schema.")
    kind: Literal["incident"] = Field(description="What this document is.")
    id: Slug
    title: Line = Field(description="One line: what broke, for whom, and why if known.")
    services: list[Slug] = Field(min_length=1, description="Ids of the services involved.")
    severity: Severity = Field(description="P1: system unusable; P2: part of it unusable; P3: degraded.")
    status: Literal["open", "monitoring", "resolved"] = Field("resolved", description="Where the incident stands.")
    started_at: AwareDatetime = Field(description="When it started, with its UTC offset.")
    detected_at: AwareDatetime | None = Field(None, description="When someone noticed.")
    resolved_at: AwareDatetime | None = Field(None, description="When service was back to normal.")
    tags: list[Slug] = Field(default_factory=list, description="Words to find it by: nginx, 502, login...")
    summary: str | None = Field(None, description="A few lines for someone who reads nothing else.")
    impact: Text = Field(description="Who could not do what, for how long.")
    symptom: Text = Field(description="The symptom as users reported it.")
    evidence: list[Evidence] = Field(default_factory=list)
    environment: list[Fact] = Field(default_factory=list, description="Servers, addresses, repositories.")
    timeline: list[TimelineEntry] = Field(default_factory=list)
    diagnosis: list[DiagnosisStep] = Field(default_factory=list)
    ruled_out: list[RuledOut] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list, description="Most likely first.")
    root_cause: RootCause
    contributing_errors: list[ContributingError] = Field(default_factory=list)
    analysis: list[Text] = Field(default_factory=list, description="Deeper causes behind the root cause.")
    fix_options: list[FixOption] = Field(default_factory=list)
    resolution: Resolution
    verification: list[Step] = Field(default_factory=list)
    metrics: list[Fact] = Field(default_factory=list, description="Figures: fix time, availability...")
    prevention: list[Measure] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list, description="Standard flows this produced.")
    lessons: list[Lesson] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    runbooks: list[RunbookLink] = Field(default_factory=list)
    related_incidents: list[Slug] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    author: Line = Field(description="Who wrote the write-up.")
    reviewer: OneLine | None = Field(None, description="Who reviewed it.")
    created: dt.date | None = Field(None, description="Date the write-up was created.")
    updated: dt.date | None = Field(None, description="Date it was last changed.")
    next_review: OneLine | None = Field(None, description="When to look at this again, as written.")
    unsorted: list[Unsorted] = Field(
        default_factory=list,
        description="Imported content still to be sorted into the fields above; `kb validate` warns until it is empty.",
    )

    @model_validator(mode="after")
    def _times_in_order(self) -> Incident:
        if self.resolved_at and self.resolved_at < self.started_at:
            raise ValueError("resolved_at is before started_at")
        if self.detected_at and self.detected_at < self.started_at:
            raise ValueError("detected_at is before started_at")
        return self
