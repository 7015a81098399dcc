"""The one registry of rules: each finding's id, its severity, what it means and how to fix it.

`kb validate` prints the id, the Contributing page and the README's table show meaning and fix, and a
test checks that every finding the code can emit carries an id from here with the severity given here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.core import load, patterns
from generator.core.rules import (
    arithmetic,
    control_chars,
    destructive,
    parameters,
    regexes,
    reserved_names,
    secrets,
    unsorted,
)


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
    Rule(
        load.TOO_DEEP,
        "error",
        f"Lists and mappings nested more than {load.MAX_DEPTH} deep; refused before the YAML parser sees them.",
        "Flatten the structure: no document of the schema nests more than about 12 levels.",
    ),
    Rule(
        load.TOO_MANY,
        "error",
        f"A list or mapping over its size limit (tags {load.MAX_ITEMS['tags']}, "
        f"services {load.MAX_ITEMS['services']}, signatures {load.MAX_ITEMS['signatures']}, "
        f"steps {load.MAX_ITEMS['steps']}, any other list {load.DEFAULT_MAX_ITEMS}, "
        f"a mapping {load.MAX_KEYS} keys).",
        "Keep the few items that help people find and fix the problem, or split the runbook.",
    ),
    Rule(
        load.TOO_LONG,
        "error",
        f"A text over {load.MAX_STRING // 1024} KiB.",
        "Shorten it, or move long logs and scripts to a linked file.",
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
    Rule(
        regexes.BAD,
        "error",
        "A regex signature, parameter `pattern` or `expect.regex` does not compile, is over "
        f"{patterns.MAX_LENGTH} characters, or repeats too much; it would never match.",
        "Fix the syntax at the character shown (Python's `re` syntax), or use `match: exact` for a signature.",
    ),
    Rule(
        regexes.SLOW,
        "error",
        "A regular expression backtracks catastrophically (like `(a+)+$`): tried on a probe text, it ran past "
        f"{patterns.PROBE_SECONDS:g} s. Matches are cut off after {patterns.MATCH_SECONDS:g} s and count as "
        "no match.",
        "Remove the nested repeat (`(a+)+` is `a+`, `(\\w+\\s?)+` is `[\\w\\s]+`), or anchor it on literal text.",
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
        control_chars.RULE,
        "error",
        "A control character (C0 but tab and newline, DEL, C1) or a bidi override in a text: invisible, it can "
        "hide or reorder what readers and reviewers see.",
        "Delete it: look for escapes such as \\x07 or \\u202e at the place shown; tab and newline are fine.",
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
        reserved_names.RULE,
        "error",
        "A parameter is named like a variable bash or the programs the steps run give a meaning to (BASH_ENV, "
        "PATH, LD_PRELOAD...), like an option of the scripts (DRY_RUN, PROBLEM, YES, PLATFORM...), or KB_*; "
        "scripts export parameters to every step, so its value would change what runs.",
        "Rename the parameter after what it is for (APP_HOME, SERVICE_PORT...) and use the new name in the commands.",
    ),
    Rule(
        arithmetic.RULE,
        "error",
        "A parameter that is not `type: integer` or `type: port` is used in arithmetic or a numeric test "
        "(`$(( ))`, `(( ))`, `let`, `[[ a -lt b ]]`, a subscript); there a value such as `x[$(cmd)]` runs cmd.",
        "Give the parameter `type: integer` or `type: port` (scripts then accept plain numbers only), "
        "or compare it as text.",
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
