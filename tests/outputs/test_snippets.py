"""The generated scripts, run for real: checks, causes, fixes, guards, platforms, reports, hostile values."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.core import pipeline
from generator.core.load import load_document
from generator.core.model.runbook import Parameter
from generator.core.values import UNSEEN
from generator.outputs.snippets import render_runbook, render_snippets
from tests.conftest import ROOT, TODAY

DEMO = """\
schema_version: 1
kind: runbook
id: demo
title: Demo service
services: [demo]
owner: ops
last_reviewed: 2026-11-01
parameters:
  - name: PORT
    description: port
    default: "8080"
    pattern: ^[0-9]{1,5}$
  - name: DIR
    description: a folder; no pattern, so odd values must stay inert
    default: /nonexistent
  - name: MODE
    description: speed
    default: fast
    choices: [fast, slow]
health_check:
  title: Check-up
  steps:
    - title: folder exists
      run: test -d ${DIR}
      expect: {exit_code: 0}
    - title: says hello
      run: printf 'hello %s\\n' ${MODE}
      expect: {contains: "hello ${MODE}"}
    - title: status line
      run: "printf 'HTTP/1.1 200 OK\\\\r\\\\nServer: x\\\\r\\\\n'"
      expect: {http_status: 200}
    - title: no errors logged
      run: cat ${DIR}/log 2>/dev/null || true
      expect: {not_contains: ERROR}
    - title: platform variant
      variants:
        - platform: debian
          run: echo debian-variant
        - platform: rhel
          run: echo rhel-variant
      expect: {regex: "^(debian|rhel)-variant$"}
    - title: information only
      run: echo just-information
problems:
  - id: slow
    title: Slow
    symptoms: [it is slow]
    diagnosis:
      - title: hangs
        run: sleep 20
        timeout: 1
        expect: {exit_code: 0}
    causes:
      - id: folder-missing
        title: The folder is missing
        category: configuration
        checks:
          - title: folder exists
            run: test -d ${DIR}
            expect: {exit_code: 0}
        fixes:
          - id: make-folder
            title: Make the folder
            steps:
              - title: write down what happens
                run: echo "creating ${DIR}" > ${DIR}.log
              - title: create it
                run: mkdir -p ${DIR}
                destructive: true
            verify:
              - title: folder exists
                run: test -d ${DIR}
                expect: {exit_code: 0}
      - id: port-wrong
        title: The port is wrong
        category: configuration
        checks:
          - title: port is 8080
            run: echo ${PORT}
            expect: {regex: "^8080$"}
        fixes:
          - id: rhel-only
            title: Only CentOS has this step
            steps:
              - title: open the port
                destructive: true
                variants:
                  - platform: rhel
                    run: echo opened
collect_diagnostics:
  - title: configuration
    run: cat ${DIR}/config
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo runbook's scripts, written to a folder."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "demo.yaml").write_text(DEMO, encoding="utf-8")
    rb = load_document(folder / "demo.yaml")
    for name, text in render_runbook(rb, commit="abc1234", today=TODAY).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(script: Path, *args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """A script as on-call would run it from a pipeline: no terminal, a clean environment."""
    base = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", str(script), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**base, **(env or {})},
        cwd=cwd or script.parent,
        timeout=60,
    )


