"""Shell text helpers: literals bash reads back as written, parameter expansions quoted where bash needs it."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.values import UNSEEN
from generator.outputs.shell import (
    comment,
    has_placeholder,
    heredoc_delimiter,
    literal,
    printf_lines,
    quote_parameters,
    unseen_table,
    visible,
)
from tests.conftest import ROOT

NAMES = ["PORT", "DIR"]


@pytest.mark.parametrize(
    "command, expected",
    [
        ("lsof -i :${PORT}", 'lsof -i :"${PORT}"'),
        ("curl http://localhost:${PORT}${DIR}", 'curl http://localhost:"${PORT}""${DIR}"'),
        ('grep "host" ${DIR}/x', 'grep "host" "${DIR}"/x'),
        ("python3 -c \"open('${DIR}')\"", "python3 -c \"open('${DIR}')\""),  # already inside double quotes
        ("echo '${PORT}'", "echo '${PORT}'"),  # single quotes: no expansion, left alone
        ('echo "$(ls ${DIR})"', 'echo "$(ls "${DIR}")"'),  # $(...) inside quotes is unquoted again
        ("echo `ls ${DIR}`", 'echo `ls "${DIR}"`'),
        ("echo $((${PORT} + 1))", "echo $((${PORT} + 1))"),  # arithmetic stays arithmetic
        ('nano ${DIR}\n# 修改 "port": ${PORT}\nls ${DIR}', 'nano "${DIR}"\n# 修改 "port": ${PORT}\nls "${DIR}"'),
        ("echo a#${PORT}", 'echo a#"${PORT}"'),  # not a comment: # inside a word
        ("echo \\${PORT} ${OTHER}", "echo \\${PORT} ${OTHER}"),  # escaped; undeclared names untouched
    ],
)
def test_quote_parameters(command, expected):
    assert quote_parameters(command, NAMES) == expected


@pytest.mark.parametrize("text", ["plain", "it's", "a ${X} `b` \\ “q”\nline\ttab", "$(id)", ""])
def test_literal_reads_back_as_written(text):
    r = subprocess.run(["bash", "-c", f"printf %s {literal(text)}"], capture_output=True, text=True, check=True)
    assert r.stdout == text


def test_placeholders_and_delimiters():
    assert has_placeholder("kill -9 <PID>") and has_placeholder("telnet <服务器IP> 3000")
    assert not has_placeholder("cmd 2>&1 </dev/null") and not has_placeholder("cat <<EOF")
    assert heredoc_delimiter(["echo hi"]) == "KB_END"
    assert heredoc_delimiter(["a\nKB_END\n", "KB_END_1"]) == "KB_END_2"


# Text as hostile as a runbook can hold: quotes, expansions, here-document terminators, escapes, C1
# controls, bidi overrides, zero-width characters, CJK.
HOSTILE_CHARS = st.sampled_from(
    ["'", '"', "\\", "$", "`", "(", ")", "[", "]", "{", "}", ";", "&", "|", "<", ">", "#", "!", "*", "~", " ", "\t"]
    + ["\n", "\r", "\x1b", "\x07", "\x08", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u200b", "\ufeff"]
    + ["a", "Z", "0", "-", "=", "中", "文", "✅", "é"]
)
HOSTILE_TEXT = st.one_of(
    st.lists(HOSTILE_CHARS, max_size=40).map("".join),
    st.sampled_from(["KB_END", "EOF", "$(touch m)", "`touch m`", "x[$(touch m)]", "\x1b[2K\r", "'\"'\"'"]),
)


@settings(max_examples=60, deadline=None)
@given(HOSTILE_TEXT)
def test_literal_reads_back_exactly_in_any_locale(text):
    for locale in ("C", "C.UTF-8"):
        r = subprocess.run(
            ["bash", "-c", f"printf %s {literal(text)}"], capture_output=True, env={"LC_ALL": locale}, check=True
        )
        assert r.stdout == text.encode("utf-8"), locale
    assert not any(ch in literal(text) for ch in UNSEEN)  # the script file holds no invisible character


@settings(max_examples=40, deadline=None)
@given(st.lists(HOSTILE_TEXT, min_size=1, max_size=4).map("\n".join))
def test_printf_lines_prints_the_text_shown_and_nothing_can_end_it(text):
    code = "kb_usage() {\n" + printf_lines(text) + "}\nkb_usage\n"
    r = subprocess.run(["bash", "-c", code], capture_output=True, env={"LC_ALL": "C.UTF-8"})
    assert r.returncode == 0 and r.stderr == b""
    assert r.stdout.decode("utf-8") == visible(text.removesuffix("\n")) + "\n"


@settings(max_examples=40, deadline=None)
@given(st.lists(HOSTILE_TEXT, max_size=4).map("".join))
def test_the_scripts_show_text_as_kb_does(text):
    """kb_visible (bash, from unseen_table) and visible (Python) write every unseen character alike."""
    code = unseen_table() + "\n" + _KB_VISIBLE + f"kb_visible {literal(text)}\n"
    for locale in ("C", "C.UTF-8"):
        r = subprocess.run(["bash", "-c", code], capture_output=True, env={"LC_ALL": locale}, check=True)
        assert r.stdout.decode("utf-8") == visible(text), locale


_KB_VISIBLE = """
kb_visible() {
  local s=$1 i
  for i in "${!kb_unseen[@]}"; do
    s=${s//"${kb_unseen[i]}"/"${kb_shown[i]}"}
  done
  printf '%s' "$s"
}
"""


def test_the_library_has_the_kb_visible_this_test_checks():
    lib = (ROOT / "generator/outputs/templates/snippets/_lib.sh.j2").read_text(encoding="utf-8")
    assert _KB_VISIBLE.strip() in lib


def test_visible():
    assert visible("rm -rf /tmp/x\x1b[2K\recho ok") == "rm -rf /tmp/x\\x1b[2K\\x0decho ok"
    assert visible("a\u202eb\x9bc\u200bd") == "a\\u202eb\\u009bc\\u200bd"
    assert visible("tab\tnewline\n中文 ✅") == "tab\tnewline\n中文 ✅"
    assert comment("two\nlines \x1b[8m") == "two lines \\x1b[8m"


def test_kb_shows_findings_as_the_scripts_do():
    from generator.core.findings import Finding, format_text

    line = format_text(Finding("a.yaml", "destructive-unmarked", "`rm -rf x\x1b[2K` is unmarked", hint="mark \x07"))
    assert "\\x1b[2K" in line and "\\x07" in line and not [ch for ch in line if ch in UNSEEN]
