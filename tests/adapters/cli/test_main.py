"""The `kb` command as users run it: a real process, its output and its exit code."""

from __future__ import annotations

import json

from tests.conftest import MINIMAL_RUNBOOK, ROOT, kb


def test_example_knowledge_base_is_clean(tmp_path):
    r = kb("validate", "--today", "2026-11-22", "--cache-dir", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s), 0 warning(s)" in r.stderr


def test_findings_exit_1_in_every_format(write):
    path = write("web-502.yaml", MINIMAL_RUNBOOK.replace("kind: runbook", "kind: runbok"))
    text = kb("validate", str(path), "--no-cache")
    assert text.returncode == 1
    assert f"{path}:2:7: error[unknown-kind]: unknown kind 'runbok'" in text.stdout
    assert "did you mean 'runbook'?" in text.stdout
    assert "Traceback" not in text.stdout + text.stderr

    gh = kb("validate", str(path), "--no-cache", "--format", "github")
    assert gh.returncode == 1
    assert gh.stdout.startswith(f"::error file={path},line=2,col=7,title=unknown-kind::unknown kind 'runbok'")

    js = kb("validate", str(path), "--no-cache", "--format", "json")
    assert js.returncode == 1
    [row] = json.loads(js.stdout)
    assert (row["rule"], row["line"], row["col"], row["severity"]) == ("unknown-kind", 2, 7, "error")


def test_usage_errors_exit_2(tmp_path):
    assert kb("validate", "no/such/path").returncode == 2
    assert kb("validate", "--format", "xml").returncode == 2
    assert kb("frobnicate").returncode == 2
    assert kb("validate", cwd=tmp_path).returncode == 2  # nothing to check here


def test_strict_turns_warnings_into_errors(write):
    path = write("web-502.yaml", MINIMAL_RUNBOOK.replace("2026-11-01", "2020-01-01"))
    r = kb("validate", str(path), "--no-cache", "--today", "2026-11-22")
    assert r.returncode == 1 and "warning[review-overdue]" in r.stdout
    r = kb("validate", str(path), "--no-cache", "--today", "2026-11-22", "--strict")
    assert r.returncode == 1 and "error[review-overdue]" in r.stdout


def test_cache_gives_the_same_verdict_and_notices_edits(write, tmp_path):
    path = write("kb/web-502.yaml", MINIMAL_RUNBOOK.replace("services: [web]", "services: web"))
    cache = tmp_path / "cache"
    first = kb("validate", str(path), "--cache-dir", str(cache))
    assert first.returncode == 1 and list(cache.glob("validate-*.json"))
    again = kb("validate", str(path), "--cache-dir", str(cache))
    assert again.stdout == first.stdout and again.returncode == 1
    path.write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    fixed = kb("validate", str(path), "--cache-dir", str(cache), "--today", "2026-11-22")
    assert fixed.returncode == 0, fixed.stdout


def test_schema_command_writes_draft_07(tmp_path):
    r = kb("schema", "--out", str(tmp_path))
    assert r.returncode == 0
    schema = json.loads((tmp_path / "runbook.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "definitions" in schema and "$defs" not in json.dumps(schema)


def test_export_writes_the_same_pages_the_plugin_adds(tmp_path):
    r = kb("export", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "out/runbooks/chatserver-troubleshooting.md").read_text(encoding="utf-8")
    assert "## 一键体检" in page  # labels follow the site's language setting
    assert (tmp_path / "out/index.md").exists() and (tmp_path / "out/indexes/signatures.md").exists()
    assert "../sheets/runbooks/chatserver-troubleshooting.html" in page  # linked, and exported with the pages
    assert (tmp_path / "out/sheets/runbooks/chatserver-troubleshooting.html").is_file()
    assert (tmp_path / "out/sheets/sheet.css").is_file()
    assert "../snippets/chatserver-troubleshooting/diagnose.sh" in page  # the scripts too
    assert (tmp_path / "out/snippets/chatserver-troubleshooting/diagnose.sh").is_file()


def test_pre_commit_hooks_and_the_workflow_run_real_commands():
    import shlex

    import yaml

    from generator.adapters.cli.main import build_parser

    parser = build_parser()
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"kb-validate", "kb-fmt"}
    for hook in hooks:
        argv = shlex.split(hook["entry"])
        assert argv[0] == "kb"
        parser.parse_args(argv[1:])  # exits (fails the test) if the command line is not valid
        assert hook["language"] == "python" and "incidents" in hook["files"]
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
    runs = [s["run"] for s in workflow["jobs"]["validate"]["steps"] if "run" in s]
    assert "kb validate --format github --no-cache" in runs
    for run in runs:
        if run.startswith("kb "):
            parser.parse_args(shlex.split(run)[1:])
