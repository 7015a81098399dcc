"""Regexes from the knowledge base never hang a match and never fail silently.

`kb validate` compiles every regex signature, parameter pattern and expect.regex, and tries each on
probe texts: an invalid one and one that backtracks catastrophically are located errors. Every match
in Python is bounded in time: one that runs out counts as no match, with one line naming the pattern.
"""

from __future__ import annotations

import re
import time

import pytest

from generator.core import patterns
from generator.search.engine import Engine
from tests.conftest import MINIMAL_RUNBOOK, kb, make_kb

SECONDS = 10  # `(a+)+$` on a short line ran for minutes before
SIGNATURE_AT = "    symptoms:\n"


def _with_signature(text: str) -> str:
    sig = f"    signatures:\n      - text: '{text}'\n        match: regex\n"
    return MINIMAL_RUNBOOK.replace(SIGNATURE_AT, sig + SIGNATURE_AT)


def _with_pattern(pattern: str) -> str:
    return MINIMAL_RUNBOOK.replace('    default: "8080"\n', f"    default: \"8080\"\n    pattern: '{pattern}'\n")


def _with_expect(regex: str) -> str:
    return MINIMAL_RUNBOOK + f"        expect:\n          regex: '{regex}'\n"


CASES = {
    # name: (document, rule, line of the regex, what the message names)
    "catastrophic signature": (_with_signature("(a+)+$"), "slow-regex", 16, "signature /(a+)+$/ backtracks"),
    "catastrophic expect.regex": (_with_expect(r"(\w+\s?)+$"), "slow-regex", 21, r"expect.regex /(\w+\s?)+$/"),
    "catastrophic parameter pattern": (_with_pattern("([0-9]+)*$"), "slow-regex", 12, "parameter PORT pattern"),
    "invalid signature": (_with_signature("(unclosed"), "bad-regex", 16, "missing ), unterminated subpattern"),
    "invalid expect.regex": (_with_expect("[0-9"), "bad-regex", 21, "unterminated character set"),
    "signature too big to compile": (_with_signature("(?:a{65535}){65535}"), "bad-regex", 16, "repeats too much"),
}


def _kb(tmp_path, text: str):
    (tmp_path / "runbooks").mkdir(exist_ok=True)
    (tmp_path / "runbooks" / "web-502.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", CASES)
@pytest.mark.slow  # kb processes and runaway patterns, each under a time bound
def test_validate_reports_the_regex_located_and_quickly(tmp_path, name):
    text, rule, line, words = CASES[name]
    result = kb("validate", "--no-cache", "runbooks", cwd=_kb(tmp_path, text), timeout=SECONDS)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    found = re.findall(rf"^runbooks/web-502\.yaml:(\d+):(\d+): error\[{rule}\]: ([^\n]+)$", out, re.MULTILINE)
    assert len(found) == 1, out
    assert int(found[0][0]) == line
    assert words in found[0][2]


@pytest.mark.slow  # kb processes and runaway patterns, each under a time bound
def test_diagnose_refuses_a_knowledge_base_with_a_catastrophic_signature(tmp_path):
    root = _kb(tmp_path, _with_signature("(a+)+$"))
    result = kb("diagnose", "--root", root, "a" * 30 + "!", cwd=root, timeout=SECONDS)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert re.search(r"^\S*runbooks/web-502\.yaml:16:\d+: error\[slow-regex\]: signature /\(a\+\)\+\$/", out, re.M)


def test_sound_patterns_pass():
    for pattern in [
        r"Address already in use",
        r"port \d+ .*refused",
        r"^[0-9]{1,5}$",
        r"^/[A-Za-z0-9._~/%?=&-]*$",
        r"(\d+\.)+\d+",
        r"(?i)error: (.*) failed after (\d+) retries",
        r"\bERROR\b.*\b(timeout|refused)\b",
    ]:
        assert patterns.problem(pattern) is None, pattern
        assert patterns.backtracking(pattern) is None, pattern


def test_a_slow_match_stops_in_time_and_names_the_pattern():
    started = time.monotonic()
    with pytest.raises(patterns.Slow) as caught:
        patterns.search(r"(a|aa)+$", ["a" * 5000 + "!"], seconds=0.2)
    assert time.monotonic() - started < 2
    assert str(caught.value) == "pattern /(a|aa)+$/ took longer than 0.2 s and counts as no match"
    with pytest.raises(patterns.Slow):
        patterns.fullmatch(r"(a|aa)+", "a" * 5000 + "!", seconds=0.2)


def test_an_unusable_pattern_never_matches_and_never_raises():
    assert patterns.search("(unclosed", ["(unclosed"]) is None
    assert patterns.search("(?:a{65535}){65535}", ["aaaa"]) is None


@pytest.fixture
def slow_index(tmp_path, monkeypatch):
    """An index holding a runaway signature, as if it had got past `kb validate` (the probe off)."""
    make_kb(tmp_path, {"runbooks/web-502.yaml": _with_signature("(a+)+$")})
    monkeypatch.setattr(patterns, "backtracking", lambda _pattern: None)
    return Engine.open(tmp_path, tmp_path / ".kb-cache")


@pytest.mark.slow  # kb processes and runaway patterns, each under a time bound
def test_diagnose_bounds_a_runaway_signature_and_says_which(slow_index):
    warnings: list[str] = []
    started = time.monotonic()
    hits = slow_index.ask("a" * 5000 + "!", 5, warn=warnings.append).hits
    assert time.monotonic() - started < 3
    assert all(h.tier != "pattern" for h in hits)
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert warnings[0].startswith("pattern /(a+)+$/ took longer than")


@pytest.mark.slow  # kb processes and runaway patterns, each under a time bound
def test_diagnose_warns_on_standard_error_by_default(slow_index, capsys):
    slow_index.ask("a" * 5000 + "!", 5)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pattern /(a+)+$/" in err
