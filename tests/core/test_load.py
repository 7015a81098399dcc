"""Each kind of bad input gets one located, readable finding, never a traceback."""

from __future__ import annotations

import pytest

from generator.core.load import LoadError, load_document, load_file
from generator.core.model import Runbook
from tests.conftest import MINIMAL_RUNBOOK


def _one(path):
    result = load_file(path)
    assert result.doc is None
    assert len(result.findings) == 1, result.findings
    return result.findings[0]


def test_minimal_runbook_loads(write):
    doc = load_document(write("web-502.yaml", MINIMAL_RUNBOOK))
    assert isinstance(doc, Runbook)
    assert doc.problems[0].diagnosis[0].run == "ss -tlnp | grep ${PORT}"


CASES = [
    # (name, content, rule, line, col, words in the message, words in the hint)
    (
        "duplicate key",
        MINIMAL_RUNBOOK + "owner: again\n",
        "duplicate-key",
        20,
        1,
        "duplicate key 'owner'",
        "already set at line 6",
    ),
    (
        "tab indentation",
        MINIMAL_RUNBOOK.replace("  - id: backend-down", "\t- id: backend-down"),
        "tab-indent",
        13,
        1,
        "tab character",
        "spaces",
    ),
    (
        "anchor and alias",
        MINIMAL_RUNBOOK.replace("services: [web]", "services: &s [web]\ntags: *s"),
        "yaml-alias",
        5,
        11,
        "anchor '&s'",
        "rejected",
    ),
    ("alias only", "a: [1]\nb: [*a]\n", "yaml-alias", 2, 5, "alias '*a'", "rejected"),
    (
        "non-UTF-8 bytes",
        MINIMAL_RUNBOOK.replace("网站 502", "X").encode().replace(b"X", b"\xcd\xf8\xd5\xbe"),
        "encoding",
        4,
        8,
        "not valid UTF-8",
        "UTF-8",
    ),
    (
        "invalid date",
        MINIMAL_RUNBOOK.replace("2026-11-01", "2026-02-30"),
        "schema",
        7,
        16,
        "invalid date '2026-02-30'",
        "YYYY-MM-DD",
    ),
    ("empty file", "", "empty-file", 1, 1, "empty", "kb new"),
    (
        "only comments",
        "# yaml-language-server: $schema=../schema/runbook.schema.json\n\n",
        "empty-file",
        1,
        1,
        "empty",
        "kb new",
    ),
    (
        "list where a mapping belongs",
        MINIMAL_RUNBOOK.replace(
            "    symptoms:", "    symptoms:\n      - x\n    causes:\n      - - nested\n    ignored:"
        ).replace("    ignored:\n      - 页面返回 502\n", ""),
        "schema",
        18,
        9,
        "expected a mapping",
        "key: value",
    ),
    (
        "unknown kind",
        MINIMAL_RUNBOOK.replace("kind: runbook", "kind: runbok"),
        "unknown-kind",
        2,
        7,
        "unknown kind 'runbok'",
        "did you mean 'runbook'?",
    ),
    (
        "misspelled key",
        MINIMAL_RUNBOOK.replace("    symptoms:", "    symptons:"),
        "unknown-key",
        15,
        5,
        "unknown key 'symptons'",
        "did you mean 'symptoms'?",
    ),
    (
        "wrong type",
        MINIMAL_RUNBOOK.replace("services: [web]", "services: web"),
        "schema",
        5,
        11,
        "services: expected a list, found 'web'",
        "'- '",
    ),
    (
        "file over the size limit",
        MINIMAL_RUNBOOK + "summary: " + "x" * 600_000 + "\n",
        "too-large",
        1,
        1,
        "over the limit",
        "split",
    ),
]


@pytest.mark.parametrize(
    ("content", "rule", "line", "col", "message", "hint"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_located(write, content, rule, line, col, message, hint):
    f = _one(write("web-502.yaml", content))
    assert (f.rule, f.line, f.col) == (rule, line, col), f
    assert message in f.message
    assert hint in f.hint


def test_misspelled_key_is_the_only_problem_even_when_required(write):
    result = load_file(write("web-502.yaml", MINIMAL_RUNBOOK.replace("owner:", "ownr:")))
    rules = sorted((f.rule, f.line) for f in result.findings)
    assert rules == [("schema", 1), ("unknown-key", 6)]
    assert any("did you mean 'owner'?" in f.hint for f in result.findings)


def test_billion_laughs_is_rejected_quickly(write):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    f = _one(write("bomb.yaml", "\n".join(lines) + "\n"))
    assert f.rule == "yaml-alias"
    assert (f.line, f.col) == (1, 5)


def test_shell_operators_are_not_mistaken_for_anchors(write):
    text = MINIMAL_RUNBOOK.replace("ss -tlnp | grep ${PORT}", "cd /tmp && ls *.py 2>&1 &")
    assert load_file(write("web-502.yaml", text)).ok


def test_load_document_raises_with_findings(write):
    with pytest.raises(LoadError) as exc:
        load_document(write("web-502.yaml", "kind: incident\n"))
    assert exc.value.findings
    assert all(f.line >= 1 for f in exc.value.findings)


def test_nested_error_points_at_the_value(write):
    text = MINIMAL_RUNBOOK + "severity: P5\n"
    f = _one(write("web-502.yaml", text))
    assert (f.line, f.col) == (20, 11)
    assert "'P1', 'P2' or 'P3'" in f.message and "'P5'" in f.message


def test_many_files_load_the_same_with_a_second_parser(tmp_path):
    from generator.core.load import load_files
    from generator.core.parallel import FORK_PARSE_FROM as PARALLEL_MIN
    from generator.core.parallel import can_fork

    paths, bad = [], 0
    for n in range(PARALLEL_MIN + 10):
        text = MINIMAL_RUNBOOK.replace("id: web-502", f"id: web-{n}")
        if n % 50 == 7:  # bad input in both halves: a schema error, broken YAML, bytes that are not UTF-8
            text = [text.replace("owner:", "ownr:"), text + "problems: [\n"][n % 2]
        path = tmp_path / f"web-{n:03d}.yaml"
        path.write_bytes(b"\xff\xfe bad" if n in (3, PARALLEL_MIN + 5) else text.encode("utf-8"))
        paths.append(path)
        bad += n % 50 == 7 or n in (3, PARALLEL_MIN + 5)
    if not can_fork():
        pytest.skip("another thread is running, so load_files parses alone")
    one_by_one = [load_file(p) for p in paths]
    together = load_files(paths)
    assert [r.doc for r in together] == [r.doc for r in one_by_one]
    assert [r.findings for r in together] == [r.findings for r in one_by_one]
    assert sum(r.doc is None for r in together) == bad
