"""`kb snippets` and `kb check` as users run them."""

from __future__ import annotations

import os

from tests.conftest import MINIMAL_RUNBOOK, kb

CHECKED = MINIMAL_RUNBOOK.replace(
    "        run: ss -tlnp | grep ${PORT}\n",
    '        run: echo "listening on ${PORT}"\n        expect:\n          contains: "on 8080"\n',
)


def test_snippets_writes_executable_scripts_with_the_commit(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "web-502.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    r = kb("snippets", str(tmp_path / "out"), "--root", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "wrote 2 scripts for 1 runbooks" in r.stdout
    script = tmp_path / "out" / "web-502" / "diagnose.sh"
    assert os.access(script, os.X_OK)
    assert "at commit unknown" in script.read_text(encoding="utf-8")  # not a git repository


def test_check_exits_non_zero_when_a_check_fails(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "web-502.yaml").write_text(CHECKED, encoding="utf-8")
    root = ("--root", str(tmp_path))
    ok = kb("check", "web-502", "--problem", "backend-down", *root)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "✅ 检查端口" in ok.stdout
    failed = kb("check", "web-502", "--problem", "backend-down", "--param", "PORT=9090", *root)
    assert failed.returncode == 1
    assert '❌ 检查端口\n   expected: output contains "on 8080"\n   seen:     exit code 0' in failed.stdout
    # No health check: a problem must be named. Unknown runbooks and parameters are usage errors.
    assert kb("check", "web-502", *root).returncode == 2
    unknown = kb("check", "nope", *root)
    assert unknown.returncode == 2 and "no runbook 'nope'" in unknown.stderr
    bad = kb("check", "web-502", "--param", "PROT=1", *root)
    assert bad.returncode == 2 and "NAME=VALUE with NAME one of: PORT" in bad.stderr


def test_a_broken_knowledge_base_writes_nothing(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "web-502.yaml").write_text(MINIMAL_RUNBOOK.replace("owner:", "ownr:"), encoding="utf-8")
    r = kb("snippets", str(tmp_path / "out"), "--root", str(tmp_path))
    assert r.returncode == 1 and "unknown key 'ownr'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
