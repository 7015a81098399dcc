"""`kb search` and `kb diagnose` as users run them: real processes, output and exit codes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import kb


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One index of the example knowledge base for the tests here: building it loads jieba once."""
    return tmp_path_factory.mktemp("kb-cache")


def test_diagnose_prints_problem_reason_commands_and_page(cache):
    r = kb("diagnose", "Active: failed (Result: exit-code)", "--cache-dir", str(cache))
    assert r.returncode == 0, r.stderr
    first = r.stdout.split("\n\n")[0]
    assert first.startswith("1. 问题 2: 服务启动后立即退出  [error signature]")
    assert 'why: error signature "Active: failed (Result: exit-code)"' in first
    assert "$ journalctl -u ${SERVICE} -n 50 --no-pager" in first
    assert "page: runbooks/chatserver-troubleshooting.html#exits-after-start" in first  # use_directory_urls: false
    assert "source: runbooks/chatserver-troubleshooting.yaml" in first


def test_diagnose_reads_a_log_excerpt_from_standard_input(cache):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    log = "Feb 11 10:00:01 host python3[812]: OSError: Address already in use\nFeb 11 10:00:01 host systemd[1]: x\n"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.adapters.cli.main",
            "diagnose",
            "-",
            "--format",
            "json",
            "--cache-dir",
            str(cache),
        ],
        input=log,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert (rows[0]["runbook"], rows[0]["anchor"], rows[0]["match"]) == (
        "chatserver-troubleshooting",
        "service-fails-to-start",
        "exact",
    )
    assert rows[0]["commands"][0]["run"].startswith("netstat")


def test_search_in_chinese_with_a_base_url(cache):
    r = kb("search", "心跳超时", "--format", "json", "--base-url", "https://kb.example", "--cache-dir", str(cache))
    assert r.returncode == 0, r.stderr
    top = json.loads(r.stdout)[0]
    assert top["page"] == "https://kb.example/runbooks/chatserver-troubleshooting.html#frequent-disconnects"


def test_nothing_found_exits_1_and_usage_errors_exit_2(cache, tmp_path):
    r = kb("search", "kubernetes", "etcd", "--cache-dir", str(cache))
    assert r.returncode == 1 and "nothing matched" in r.stderr
    assert kb("search", "  ", "--cache-dir", str(cache)).returncode == 2
    empty = kb("diagnose", "502", cwd=tmp_path)
    assert empty.returncode == 2 and "no incidents/ or runbooks/" in empty.stderr
    assert "Traceback" not in r.stderr + empty.stderr


def test_search_lists_weak_matches_marked_and_diagnose_shows_none(cache):
    words = ("weekly", "capacity", "review", "--format", "json", "--cache-dir", str(cache))
    r = kb("search", *words)
    rows = json.loads(r.stdout)
    assert r.returncode == 1 and "each a weak match" in r.stderr
    assert rows and not any(row["confident"] for row in rows)
    assert "weak match]" in kb("search", *words[:3], "--cache-dir", str(cache)).stdout
    d = kb("diagnose", *words)
    assert d.returncode == 1 and json.loads(d.stdout) == [] and "nearest runbooks:" in d.stderr
    # Answers come first, marked confident; weak matches fill the list up to --limit after them.
    rows = json.loads(kb("search", "心跳超时", "--format", "json", "--limit", "10", "--cache-dir", str(cache)).stdout)
    flags = [row["confident"] for row in rows]
    assert flags[0] and not flags[-1] and flags == sorted(flags, reverse=True)


def test_a_knowledge_base_with_errors_is_refused_with_its_findings(tmp_path):
    from tests.conftest import MINIMAL_RUNBOOK

    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    (tmp_path / "runbooks/broken.yaml").write_text("kind: runbook\nid: [\n", encoding="utf-8")
    r = kb("search", "后端", "--root", str(tmp_path))
    assert r.returncode == 1 and r.stdout == ""
    assert (
        "runbooks/broken.yaml:3:1: error[yaml-syntax]" in r.stderr and "kb search: stopped by 1 finding(s)" in r.stderr
    )
