"""collect-diagnostics.sh, run for real: its masking against the secrets corpus, and how it writes the report."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.core.load import load_document
from generator.outputs import snippets
from generator.outputs.snippets import render_runbook
from tests.conftest import ROOT, TODAY

CORPUS = ROOT / "tests/fixtures/secrets/corpus.yaml"

# A runbook whose only own step shows a file of the host: the corpus, in the tests.
HOST_CHECK = """\
schema_version: 1
kind: runbook
id: host-check
title: Host check
services: [web]
owner: ops
last_reviewed: 2026-11-01
parameters:
  - name: HOST_FILE
    description: a file of the host to put in the report
    default: /nonexistent
problems:
  - id: down
    title: Down
    symptoms: [it is down]
    diagnosis:
      - title: look
        run: echo look
collect_diagnostics:
  - title: host file
    run: cat ${HOST_FILE}
"""


def write_scripts(folder: Path) -> Path:
    (folder / "host-check.yaml").write_text(HOST_CHECK, encoding="utf-8")
    rb = load_document(folder / "host-check.yaml")
    for name, text in render_runbook(rb, commit="abc1234", today=TODAY).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "collect-diagnostics.sh"


@pytest.fixture(scope="module")
def script(tmp_path_factory) -> Path:
    return write_scripts(tmp_path_factory.mktemp("host-check"))


def run(script: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """As on-call would run it from a pipeline: no terminal, a clean environment."""
    return subprocess.run(
        ["bash", str(script), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **(env or {})},
        cwd=script.parent,
        timeout=120,
    )


@pytest.mark.slow  # shellcheck
def test_the_script_is_shellcheck_clean(script):
    shellcheck = str(Path(sys.executable).with_name("shellcheck"))
    r = subprocess.run([shellcheck, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[:3000]


def test_the_report_masks_the_corpus(script, tmp_path):
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    cases = data["secrets"]
    host = tmp_path / "host.txt"
    host.write_text("\n".join([*(c["text"] for c in cases), *data["placeholders"], "port = 8080"]) + "\n")
    report = tmp_path / "report.txt"
    r = run(script, "--host-file", str(host), "--output", str(report))
    assert r.returncode == 0, r.stderr
    text = report.read_text(encoding="utf-8")
    left = [c["family"] for c in cases if c["secret"] in text]
    masked = len(cases) - len(left)
    print(f"\ncollect-diagnostics.sh: masked {masked} / {len(cases)} secrets; left: {left}")
    assert masked >= 0.95 * len(cases), f"masked {masked} / {len(cases)}; left {left}"
    # What is not a secret is still there to read.
    assert "=== host file ===" in text and "port = 8080" in text and "-----BEGIN PUBLIC KEY-----" in text
    assert text.count("[private key removed]") == sum("PRIVATE KEY" in c["text"] for c in cases)


def test_a_private_key_cut_short_is_removed_to_the_end(script, tmp_path):
    host = tmp_path / "host.txt"
    host.write_text("before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7Qm3v\nZ9pLk2TqW8rNc\n")
    report = tmp_path / "report.txt"
    assert run(script, "--host-file", str(host), "--output", str(report)).returncode == 0
    text = report.read_text(encoding="utf-8")
    assert "before\n[private key removed]\n" in text and "MIIEow" not in text and "Z9pLk2" not in text


def test_an_existing_report_is_replaced_with_mode_600(script, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("an old report\n")
    report.chmod(0o644)
    r = run(script, "--output", str(report))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert "an old report" not in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symbolic_link_as_the_report_is_refused(script, tmp_path, dangling):
    target = tmp_path / "elsewhere.txt"
    if not dangling:
        target.write_text("someone else's file\n")
        target.chmod(0o644)
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    r = run(script, "--output", str(link))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "is a symbolic link; refused" in r.stderr
    assert r.stdout == ""  # refused before anything was collected
    assert link.is_symlink() and os.readlink(link) == str(target)
    if dangling:
        assert not target.exists()
    else:
        assert target.read_text() == "someone else's file\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_the_mask_rules_are_one_quoted_word_that_nothing_can_end(tmp_path, monkeypatch):
    """The rules reach the script as data: a quote, a here-document delimiter, a command substitution or
    a backquote in them stays text."""
    marker = tmp_path / "pwned"
    hostile = "\n".join(
        [
            "s/a/b/g",
            f"'; touch {marker}; '",
            "KB_END",
            "KB_MASK",
            "EOF",
            f"$(touch {marker})",
            f"`touch {marker}`",
            '" \\ $HOME ${PATH}',
        ]
    )
    monkeypatch.setattr(snippets, "mask_rules", lambda: hostile)
    script = write_scripts(tmp_path)
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    # BASH_ENV runs before the script: a trap that keeps the value the script ended with.
    seen = tmp_path / "seen"
    (tmp_path / "env.sh").write_text(f"trap 'printf %s \"$kb_mask_rules\" >{seen}' EXIT\n")
    r = run(script, "--dry-run", env={"BASH_ENV": str(tmp_path / "env.sh")})
    assert r.returncode == 0, r.stderr
    assert seen.read_text() == hostile
    assert not marker.exists()


def test_the_rules_come_from_the_family_table():
    from generator.core.rules.secret_families import FAMILIES, sed_rules

    rules = snippets.mask_rules()
    assert rules == "".join(r + "\n" for family in FAMILIES for r in sed_rules(family))
    assert "<<" not in rules
