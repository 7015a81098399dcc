"""Building blocks shared by incidents and runbooks.

Field descriptions are written for contributors: they become the JSON Schema that editors show
as hints, and the schema reference page.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_VERSION = 1

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
REF_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}(#[a-z0-9][a-z0-9-]{0,79})?$"
# One line: a title, a name, a label. It lands in headings, table cells, link texts and a page's front
# matter, where a line break would end the construct it sits in.
ONE_LINE_PATTERN = r"^[^\r\n]*$"
LINE_MAX = 300  # characters of a title or a name: they are repeated on every index that lists them
# A link: an http(s) URL, or a relative path (no scheme, and not `//host`, which is another site). No
# whitespace and no backslash, which browsers read as `/` ("/\host" is "//host").
LINK_PATTERN = (
    r"^(https?://[A-Za-z0-9.-]+(:[0-9]+)?([/?#][^\s\\]*)?"  # http(s)://host[:port][/path]
    r"|[^\s:/?#\\]+([/?#][^\s\\]*)?"  # a relative path: no ':' before the first '/', so no scheme
    r"|/([^\s/\\][^\s\\]*)?"  # an absolute path, never '//'
    r"|[?#][^\s\\]*)$"  # a query or a fragment of the same page
)
# A code block's language, as highlighters name them; it is written after the opening fence.
FENCE_LANG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9+#._-]{0,31}$"

# What a pattern means, for schema errors: pydantic only says "should match pattern '...'".
PATTERN_HINTS = {
    ONE_LINE_PATTERN: ("must be one line", "remove the line breaks; longer text belongs in a description or note"),
    LINK_PATTERN: (
        "must be an http(s) URL or a relative path",
        "write https://host/path or a path such as docs/guide.md; other schemes (javascript:, data:...) "
        "and //host are refused",
    ),
    FENCE_LANG_PATTERN: ("is not a language name", "use a highlighter's name such as text, bash, python, ini"),
}

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN),
    Field(
        description="Lowercase letters, digits and '-', at most 80 characters; no '/', no '..'. "
        "Used in URLs and file names, so keep it stable once published.",
        examples=["nginx-502-bad-gateway"],
    ),
]

# A reference to another document: `runbook-id` or `runbook-id#problem-id`.
Ref = Annotated[
    str,
    StringConstraints(pattern=REF_PATTERN),
    Field(
        description="Id of another document, optionally followed by '#' and the id of one of its "
        "problems, causes or procedures, e.g. 'nginx-502-bad-gateway#backend-not-running'.",
    ),
]

Text = Annotated[str, StringConstraints(min_length=1)]
# A title or a name: one line, not empty, at most LINE_MAX characters.
Line = Annotated[str, StringConstraints(min_length=1, max_length=LINE_MAX, pattern=ONE_LINE_PATTERN)]
# A short optional value (a status, an owner, a time): one line.
OneLine = Annotated[str, StringConstraints(max_length=LINE_MAX, pattern=ONE_LINE_PATTERN)]
LinkTarget = Annotated[str, StringConstraints(min_length=1, pattern=LINK_PATTERN)]
FenceLang = Annotated[str, StringConstraints(pattern=FENCE_LANG_PATTERN)]


class Strict(BaseModel):
    """Base for every model: unknown keys are errors, so a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Severity(StrEnum):
    """P1: system unusable (login or core business down). P2: part of the system unusable
    (import, notifications...). P3: degraded experience, or a problem with a workaround."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class RootCauseCategory(StrEnum):
    """The one list of root-cause categories, so that indexes and analytics find recurrences."""

    configuration = "configuration"  # a wrong or missing setting (port, proxy address, JWT secret...)
    deployment = "deployment"  # the release process itself (wrong script, no checks, no rollback)
    capacity = "capacity"  # memory, disk, connections, CPU exhausted
    dependency = "dependency"  # a database, queue, DNS, CDN or other service we rely on
    code_defect = "code-defect"  # a bug in our code or templates
    process_management = "process-management"  # systemd, PM2, cron restarting or not restarting things
    permissions = "permissions"  # file ownership, modes, credentials
    network = "network"  # firewalls, security groups, listen addresses, routing
    client_side = "client-side"  # browser cache, local DNS, the user's network
    unknown = "unknown"  # not established yet


class Platform(StrEnum):
    debian = "debian"  # Debian and Ubuntu
    rhel = "rhel"  # CentOS, RHEL, Rocky, Alma
    windows = "windows"
    macos = "macos"


class Expectation(Strict):
    """What a successful check looks like. Generated scripts print ✅ or ❌ from it."""

    exit_code: int | None = Field(None, description="Expected exit status, usually 0.")
    contains: str | None = Field(None, description="Text the output must contain; ${NAME} is the parameter's value.")
    not_contains: str | None = Field(
        None, description="Text the output must not contain; ${NAME} is the parameter's value."
    )
    regex: str | None = Field(
        None,
        description="Regular expression the output must match, in the syntax common to Python and POSIX ERE "
        "(scripts test it with bash's =~); ${NAME} is the parameter's value, escaped.",
    )
    http_status: int | None = Field(None, ge=100, le=599, description="Expected HTTP status of a curl check.")

    @model_validator(mode="after")
    def _not_empty(self) -> Expectation:
        if all(v is None for v in self.model_dump().values()):
            raise ValueError(
                "an expectation needs at least one of exit_code, contains, not_contains, regex, http_status"
            )
        return self


class PlatformCommand(Strict):
    platform: Platform = Field(description="Which platform this variant is for.")
    run: Text = Field(description="The command(s) for this platform.")


class Step(Strict):
    """One step: a command to run, or a manual action when `run` is absent."""

    title: Line = Field(description="What this step does, in the knowledge base's language.")
    run: str | None = Field(
        None,
        description="Shell command(s). Use ${NAME} for runbook parameters. Several lines are run in order.",
    )
    lang: Literal["bash", "powershell", "cmd", "python", "ini", "json", "sql", "text", "jinja"] = Field(
        "bash", description="Language of `run`, for highlighting and for deciding what scripts may run."
    )
    variants: list[PlatformCommand] = Field(
        default_factory=list,
        description="Platform-specific versions of this step (shown as tabs; scripts pick the host's).",
    )
    destructive: bool = Field(
        False,
        description="True when the step changes or stops something (kill, rm, sed -i, restart...). "
        "Generated scripts ask before running it.",
    )
    timeout: int = Field(30, ge=1, le=3600, description="Seconds before the step is considered hung.")
    expect: Expectation | None = Field(None, description="What a passing result looks like.")
    output: str | None = Field(None, description="Example output, or what was seen when it ran.")
    note: str | None = Field(None, description="Anything a reader should know: why, caveats, what to look for.")


class Signature(Strict):
    """A string that identifies a problem in logs, error pages or status output."""

    text: Line = Field(description="The error text as it appears, e.g. 'Address already in use'.")
    match: Literal["exact", "regex"] = Field(
        "exact", description="'exact': a substring match; 'regex': a Python regular expression."
    )
    source: OneLine | None = Field(None, description="Where it shows up: browser console, journalctl, nginx log...")


class Table(Strict):
    """A reference table kept as rows of text (error codes, log levels, environment comparison)."""

    id: Slug
    title: Line
    columns: list[Line] = Field(min_length=1)
    rows: list[list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _row_widths(self) -> Table:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells but the table has {len(self.columns)} columns")
        return self


class Link(Strict):
    title: Line
    target: LinkTarget = Field(
        description="An http(s) URL, or a relative path such as a file or script name (no other scheme)."
    )
    note: str | None = None


class Fact(Strict):
    """A named value worth keeping: a server address, a repository, a figure."""

    name: Line
    value: Text


class Phase(Strict):
    """A named group of steps inside a procedure, e.g. before / during / after a deploy."""

    name: Line
    steps: list[Step] = Field(min_length=1)


class Procedure(Strict):
    """A routine: a rollback, a deploy checklist, weekly maintenance, a standard flow."""

    id: Slug
    title: Line
    description: str | None = None
    schedule: OneLine | None = Field(
        None, description="When it runs: 'weekly', 'monthly', a cron expression, 'on every deploy'."
    )
    steps: list[Step] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_content(self) -> Procedure:
        if not self.steps and not self.phases:
            raise ValueError("a procedure needs `steps` or `phases`")
        return self


class Unsorted(Strict):
    """Content `kb import` could not place. Move it into the field it belongs to, then delete the entry:
    `kb validate` warns while any is left."""

    heading: Text = Field(description="Where it was in the source: its headings, outermost first, joined by ' › '.")
    text: Text = Field(description="The original text, as written (Markdown).")
