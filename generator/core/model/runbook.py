"""A runbook: how to diagnose and fix the problems of one service, reusable across incidents."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from generator.core.model.common import (
    SCHEMA_VERSION,
    Line,
    Link,
    OneLine,
    Procedure,
    Ref,
    RootCauseCategory,
    Severity,
    Signature,
    Slug,
    Step,
    Strict,
    Table,
    Text,
    Unsorted,
)
from generator.core.values import ParamType, full_match, has_unseen, quoted, value_problem


class Parameter(Strict):
    """A value the commands use as ${NAME}: a work directory, a port, a service name."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")] = Field(
        description="UPPER_SNAKE_CASE; written ${NAME} in commands, --name-in-kebab-case in scripts."
    )
    description: Text
    type: ParamType = Field(
        "string",
        description="What the value is; scripts refuse any other before a command runs. string: any one-line text; "
        "integer: digits only; port: 1-65535; path: not starting with '-'; choice: one of `choices`. "
        "Only integer and port values may be used in arithmetic or numeric tests. "
        "Default: choice when `choices` are given, otherwise string.",
    )
    default: str | None = Field(None, description="Used when nobody passes a value; must be a value of the type.")
    required: bool = Field(False, description="True when there is no sensible default.")
    pattern: str | None = Field(
        None,
        description="Regular expression a value must match in full, in the syntax common to Python and POSIX ERE "
        "(scripts check it with bash's =~ before any command runs).",
    )
    choices: list[str] = Field(default_factory=list, description="The only values allowed, with `type: choice`.")

    @model_validator(mode="before")
    @classmethod
    def _choice_by_default(cls, data: Any) -> Any:
        # Runbooks written before `type` existed: a list of choices made the parameter a choice.
        if isinstance(data, dict) and "type" not in data and data.get("choices"):
            return {**data, "type": "choice"}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"parameter {self.name}: `type: choice` needs a list of `choices`")
        if self.choices and self.type != "choice":
            raise ValueError(f"parameter {self.name}: `choices` go with `type: choice`, not `type: {self.type}`")
        for choice in self.choices:
            if choice == "" or has_unseen(choice):
                raise ValueError(
                    f"parameter {self.name}: choice {quoted(choice)} is empty or holds a control or invisible "
                    "character; no value the scripts accept could equal it"
                )
        if self.pattern is not None:
            if has_unseen(self.pattern):
                raise ValueError(f"parameter {self.name}: the pattern holds a control or invisible character")
            try:
                re.compile(full_match(self.pattern))
            except re.error as exc:
                raise ValueError(f"parameter {self.name}: the pattern is not a regular expression ({exc})") from None
        if self.default:
            why = value_problem(self.default, self.type, self.pattern, self.choices)
            if why:
                raise ValueError(
                    f"parameter {self.name}: the scripts would refuse the default {quoted(self.default)}: {why}"
                )
        return self


class Fix(Strict):
    """A way out: its steps, then how to verify it worked."""

    id: Slug
    title: Line
    description: str | None = None
    temporary: bool = Field(False, description="True for a workaround that buys time, not a cure.")
    steps: list[Step] = Field(default_factory=list)
    verify: list[Step] = Field(default_factory=list, description="Checks that show the fix worked.")


class Cause(Strict):
    """One reason a problem happens, how to confirm it, and how to fix it."""

    id: Slug
    title: Line
    category: RootCauseCategory = Field(description="Root-cause category, from the one documented list.")
    description: str | None = None
    signatures: list[Signature] = Field(
        default_factory=list, description="Error text that points to this cause in particular."
    )
    checks: list[Step] = Field(default_factory=list, description="Steps that confirm or rule out this cause.")
    fixes: list[Fix] = Field(default_factory=list)


