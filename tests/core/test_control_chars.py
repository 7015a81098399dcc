"""The control-char rule: control characters and bidi overrides are refused in every string, with where."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.core.load import load_file
from generator.core.model import Runbook
from generator.core.pipeline import check_loaded
from generator.core.rules.control_chars import FORBIDDEN, describe
from generator.core.rules.registry import BY_ID
from generator.core.rules.walk import strings
from tests.conftest import MINIMAL_RUNBOOK
from tests.outputs.test_hostile_html import Builder

C0 = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
FORBIDDEN_CHARS = [*C0, "\x7f", *C1, *BIDI]

TITLE = "    title: 后端未运行\n"  # the problem's title in MINIMAL_RUNBOOK
LINE = MINIMAL_RUNBOOK[: MINIMAL_RUNBOOK.index(TITLE)].count("\n") + 1
COL = TITLE.index("后") + 1


def _findings(text: str, tmp_path, name: str = "web-502.yaml"):
    path = tmp_path / "runbooks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = load_file(path)
    return result, [f for f in check_loaded(result).findings if f.rule == "control-char"]


def _escaped(char: str) -> str:
    """The character as a YAML double-quoted escape, the way one gets past an editor."""
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def test_the_rule_is_registered_as_an_error():
    assert BY_ID["control-char"].severity == "error"
    assert all(FORBIDDEN.fullmatch(c) for c in FORBIDDEN_CHARS)
    assert not any(FORBIDDEN.search(c) for c in "\t\n aZ中\u00a0\u200b\u2028\ufeff")


def test_every_forbidden_character_is_refused_with_its_position(tmp_path):
    for char in FORBIDDEN_CHARS:
        text = MINIMAL_RUNBOOK.replace(TITLE, f'    title: "后端{_escaped(char)}未运行"\n')
        result, found = _findings(text, tmp_path)
        assert result.data["problems"][0]["title"] == f"后端{char}未运行"  # YAML let it in
        assert len(found) == 1, (repr(char), found)
        f = found[0]
        assert (f.severity, f.line, f.col) == ("error", LINE, COL), (repr(char), f)
        assert f"U+{ord(char):04X}" in f.message and "character 3 of the value" in f.message, f.message
        assert describe(char) in f.message


def test_names_people_search_for():
    assert describe("\x1b") == "U+001B (ESC)"
    assert describe("\x7f") == "U+007F (DEL)"
    assert describe("\x9b") == "U+009B (CSI)"
    assert describe("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"
    assert describe("\u2066") == "U+2066 (LEFT-TO-RIGHT ISOLATE)"


def test_tab_and_newline_are_allowed(tmp_path):
    text = MINIMAL_RUNBOOK + 'summary: "a\\tb\\nc\\td"\nsource: |\n  one\n  two\tthree\n'
    result, found = _findings(text, tmp_path)
    assert result.doc is not None and result.doc.summary == "a\tb\nc\td"
    assert found == []


def test_a_raw_bidi_override_and_a_position_inside_a_long_value(tmp_path):
    text = MINIMAL_RUNBOOK + "summary: |\n  first line\n  sec\u202eond, \u2066 and \u2069\n"
    _, found = _findings(text, tmp_path)
    assert len(found) == 1
    f = found[0]
    assert (f.line, f.col) == (MINIMAL_RUNBOOK.count("\n") + 1, len("summary: ") + 1)  # the value: its `|`
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE) at line 2, column 4 of the value (and 2 more)" in f.message


def test_each_string_with_one_is_reported(tmp_path):
    text = MINIMAL_RUNBOOK.replace("owner: ops", 'owner: "o\\x1bps"').replace("- 页面返回 502", '- "页面\\x00返回"')
    _, found = _findings(text, tmp_path)
    assert sorted((f.line, "U+001B" in f.message, "U+0000" in f.message) for f in found) == [
        (6, True, False),
        (LINE + 2, False, True),
    ]


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.data(), st.sampled_from(FORBIDDEN_CHARS))
def test_any_string_field_with_a_control_character_is_refused_there(tmp_path_factory, data, char):
    """Every string of a document with every field filled (tests/outputs/test_hostile_html.py): one gets
    the character, and the finding names it, located at that string."""
    doc = Builder(data.draw).build(Runbook, {"schema_version": 1, "kind": "runbook", "id": "rb-main"})
    leaves = [loc for loc, _ in strings(doc)]
    loc = data.draw(st.sampled_from(leaves))
    node = doc
    for part in loc[:-1]:
        node = node[part]
    value = node[loc[-1]]
    at = data.draw(st.integers(0, len(value)))
    node[loc[-1]] = value[:at] + char + value[at:]
    text = yaml.safe_dump(doc, allow_unicode=True, width=10**6)
    # YAML reads a raw NEL (U+0085) in some places as a line break, not as a character of the value: the
    # value then holds no control character, and there is nothing to refuse.
    loaded = yaml.safe_load(text)
    for part in loc:
        loaded = loaded[part]
    assume(char in loaded)
    folder = tmp_path_factory.mktemp("kb")
    result, found = _findings(text, folder, "rb-main.yaml")
    assert [f.loc for f in found] == [loc], (loc, found)
    assert describe(char) in found[0].message
    assert (found[0].line, found[0].col) == result.source.position(loc)