@pytest.mark.slow  # shellcheck over every example script
def test_example_scripts_pass_bash_n_and_shellcheck(tmp_path):
    corpus, _ = pipeline.run(ROOT)
    scripts = render_snippets(corpus, commit="abc1234", today=TODAY)
    assert {"nginx-502-bad-gateway/diagnose.sh", "nginx-502-bad-gateway/fix-restart-backend.sh"} <= set(scripts)
    assert len([p for p in scripts if p.endswith("/collect-diagnostics.sh")]) == len(corpus.runbooks)
    for rel, text in scripts.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
        assert "set -euo pipefail\n" in text and "at commit abc1234" in text
        assert f"# Runbook: {rel.split('/')[0]} " in text
    files = sorted(str(p) for p in tmp_path.rglob("*.sh"))
    for f in files:
        syntax = subprocess.run(["bash", "-n", f], capture_output=True, text=True)
        assert syntax.returncode == 0, syntax.stderr
    # shellcheck takes about a second a script: two processes, one per core. Every check is on.
    shellcheck = str(Path(sys.executable).with_name("shellcheck"))
    procs = [
        subprocess.Popen([shellcheck, *files[i::2]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for i in range(2)
    ]
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, out[:3000]


def test_render_is_pure_and_repeatable():
    corpus, _ = pipeline.run(ROOT)
    first = render_snippets(corpus, commit="abc1234", today=dt.date(2026, 1, 1))
    assert first == render_snippets(corpus, commit="abc1234", today=dt.date(2026, 1, 1))
    assert "generated 2026-01-01" in first["safe-deploy/diagnose.sh"]


def test_help(demo):
    r = run(demo / "diagnose.sh", "--help")
    assert r.returncode == 0
    for text in ("--port VALUE", "env PORT; default: 8080; must match ^([0-9]{1,5})$", "one of: fast, slow"):
        assert text in r.stdout
    assert "slow  Slow" in r.stdout and "--dry-run" in r.stdout and "commit abc1234" in r.stdout
    fix = run(demo / "fix-make-folder.sh", "--help")
    assert "2. create it  [changes the system: asks first]" in fix.stdout


def test_health_check_then_the_causes_the_failures_point_to(demo, tmp_path):
    r = run(demo / "diagnose.sh", "--dir", str(tmp_path / "missing"), "--port", "9090", "--platform", "debian")
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    failed = f"❌ folder exists\n   expected: exit code 0\n   seen:     exit code 1\n   $ test -d {tmp_path}/missing"
    assert failed in out
    assert "✅ says hello (exit code 0)" in out
    assert "✅ status line (HTTP 200, exit code 0)" in out
    assert "✅ no errors logged" in out
    assert "✅ platform variant" in out
    assert "ℹ️  information only (exit code 0)\n   | just-information" in out
    assert "❌ port is 8080\n   expected: output matches /^8080$/\n" in out
    causes = out.split("Causes the failures point to:")[1]
    assert "➜ The folder is missing [folder-missing]  fix: ./fix-make-folder.sh" in causes
    assert "➜ The port is wrong [port-wrong]  fix: ./fix-rhel-only.sh" in causes

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "log").write_text("all fine\n")
    healthy = run(demo / "diagnose.sh", "--dir", str(tmp_path / "ok"), "--platform", "rhel")
    assert healthy.returncode == 0, healthy.stdout
    assert "\n❌ " not in healthy.stdout and "All checks passed ✅" in healthy.stdout
    assert "Causes the failures point to" not in healthy.stdout

    (tmp_path / "ok" / "log").write_text("ERROR: disk on fire\n")
    logged = run(demo / "diagnose.sh", "--dir", str(tmp_path / "ok"))
    assert '❌ no errors logged\n   expected: output does not contain "ERROR"' in logged.stdout


@pytest.mark.slow  # runs the scripts
def test_a_problem_and_its_timeout(demo, tmp_path):
    started = time.monotonic()
    r = run(demo / "diagnose.sh", "--problem", "slow", "--dir", str(tmp_path))
    assert time.monotonic() - started < 15  # `sleep 20` was cut at its 1 s timeout
    assert r.returncode == 1
    assert "❌ hangs\n   expected: exit code 0\n   seen:     timed out after 1s" in r.stdout
    assert "✓ The folder is missing [folder-missing]" in r.stdout  # its check passed: ruled out
    assert run(demo / "diagnose.sh", "--problem", "nope").returncode == 2


def test_platform_variants_are_chosen_or_reported(demo, tmp_path):
    rhel = run(demo / "diagnose.sh", "--platform", "rhel", "--dry-run")
    assert "$ echo rhel-variant" in rhel.stdout and "debian-variant" not in rhel.stdout
    mac = run(demo / "diagnose.sh", "--platform", "macos", "--dir", str(tmp_path))
    assert "⏭️  platform variant\n   not run: no command for platform macos (this step has: debian rhel)" in mac.stdout
    assert "❌ platform variant" not in mac.stdout
    for bad in ("windows", "solaris"):
        r = run(demo / "diagnose.sh", "--platform", bad)
        assert r.returncode == 2 and "--platform" in r.stderr

    fix = run(demo / "fix-rhel-only.sh", "--platform", "debian", "--yes")
    assert fix.returncode == 4
    assert "Nothing was run: these steps have no commands for platform debian" in fix.stderr
    assert "open the port (has: rhel)" in fix.stderr
    assert run(demo / "fix-rhel-only.sh", "--platform", "rhel", "--yes").returncode == 0


def test_a_destructive_fix_without_yes_and_without_a_terminal_changes_nothing(demo, tmp_path):
    target = tmp_path / "made"
    r = run(demo / "fix-make-folder.sh", "--dir", str(target))
    assert r.returncode == 3
    assert "Nothing was changed" in r.stderr and "no terminal" in r.stderr and "--yes" in r.stderr
    assert "create it" in r.stderr
    assert not target.exists() and not (tmp_path / "made.log").exists()  # not even the harmless first step

    dry = run(demo / "fix-make-folder.sh", "--dir", str(target), "--dry-run")
    assert dry.returncode == 0
    assert f"$ mkdir -p {target}" in dry.stdout and "▶ 2/2 create it ⚠️" in dry.stdout
    assert not target.exists()

    done = run(demo / "fix-make-folder.sh", "--dir", str(target), "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.is_dir() and (tmp_path / "made.log").read_text() == f"creating {target}\n"
    assert "✅ folder exists" in done.stdout and "Done ✅" in done.stdout


HOSTILE = ["8080; touch {m}", "$(touch {m})", "`touch {m}`", "8080\ntouch {m}", "x' ; touch {m} ; '", 'x" ; touch {m}']


@pytest.mark.parametrize("template", HOSTILE)
@pytest.mark.slow  # runs the scripts
def test_hostile_values_are_refused_or_inert(demo, tmp_path, template):
    marker = tmp_path / "pwned"
    value = template.format(m=marker)
    work = tmp_path / "work"
    work.mkdir()
    # A pattern or a list of choices refuses them before anything runs.
    for flag in ("--port", "--mode"):
        r = run(demo / "diagnose.sh", flag, value, cwd=work)
        assert r.returncode == 2 and "refused" in r.stderr, r.stdout + r.stderr
        assert r.stdout == ""  # nothing ran, nothing was even announced
    assert run(demo / "diagnose.sh", env={"PORT": value}, cwd=work).returncode == 2
    # No pattern: the value reaches commands, but only as data.
    outcomes = [
        run(demo / "diagnose.sh", "--dir", value, cwd=work),
        run(demo / "diagnose.sh", "--problem", "slow", env={"DIR": value}, cwd=work),
        run(demo / "diagnose.sh", "--dir", value, "--dry-run", cwd=work),
        run(demo / "fix-make-folder.sh", "--dir", value, "--yes", cwd=work),
        run(demo / "collect-diagnostics.sh", "--dir", value, "--output", str(work / "report.txt"), cwd=work),
    ]
    for r in outcomes:
        assert r.returncode in (0, 1, 2), r.stderr
        if "\n" in value:
            assert r.returncode == 2 and "control character" in r.stderr
    assert not marker.exists()
    shutil.rmtree(work)


def test_collect_diagnostics_writes_one_report_with_secrets_masked(demo, tmp_path):
    config = tmp_path / "config"
    secret_lines = [
        "db_password=hunter2",
        '"api_key": "abcd1234efgh"',
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
        "upstream https://deploy:s3cretpass@git.example.test/repo.git",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEAAAAA",
        "-----END OPENSSH PRIVATE KEY-----",
    ]
    config.write_text("port = 8080\n" + "\n".join(secret_lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    r = run(demo / "collect-diagnostics.sh", "--dir", str(tmp_path), "--output", str(report))
    assert r.returncode == 0, r.stderr
    assert f"Report written to {report}" in r.stdout
    text = report.read_text(encoding="utf-8")
    for section in ("System", "Disk", "Memory", "Listening ports", "Recent system log", "configuration"):
        assert f"=== {section}" in text
    assert "port = 8080" in text and "Linux" in text
    for leaked in ("hunter2", "abcd1234efgh", "eyJhbGciOiJIUzI1NiJ9", "s3cretpass", "b3BlbnNzaC1rZXktdjEAAAAA"):
        assert leaked not in text
    assert "db_password=********" in text and "[private key removed]" in text
    assert oct(report.stat().st_mode & 0o777) == "0o600"

    dry = run(demo / "collect-diagnostics.sh", "--dir", str(tmp_path), "--dry-run", "--output", str(tmp_path / "no"))
    assert f"$ cat {tmp_path}/config" in dry.stdout and not (tmp_path / "no").exists()


def test_a_quote_in_the_chat_server_config_path_is_refused_before_it_reaches_python(tmp_path):
    """The chat server's JSON check puts CONFIG_FILE inside `python3 -c "...open('${CONFIG_FILE}')..."`:
    its pattern must refuse a value that would close the quote and run code."""
    corpus, _ = pipeline.run(ROOT)
    script = tmp_path / "diagnose.sh"
    script.write_text(render_snippets(corpus, commit="test", today=TODAY)["chatserver-troubleshooting/diagnose.sh"])
    marker = tmp_path / "pwned"
    evil = f"x'));import os;os.system('touch {marker}');(('"
    r = subprocess.run(
        ["bash", str(script), "--config-file", evil, "--problem", "fails-to-start"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert "--config-file" in r.stderr and "is refused" in r.stderr
    assert not marker.exists()


def _render_to(folder: Path, rb) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    out = {}
    for name, text in render_runbook(rb, commit="abc1234", today=TODAY).items():
        out[name] = folder / name
        out[name].write_text(text, encoding="utf-8")
    return out


def test_no_text_from_a_runbook_can_end_what_holds_it(demo, tmp_path):
    """A newline in `choices`, a default or a pattern once closed the here-document of the usage, and the
    lines after it ran as the script loaded, even for --help. `kb validate` refuses such values now; the
    scripts are built past it here, to show that they hold any text all the same."""
    marker = tmp_path / "pwned"
    evil = f"x\nKB_END\nKB_END_1\nEOF\ntouch {marker}\n'\"`touch {marker}`$(touch {marker})\x1b[2K"
    rb = load_document(demo / "demo.yaml")
    hostile = Parameter.model_construct(
        name="EVIL", description=evil, type="choice", default=evil, required=False, pattern=evil, choices=[evil]
    )
    health = rb.health_check.model_copy(update={"title": evil})
    rb = rb.model_copy(update={"title": evil, "parameters": [*rb.parameters, hostile], "health_check": health})
    scripts = _render_to(tmp_path / "scripts", rb)
    for script in scripts.values():
        assert "\x1b" not in script.read_text(encoding="utf-8")  # nothing invisible in the file either
        assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
        for args in (["--help"], ["--dry-run"], ["--evil", "x", "--dry-run"]):
            r = run(script, *args, cwd=tmp_path)
            assert r.returncode in (0, 2), r.stderr
            assert "\x1b" not in r.stdout + r.stderr
    assert "\\x1b[2K" in run(scripts["diagnose.sh"], "--help").stdout
    assert not marker.exists()


def test_dry_run_shows_escape_sequences_instead_of_sending_them(tmp_path):
    """A command that deletes a folder, then returns to the start of the line and erases it: on a terminal
    --dry-run showed only "echo harmless". Now every control character is written out."""
    victim = tmp_path / "victim"
    victim.mkdir()
    text = DEMO.replace(
        "              - title: create it\n                run: mkdir -p ${DIR}\n",
        '              - title: "create it \\u202e"\n'
        f'                run: "rm -rf {victim} #\\r\\e[2K\\e[1Gecho harmless"\n',
    )
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    scripts = _render_to(tmp_path / "scripts", load_document(tmp_path / "demo.yaml"))
    dry = run(scripts["fix-make-folder.sh"], "--dry-run", "--dir", str(tmp_path / "d"))
    assert dry.returncode == 0, dry.stderr
    assert f"$ rm -rf {victim} #\\x0d\\x1b[2K\\x1b[1Gecho harmless" in dry.stdout
    assert "▶ 2/2 create it \\u202e ⚠️" in dry.stdout
    assert not [ch for ch in dry.stdout if ch in UNSEEN] and victim.is_dir()
    done = run(scripts["fix-make-folder.sh"], "--yes", "--dir", str(tmp_path / "d"))
    assert not victim.exists()  # what ran is what --dry-run showed
    assert "The fix ran, but verification failed." in done.stdout  # the folder it checks for was not made


def test_a_value_reaches_arithmetic_only_as_a_plain_number(tmp_path):
    marker = tmp_path / "pwned"
    text = DEMO.replace(
        "  - name: MODE\n",
        '  - name: COUNT\n    description: how many\n    type: integer\n    default: "3"\n  - name: MODE\n',
    ).replace("run: echo just-information", "run: '[[ ${COUNT} -lt 5 ]] && echo few || echo many'")
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    assert pipeline.validate([tmp_path / "demo.yaml"], today=TODAY) == []
    scripts = _render_to(tmp_path / "scripts", load_document(tmp_path / "demo.yaml"))
    for value in (f"x[$(touch {marker})]", "a[`touch {marker}`]", "08", "1e3", " 3", "-1"):
        for args, env in ((["--count", value], {}), ([], {"COUNT": value})):
            r = run(scripts["diagnose.sh"], *args, "--dry-run", env=env)
            assert r.returncode == 2 and r.stdout == "", (value, r.stdout)
            assert "it must be a whole number" in r.stderr
    assert not marker.exists()
    r = run(scripts["diagnose.sh"], "--count", "7", "--dir", str(tmp_path))
    assert "ℹ️  information only (exit code 0)\n   | many" in r.stdout
    help_text = run(scripts["diagnose.sh"], "--help").stdout
    assert "env COUNT; a whole number (digits only, no leading zero); default: 3" in help_text


def test_scripts_are_never_made_with_a_reserved_parameter_name(demo):
    rb = load_document(demo / "demo.yaml")
    for name in ("BASH_ENV", "DRY_RUN", "PATH", "KB_X", "bad name"):
        param = Parameter.model_construct(
            name=name, description="x", type="string", default=None, required=False, pattern=None, choices=[]
        )
        with pytest.raises(ValueError, match="parameter name"):
            render_runbook(rb.model_copy(update={"parameters": [param]}), commit="x", today=TODAY)
