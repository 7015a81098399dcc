"""`kb fmt`: canonical, idempotent, and never changes the data or loses a comment."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.authoring.fmt import FormatError, _comments, format_file, format_text, yaml
from generator.core import fastyaml
from generator.core.model import Incident
from tests.conftest import MINIMAL_RUNBOOK, ROOT, kb


def test_example_knowledge_base_is_formatted(tmp_path):
    r = kb("fmt", "--check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 file(s) would be reformatted" in r.stderr


def test_keys_follow_the_model_and_comments_move_with_them(write):
    text = (
        "# yaml-language-server: $schema=../schema/runbook.schema.json\n"
        + MINIMAL_RUNBOOK.replace("owner: ops\n", "")
        .replace("title: 网站 502\n", "title: 网站 502  # 中文标题\nowner: ops\n")
        .replace("kind: runbook\n", "")
        + "kind: runbook\n"
    )
    out = format_text(text)
    keys = [ln.split(":")[0] for ln in out.splitlines() if ln and ln[0].isalpha()]
    assert keys[:5] == ["schema_version", "kind", "id", "title", "services"]
    assert "title: 网站 502  # 中文标题\n" in out
    assert out.startswith("# yaml-language-server")
    assert fastyaml.load(out) == fastyaml.load(text)
    assert format_text(out) == out


def test_multi_line_text_becomes_a_block_scalar():
    out = format_text(MINIMAL_RUNBOOK + 'summary: "第一行\\n第二行\\n"\n')
    assert "summary: |\n  第一行\n  第二行\n" in out


def test_check_names_files_and_changes_nothing(write):
    path = write("runbooks/web-502.yaml", MINIMAL_RUNBOOK.replace("id: web-502\n", "") + "id: web-502\n")
    before = path.read_bytes()
    r = kb("fmt", "--check", str(path))
    assert r.returncode == 1 and f"would reformat {path}" in r.stdout
    assert path.read_bytes() == before
    r = kb("fmt", str(path))
    assert r.returncode == 0 and f"reformatted {path}" in r.stdout
    assert kb("fmt", "--check", str(path)).returncode == 0


def test_broken_yaml_is_refused_and_left_untouched(write):
    path = write("bad.yaml", "kind: runbook\n  id: [oops\n")
    before = path.read_bytes()
    result = format_file(path)
    assert result.error and "invalid YAML" in result.error
    assert path.read_bytes() == before
    r = kb("fmt", str(path))
    assert r.returncode == 1 and "error: invalid YAML" in r.stderr and "Traceback" not in r.stderr


def test_usage_error_exits_2():
    assert kb("fmt", "no/such/file.yaml").returncode == 2


# Text that stresses the emitter: CJK, YAML indicators, quotes, '#', leading and trailing blanks, newlines.
TEXT = st.text(alphabet=st.sampled_from(list("ab 中文排查:#-'\"\n\t{}[]|>*!%@`,?✅")), max_size=20)
COMMENT = st.text(alphabet=st.sampled_from(list("ab 中文#:-✅")), min_size=1, max_size=15)
FIELDS = list(Incident.model_fields)


@st.composite
def documents(draw) -> str:
    """A document with the incident's keys in any order, text values, nested lists and comments."""
    keys = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=8, unique=True))
    doc = CommentedMap()
    doc["kind"] = "incident"
    for key in keys:
        if draw(st.booleans()):
            doc[key] = draw(TEXT)
        else:
            seq = CommentedSeq()
            for _ in range(draw(st.integers(0, 3))):
                item = CommentedMap()
                for sub in draw(st.lists(st.sampled_from(["title", "run", "lang", "note", "at"]), unique=True)):
                    item[sub] = draw(TEXT)
                seq.append(item)
            doc[key] = seq
        if draw(st.booleans()):
            doc.yaml_add_eol_comment("# " + draw(COMMENT), key)
    buf = io.StringIO()
    yaml().dump(doc, buf)
    try:  # ruamel.yaml itself writes the odd unreadable document; such input is not fmt's to judge
        fastyaml.load(buf.getvalue())
    except Exception:  # noqa: BLE001
        assume(False)
    return buf.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_fmt_keeps_data_and_comments_and_is_idempotent(text):
    try:
        once = format_text(text)
    except FormatError:
        pytest.fail("refused a document it should format")
    assert fastyaml.load(once) == fastyaml.load(text)
    assert _comments(once) == _comments(text)
    assert format_text(once) == once


def test_every_committed_document_loads_the_same_after_fmt():
    for path in sorted([*(ROOT / "incidents").glob("*.yaml"), *(ROOT / "runbooks").glob("*.yaml")]):
        text = path.read_text(encoding="utf-8")
        assert format_text(text) == text, path
