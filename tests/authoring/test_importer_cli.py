"""`kb import PATH… --out-dir ROOT`: whole folders, each draft under the folder of its kind, never
overwriting, with a report per file and in total; exit 1 when a draft does not validate."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

import generator.authoring.importer as importer
from generator.adapters.cli.main import main
from tests.conftest import ROOT, kb

pytestmark = pytest.mark.slow  # kb import processes

DEV = ROOT / "tests" / "fixtures" / "import_dev"


def test_a_folder_goes_to_incidents_and_runbooks_with_a_report(tmp_path) -> None:
    src = tmp_path / "write-ups"
    shutil.copytree(DEV, src, ignore=shutil.ignore_patterns("*.yaml"))
    out = tmp_path / "kb"
    r = kb("import", src, "--out-dir", out, "--service", "payments")
    assert r.returncode == 0, r.stdout + r.stderr
    incidents = sorted(p.name for p in (out / "incidents").iterdir())
    runbooks = sorted(p.name for p in (out / "runbooks").iterdir())
    assert incidents == ["2023-11-11-zh-postmortem-bullets.yaml", "2024-03-05-en-postmortem-checkout.yaml"]
    assert len(runbooks) == 9 and "en-alert-handbook.yaml" in runbooks
    assert (
        (out / "runbooks" / "en-alert-handbook.yaml")
        .read_text("utf-8")
        .startswith("# yaml-language-server: $schema=../schema/runbook.schema.json")
    )
    report = r.stdout
    assert "en-alert-handbook.md -> " in report
    assert "runbook · 3 problems · 3 signatures · 100% of the text placed, 0% left in unsorted" in report
    assert "commands kept" in report and "guessed" in report and "validates" in report
    assert "incident · " in report
    assert "warning: 1 secret(s) redacted" in report
    assert report.strip().splitlines()[-1].startswith("total: 11 write-ups: 11 drafts (9 runbooks, 2 incidents)")
    assert "all validate" in report.splitlines()[-1]
    assert kb("validate", out, "--strict").returncode in (0, 1)  # warnings (review dates) aside, no error
    assert " error(s)" not in kb("validate", out).stderr.replace("0 error(s)", "")

    # Nothing is overwritten: a second run says so, exits 1, and leaves the drafts as they were.
    before = (out / "runbooks" / "en-alert-handbook.yaml").read_text("utf-8")
    again = kb("import", src / "en-alert-handbook.md", "--out-dir", out)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (out / "runbooks" / "en-alert-handbook.yaml").read_text("utf-8") == before


def test_usage_errors(tmp_path) -> None:
    r = kb("import", DEV / "en-alert-handbook.md", DEV / "zh-alert-handbook.md")
    assert r.returncode == 2 and "--out-dir" in r.stderr
    r = kb("import", DEV, "-o", tmp_path / "x.yaml")
    assert r.returncode == 2 and "-o names one file" in r.stderr
    r = kb("import", DEV / "en-alert-handbook.md", "-o", tmp_path / "x.yaml", "--out-dir", tmp_path)
    assert r.returncode == 2
    assert kb("import", tmp_path / "nothing-here").returncode == 2


def test_one_file_to_standard_output_reports_on_standard_error() -> None:
    r = kb("import", DEV / "zh-troubleshoot-redis.md")
    assert r.returncode == 0
    assert r.stdout.startswith("# yaml-language-server:") and "kind: runbook" in r.stdout
    assert "runbook · 1 problem" in r.stderr and "validates" in r.stderr


def test_a_runbook_search_would_not_find_is_reported(tmp_path, capsys) -> None:
    (tmp_path / "deploy.md").write_text("# Deploying\n\n## How to deploy\n\n```bash\nmake deploy\n```\n", "utf-8")
    assert main(["import", str(tmp_path / "deploy.md"), "--kind", "runbook", "--out-dir", str(tmp_path / "kb")]) == 0
    assert "warning: no section names a problem" in capsys.readouterr().out


def test_exit_1_when_a_draft_does_not_validate(tmp_path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importer.draft

    def broken(*args, **kwargs):
        d = real(*args, **kwargs)
        return dataclasses.replace(d, text=d.text.replace("schema_version: 1", "schema_version: 7"))

    monkeypatch.setattr(importer, "draft", broken)
    code = main(["import", str(DEV / "zh-troubleshoot-redis.md"), "--out-dir", str(tmp_path / "kb")])
    assert code == 1
    assert "does NOT validate (schema:" in capsys.readouterr().out
