"""`kb new`: a skeleton that validates as written, explains every field, and never overwrites."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.core.model import MODELS
from generator.core.model.describe import fields
from tests.conftest import kb


@pytest.mark.parametrize("kind", ["incident", "runbook"])
def test_new_then_validate_passes(tmp_path, kind):
    r = kb("new", kind, "--id", "api-timeouts" if kind == "runbook" else "2026-03-01-api-timeouts",
           "--title", "API 超时", "--service", "api", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    [path] = (tmp_path / f"{kind}s").glob("*.yaml")
    v = kb("validate", "--no-cache", cwd=tmp_path)
    assert v.returncode == 0, v.stdout + v.stderr
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
    assert dt.date.today().isoformat() in text
    assert "title: API 超时\n" in text and "  - api\n" in text
    assert kb("fmt", "--check", str(path), cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("kind", ["incident", "runbook"])
def test_every_field_is_explained_in_model_order(tmp_path, kind):
    assert kb("new", kind, cwd=tmp_path).returncode == 0
    [path] = (tmp_path / f"{kind}s").glob("*.yaml")
    text = path.read_text(encoding="utf-8")
    positions = []
    for f in fields(MODELS[kind]):
        marker = f"\n# {f.name}: "
        assert marker in text, f"{f.name} is not explained"
        positions.append(text.index(marker))
        if f.hint:
            assert f.hint in text
    assert positions == sorted(positions)


def test_new_refuses_to_overwrite(tmp_path):
    assert kb("new", "runbook", "--id", "web", cwd=tmp_path).returncode == 0
    path = tmp_path / "runbooks" / "web.yaml"
    path.write_text("mine\n", encoding="utf-8")
    r = kb("new", "runbook", "--id", "web", cwd=tmp_path)
    assert r.returncode == 1 and "already exists" in r.stderr
    assert path.read_text(encoding="utf-8") == "mine\n"


def test_bad_id_is_a_usage_error(tmp_path):
    r = kb("new", "incident", "--id", "../etc/passwd", cwd=tmp_path)
    assert r.returncode == 2 and "invalid id" in r.stderr
    assert not (tmp_path / "incidents").exists()
    r = kb("new", "runbook", "--id", "web", "-o", str(tmp_path / "other.yaml"), cwd=tmp_path)
    assert r.returncode == 2 and "must be the id" in r.stderr
