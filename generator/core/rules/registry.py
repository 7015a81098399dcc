"""The one registry of rules: each finding's id, its severity, what it means and how to fix it.

`kb validate` prints the id, the Contributing page and the README's table show meaning and fix, and a
test checks that every finding the code can emit carries an id from here with the severity given here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.core.rules import destructive, parameters, secrets, unsorted


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str  # what the finding means
    fix: str  # how to make it go away; the Contributing page and the README show both


# Every id a finding can carry, for the documentation and for `--format json` consumers.
RULES = [
    Rule("yaml-syntax", "error", "The file is not valid YAML.", "Check the indentation and quoting at the line shown."),
    Rule("tab-indent", "error", "A tab is used for indentation; YAML allows spaces only.", "Indent with 2 spaces."),
    Rule(
        "duplicate-key",
        "error",
        "A key appears twice in one mapping; the second would silently win.",
        "Keep one of the two; the message names the line of the first.",
    ),
    Rule(
        "yaml-alias",
        "error",
        "Anchors (&) and aliases (*) are rejected: expanding them can exhaust memory.",
        "Write the value out in full.",
    ),
    Rule("encoding", "error", "The file is not UTF-8.", "Save the file as UTF-8."),
    Rule(
        "empty-file",
        "error",
        "The file has no document.",
        "Start from `kb new incident` or `kb new runbook`, or delete the file.",
    ),
    Rule(
        "too-large",
        "error",
        "The file is over the size limit (512 KiB).",
        "Split it into several runbooks, or move long logs to a linked file.",
    ),
    Rule("io", "error", "The file cannot be read.", "Check that it exists and that you may read it."),
    Rule(
        "not-a-file",
        "error",
        "A symbolic link, FIFO or device among the documents; it is never read.",
        "Replace it with a regular file (copy the document in), or remove it.",
    ),
    Rule(
        "unknown-kind",
        "error",
        "`kind` is missing or not one of incident, runbook.",
        "Start the document with `schema_version: 1` and `kind: incident` or `kind: runbook`.",
    ),
    Rule(
        "unknown-key",
        "error",
        "A key the schema does not have (often a typo: the hint suggests one).",
        "Rename it as the hint suggests, or move its content into a field of the schema reference.",
    ),
    Rule(
        "schema",
        "error",
        "A value has the wrong type or format, or a required key is missing.",
        "Read the field's description in the schema reference; the hint shows the expected form.",
    ),
    Rule("filename", "error", "The file name is not `<id>.yaml`.", "Rename the file, or change its `id`."),
    Rule("duplicate-id", "error", "Two documents share an id.", "Give one of them a new id (and file name)."),
    Rule(
        "broken-ref",
        "error",
        "A reference names a document, problem, cause or procedure that does not exist.",
        "Fix the id (the hint suggests a close one), or add the missing document.",
    ),
    Rule(
        secrets.RULE,
        "error",
        "An API key, token, password or private key in a command or text.",
        "Remove it, rotate it (git history keeps it), and use an environment variable such as ${API_KEY}.",
    ),
    Rule(
        parameters.RULE,
        "error",
        "A command uses ${NAME} but the runbook declares no such parameter.",
        "Add `- name: NAME` with a description and a default under `parameters`.",
    ),
    Rule(
        destructive.RULE,
        "warning",
        "A command that kills, deletes, edits in place or restarts, in a step without `destructive: true`.",
        "Add `destructive: true` to the step, so generated scripts ask before running it.",
    ),
    Rule(
        "review-overdue",
        "warning",
        "A runbook is past its review date (an error with --strict).",
        "Check the runbook still works, then set `last_reviewed` to today.",
    ),
    Rule(
        unsorted.RULE,
        "warning",
        "`kb import` left content in `unsorted` for a person to place.",
        "Move each entry into the field it belongs to, then delete it.",
    ),
]


BY_ID = {rule.id: rule for rule in RULES}
