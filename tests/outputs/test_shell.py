"""Shell text helpers: literals bash reads back as written, parameter expansions quoted where bash needs it."""

from __future__ import annotations

import subprocess

import pytest

from generator.outputs.shell import has_placeholder, heredoc_delimiter, literal, quote_parameters

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