class Problem(Strict):
    """Something that goes wrong: symptoms -> diagnosis -> causes -> fixes -> verification."""

    id: Slug
    title: Line
    group: OneLine | None = Field(None, description="Section it belongs to: startup, connection, performance...")
    severity: Severity | None = None
    symptoms: list[Text] = Field(default_factory=list, description="What people see, in their words.")
    signatures: list[Signature] = Field(
        default_factory=list, description="Error strings that identify this problem (indexed for search)."
    )
    diagnosis: list[Step] = Field(default_factory=list, description="Steps to narrow the cause down.")
    causes: list[Cause] = Field(default_factory=list)
    fixes: list[Fix] = Field(default_factory=list, description="Fixes that do not belong to a single cause.")
    verification: list[Step] = Field(default_factory=list)
    prevention: list[Text] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _has_content(self) -> Problem:
        if not (self.symptoms or self.signatures):
            raise ValueError("a problem needs `symptoms` or `signatures`, so people can recognise it")
        return self


class HealthCheck(Strict):
    """The one-shot check-up to run first: every step should pass on a healthy system."""

    title: Line
    description: str | None = None
    steps: list[Step] = Field(min_length=1)


class CommandGroup(Strict):
    """A group of a cheat sheet: service management, logs, quick fixes..."""

    title: Line
    steps: list[Step] = Field(min_length=1)


class Contact(Strict):
    name: Line
    role: OneLine | None = None
    channel: OneLine | None = Field(None, description="How to reach them: phone, chat channel, e-mail, pager.")


class Escalation(Strict):
    """What to do when the runbook is not enough."""

    policy: list[Text] = Field(default_factory=list, description="The order of priorities, step by step.")
    collect: list[Text] = Field(default_factory=list, description="What to gather before asking for help.")
    contacts: list[Contact] = Field(default_factory=list)


class SeverityLevel(Strict):
    level: Severity
    meaning: Text
    examples: list[str] = Field(default_factory=list)


class Runbook(Strict):
    """How to diagnose and fix one service's problems."""

    schema_version: Literal[1] = Field(description=f"Always {SCHEMA_VERSION} for this version of the schema.")
    kind: Literal["runbook"] = Field(description="What this document is.")
    id: Slug
    title: Line = Field(description="The problem area in a few words, e.g. '502 Bad Gateway behind a reverse proxy'.")
    summary: str | None = Field(None, description="One paragraph: what this runbook covers.")
    services: list[Slug] = Field(min_length=1, description="Services this runbook is about.")
    owner: Line = Field(description="Team or person who keeps it correct.")
    last_reviewed: dt.date = Field(description="Date (YYYY-MM-DD) someone last checked it still works.")
    review_every_days: int = Field(180, ge=1, le=730, description="Review interval; overdue means stale.")
    severity: Severity | None = Field(None, description="Typical severity of what it covers.")
    tags: list[Slug] = Field(default_factory=list, description="Words to find it by: nginx, 502, systemd...")
    alerts: list[OneLine] = Field(default_factory=list, description="Names of the alerts this runbook answers.")
    parameters: list[Parameter] = Field(default_factory=list)
    health_check: HealthCheck | None = None
    problems: list[Problem] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    collect_diagnostics: list[Step] = Field(
        default_factory=list, description="What to gather into one report before asking for help."
    )
    cheatsheet: list[CommandGroup] = Field(default_factory=list, description="Key commands, grouped.")
    reference: list[Table] = Field(default_factory=list, description="Error codes, exit codes, log levels...")
    severity_levels: list[SeverityLevel] = Field(default_factory=list)
    escalation: Escalation | None = None
    related: list[Ref] = Field(default_factory=list, description="Other runbooks worth reading.")
    links: list[Link] = Field(default_factory=list)
    source: str | None = Field(None, description="Where this knowledge came from.")
    unsorted: list[Unsorted] = Field(
        default_factory=list,
        description="Imported content still to be sorted into the fields above; `kb validate` warns until it is empty.",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> Runbook:
        seen: set[str] = set()
        for anchor in self.anchors():
            if anchor in seen:
                raise ValueError(f"id '{anchor}' is used twice inside this runbook; ids must be unique")
            seen.add(anchor)
        names = [p.name for p in self.parameters]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"parameter {', '.join(dupes)} declared more than once")
        return self

    def anchors(self) -> list[str]:
        """Ids a reference `runbook#anchor` may point at."""
        out = [p.id for p in self.problems] + [pr.id for pr in self.procedures]
        for p in self.problems:
            out += [c.id for c in p.causes]
        return out
