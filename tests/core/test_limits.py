"""Hostile documents end in one located finding, quickly: never a hang, a traceback or a crash.

Each class of attack runs as users run it, `kb validate` (and `kb fmt`) in a process under a time
bound: deep nesting (which crashed the C loader at 100,000 levels and took 24 s of libyaml at
that depth even as events), huge lists (40,000 tags took a site build past four minutes) and huge texts.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core import load
from generator.core.load import MAX_DEPTH, depth_error, limits_finding, load_file, parse
from tests.conftest import MINIMAL_RUNBOOK, ROOT, kb

pytestmark = pytest.mark.slow  # kb processes on hostile files, each under a time bound

SECONDS = 10  # the attacks this guards against ran for minutes, or crashed at once


def _nested_block_mappings(n: int) -> str:
    return "x:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(n)) + " " * (n + 1) + "a: 1\n"


DEEP = {
    "1,000 [": MINIMAL_RUNBOOK + "tags: " + "[" * 1000 + "]" * 1000 + "\n",
    "100,000 [": MINIMAL_RUNBOOK + "tags: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "100,000 unclosed [": MINIMAL_RUNBOOK + "tags: " + "[" * 100_000 + "\n",
    "1,000 {": MINIMAL_RUNBOOK + "tags: " + "{a: " * 1000 + "}" * 1000 + "\n",
    "100,000 {": MINIMAL_RUNBOOK + "tags: " + "{a: " * 100_000 + "}" * 100_000 + "\n",
    "1,000 nested block mappings": MINIMAL_RUNBOOK + _nested_block_mappings(1000),
    "100,000 nested block mappings (? keys)": MINIMAL_RUNBOOK + "tags:\n" + "? " * 100_000 + "x\n",
    "100,000 nested block lists": MINIMAL_RUNBOOK + "tags:\n" + "- " * 100_000 + "x\n",
}
LAST_LINE = MINIMAL_RUNBOOK.count("\n") + 1  # where the appended attack starts


def _validate(tmp_path, text: str):
    (tmp_path / "runbooks").mkdir(exist_ok=True)
    path = tmp_path / "runbooks" / "web-502.yaml"
    path.write_text(text, encoding="utf-8")
    result = kb("validate", "--no-cache", "runbooks", cwd=tmp_path, timeout=SECONDS)
    return path, result, result.stdout + result.stderr


def _one_located(out: str, rule: str) -> re.Match:
    assert "Traceback" not in out, out
    found = re.findall(rf"^runbooks/web-502\.yaml:(\d+):(\d+): error\[{rule}\]: [^\n]+$", out, re.MULTILINE)
    assert len(found) == 1, out
    return found[0]


@pytest.mark.parametrize("name", DEEP)
def test_deep_nesting_is_one_located_error(tmp_path, name):
    _, result, out = _validate(tmp_path, DEEP[name])
    assert result.returncode == 1, out
    line, col = map(int, _one_located(out, "too-deep"))
    assert line >= LAST_LINE and col > 1
    assert f"more than {MAX_DEPTH} deep" in out


@pytest.mark.parametrize("name", ["1,000 [", "100,000 {", "1,000 nested block mappings"])
def test_fmt_refuses_deep_nesting_without_a_traceback(tmp_path, name):
    path = tmp_path / "web-502.yaml"
    path.write_text(DEEP[name], encoding="utf-8")
    result = kb("fmt", path, timeout=SECONDS)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert re.search(r"nested more than \d+ .*deep", out), out
    assert path.read_text(encoding="utf-8") == DEEP[name]  # untouched


def test_forty_thousand_tags_are_one_located_error(tmp_path):
    text = MINIMAL_RUNBOOK + "tags:\n" + "".join(f"  - t{i}\n" for i in range(40_000))
    _, result, out = _validate(tmp_path, text)
    assert result.returncode == 1, out
    line, col = map(int, _one_located(out, "too-many"))
    assert (line, col) == (LAST_LINE + 1, 3)
    assert "tags: 40,000 items, over the limit of 200" in out


def test_a_500_kb_text_is_one_located_error(tmp_path):
    _, result, out = _validate(tmp_path, MINIMAL_RUNBOOK + "summary: " + "a" * 500_000 + "\n")
    assert result.returncode == 1, out
    line, col = map(int, _one_located(out, "too-long"))
    assert (line, col) == (LAST_LINE, 10)


def test_fmt_refuses_forty_thousand_tags(tmp_path):
    path = tmp_path / "web-502.yaml"
    path.write_text(MINIMAL_RUNBOOK + "tags: [" + ", ".join(f"t{i}" for i in range(40_000)) + "]\n", encoding="utf-8")
    result = kb("fmt", path, timeout=SECONDS)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out, out
    assert "over the limit of 200" in out


def test_alerts_refuses_a_deeply_nested_rule_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("groups: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = kb("alerts", path, timeout=SECONDS)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out, out
    assert f"rules.yaml:1:{len('groups: ') + MAX_DEPTH}: lists and mappings nested more than {MAX_DEPTH} deep" in out


# --- in process: the limits themselves ------------------------------------------------------------


def _nest(depth: int) -> str:
    return MINIMAL_RUNBOOK + "tags: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"  # the document is 1


def test_the_depth_limit_is_exact():
    assert depth_error("x.yaml", _nest(MAX_DEPTH)) is None
    err = depth_error("x.yaml", _nest(MAX_DEPTH + 1))
    assert err is not None and err.rule == "too-deep"
    assert (err.line, err.col) == (LAST_LINE, len("tags: ") + MAX_DEPTH)


def test_the_example_knowledge_base_is_far_from_every_limit():
    for path in sorted([*ROOT.glob("runbooks/*.yaml"), *ROOT.glob("incidents/*.yaml")]):
        text = path.read_text(encoding="utf-8")
        data, err = parse(str(path), text)
        assert err is None, err
        assert limits_finding(str(path), data) is None


def test_list_limits_count_per_field(write):
    ok = MINIMAL_RUNBOOK + "tags: [" + ", ".join(f"t{i}" for i in range(200)) + "]\n"
    assert all(f.rule != "too-many" for f in load_file(write("web-502.yaml", ok)).findings)
    over = MINIMAL_RUNBOOK + "tags: [" + ", ".join(f"t{i}" for i in range(201)) + "]\n"
    [finding] = load_file(write("web-502.yaml", over)).findings
    assert finding.rule == "too-many" and (finding.line, finding.col) == (LAST_LINE, 7)


def test_a_recursion_error_past_the_checks_is_a_finding(monkeypatch):
    def boom(_text):
        raise RecursionError

    monkeypatch.setattr(load.fastyaml, "load", boom)
    monkeypatch.setattr(load, "_rt_yaml", lambda: type("Y", (), {"load": staticmethod(boom)})())
    data, err = parse("x.yaml", MINIMAL_RUNBOOK)
    assert data is None and err is not None
    assert (err.rule, err.line, err.col) == ("too-deep", 1, 1)


# The linear bound never under-estimates: whatever the YAML, nothing deeper than the limit gets past
# depth_error to a parser.
_VALUES = st.recursive(
    st.one_of(st.integers(), st.text(alphabet="ab[]{},:- '\"#${}", max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text("abc", max_size=3), inner, max_size=3)
    ),
    max_leaves=60,
)


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@settings(max_examples=150, deadline=None)
@given(_VALUES, st.sampled_from([None, True, False]))
def test_the_linear_bound_is_an_upper_bound(value, flow):
    import yaml

    text = yaml.safe_dump({"k": value}, default_flow_style=flow, allow_unicode=True)
    assert load._depth_bound(text) >= _depth({"k": value})
