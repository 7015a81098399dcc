"""`kb alerts` as users run it."""

from __future__ import annotations

import json
import shutil

from tests.conftest import ROOT, kb

FIXTURES = ROOT / "tests/fixtures/alerts"


def test_reports_missing_and_unknown_alerts_with_locations():
    r = kb("alerts", str(FIXTURES / "web.rules.yaml"), str(FIXTURES / "apps.rules.yaml"))
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{FIXTURES}/web.rules.yaml:19: alert CertificateExpiringSoon has no runbook")
    assert lines[1].startswith(f"{FIXTURES}/apps.rules.yaml:10: alert HighMemoryUsage has no runbook")
    assert lines[2].startswith(
        "runbooks/chatserver-troubleshooting.yaml:19: runbook chatserver-troubleshooting names alert "
        "ChatServerDiskAlmostFull, which no rule file defines"
    )
    assert "6 alert(s), 4 with a runbook, 2 without; 2 runbook alert name(s) unknown" in r.stderr


def test_write_urls_points_alerts_at_the_site_and_json_says_what_changed(tmp_path):
    for p in FIXTURES.glob("*.yaml"):
        shutil.copy(p, tmp_path / p.name)
    r = kb("alerts", str(tmp_path / "apps.rules.yaml"), "--write-urls", "https://kb.example/", "--format", "json")
    assert r.returncode == 1  # still: one alert without a runbook, names no rule file defines
    report = json.loads(r.stdout)
    assert report["written"] == {str(tmp_path / "apps.rules.yaml"): ["ChatServerDown", "SiteExternalProbeFailed"]}
    assert [m["alert"] for m in report["missing"]] == ["HighMemoryUsage"]
    text = (tmp_path / "apps.rules.yaml").read_text(encoding="utf-8")
    # use_directory_urls: false in the example site, so pages end in .html
    assert "runbook_url: https://kb.example/runbooks/chatserver-troubleshooting.html" in text


def test_unreadable_rule_files_exit_2_without_a_traceback(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("groups: [\n", encoding="utf-8")
    for args in (["alerts", str(bad)], ["alerts", str(tmp_path / "missing.yaml")]):
        r = kb(*args)
        assert r.returncode == 2 and r.stderr.startswith("kb alerts: ") and "Traceback" not in r.stderr
