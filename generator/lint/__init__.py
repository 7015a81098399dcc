"""Rules beyond the schema. Each has a stable id, a severity and a message that says how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..findings import Finding
from . import destructive, parameters, secrets


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str


# Every id a finding can carry, for the documentation and for `--format json` consumers.
RULES = [
    Rule("yaml-syntax", "error", "The file is not valid YAML."),
    Rule("tab-indent", "error", "A tab is used for indentation; YAML allows spaces only."),
    Rule("duplicate-key", "error", "A key appears twice in one mapping; the second would silently win."),
    Rule("yaml-alias", "error", "Anchors (&) and aliases (*) are rejected: expanding them can exhaust memory."),
    Rule("encoding", "error", "The file is not UTF-8."),
    Rule("empty-file", "error", "The file has no document."),
    Rule("too-large", "error", "The file is over the size limit."),
    Rule("io", "error", "The file cannot be read."),
    Rule("unknown-kind", "error", "`kind` is missing or not one of incident, runbook."),
    Rule("unknown-key", "error", "A key the schema does not have (often a typo: the hint suggests one)."),
    Rule("schema", "error", "A value has the wrong type or format, or a required key is missing."),
    Rule("filename", "error", "The file name is not `<id>.yaml`."),
    Rule("duplicate-id", "error", "Two documents share an id."),
    Rule(
        "broken-ref",
        "error",
        "A reference names a document, problem, cause or procedure that does not exist.",
    ),
    Rule(secrets.RULE, "error", "An API key, token, password or private key in a command or text."),
    Rule(parameters.RULE, "error", "A command uses ${NAME} but the runbook declares no such parameter."),
    Rule(
        destructive.RULE,
        "warning",
        "A command that kills, deletes, edits in place or restarts, in a step without `destructive: true`.",
    ),
    Rule("review-overdue", "warning", "A runbook is past its review date (an error with --strict)."),
]


def lint_data(path: str, data: Any) -> list[Finding]:
    """Per-file rules, on the loaded data of a document that passed the schema."""
    return secrets.check(path, data) + destructive.check(path, data) + parameters.check(path, data)
