"""Alert coverage on a rule-file fixture, and runbook_url written back without disturbing the file."""

from __future__ import annotations

import difflib
import shutil

import pytest

from generator.core import pipeline
from generator.integrations.prometheus import RuleFileError, coverage, read_rules, write_urls
from tests.conftest import ROOT

FIXTURES = ROOT / "tests/fixtures/alerts"


def _example_coverage(paths):
    corpus, _ = pipeline.run(ROOT)
    files = [read_rules(p) for p in paths]
    return files, coverage(
        files, {rb.id: rb.alerts for rb in corpus.runbooks.values()}, {i: corpus.paths[i] for i in corpus.runbooks}
    )


def test_reports_exactly_the_missing_and_the_unknown_alerts():
    files, result = _example_coverage(sorted(FIXTURES.glob("*.yaml")))
    assert [(a.name, a.path.rsplit("/", 1)[1], a.line) for a in result.missing] == [
        ("HighMemoryUsage", "apps.rules.yaml", 10),
        ("CertificateExpiringSoon", "web.rules.yaml", 19),
    ]
    assert [(rb, name) for rb, _, name in result.unknown] == [
        ("chatserver-troubleshooting", "ChatServerDiskAlmostFull"),
        ("voms-troubleshooting", "VomsHealthCheckFailing"),
    ]
    assert result.answered == {
        "ChatServerDown": ["chatserver-troubleshooting"],
        "NginxHigh5xxRate": ["nginx-502-bad-gateway"],
        "SiteExternalProbeFailed": ["site-unreachable-server-healthy"],
        "UpstreamBackendDown": ["nginx-502-bad-gateway"],
    }
    # The recording rule in web.rules.yaml is not an alert.
    assert [a.name for a in files[1].alerts] == ["NginxHigh5xxRate", "UpstreamBackendDown", "CertificateExpiringSoon"]


def test_write_urls_adds_only_the_annotations_and_keeps_comments_quotes_and_indentation(tmp_path):
    for name in ("web.rules.yaml", "apps.rules.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
        before = (tmp_path / name).read_text(encoding="utf-8")
        rf = read_rules(tmp_path / name)
        urls = {a.name: f"https://kb.example/runbooks/{a.name}.html" for a in rf.alerts if a.name != "HighMemoryUsage"}
        changed = write_urls(rf, urls)
        after = (tmp_path / name).read_text(encoding="utf-8")
        removed = [ln for ln in difflib.ndiff(before.splitlines(), after.splitlines()) if ln.startswith("- ")]
        added = [ln[2:].strip() for ln in difflib.ndiff(before.splitlines(), after.splitlines()) if ln.startswith("+ ")]
        if name == "web.rules.yaml":
            assert changed == ["NginxHigh5xxRate", "UpstreamBackendDown", "CertificateExpiringSoon"]
            # the existing (different) runbook_url of CertificateExpiringSoon is replaced in place
            assert removed == ["-                     runbook_url: https://old.example/wiki/certs"]
            assert added == [
                "runbook_url: https://kb.example/runbooks/NginxHigh5xxRate.html",
                "annotations:",
                "runbook_url: https://kb.example/runbooks/UpstreamBackendDown.html",
                "runbook_url: https://kb.example/runbooks/CertificateExpiringSoon.html",
            ]
            assert "# 5xx from the proxy: usually the backend is down (see the runbook)." in after
            assert "summary: 'Nginx 5xx above 5% on {{ $labels.instance }}'" in after
        else:
            assert removed == [] and changed == ["ChatServerDown", "SiteExternalProbeFailed"]
            assert "    annotations:\n      runbook_url: https://kb.example/runbooks/ChatServerDown.html\n" in after
        # A second run changes nothing and does not rewrite the file.
        mtime = (tmp_path / name).stat().st_mtime_ns
        assert write_urls(read_rules(tmp_path / name), urls) == []
        assert (tmp_path / name).stat().st_mtime_ns == mtime
        assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("groups: [\n", "not valid YAML"),
        ("- alert: X\n", "not a Prometheus rule file"),
        ("groups:\n  - name: g\n", "group 1 has no `rules:` list"),
    ],
)
def test_bad_rule_files_get_a_clear_error(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError, match=message) as err:
        read_rules(path)
    assert str(err.value).startswith(str(path))
