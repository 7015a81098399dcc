"""Incident analytics on the example knowledge base, against a count by hand of its three incidents."""

from __future__ import annotations

from generator.core import pipeline
from generator.core.statistics import compute, minutes_label
from generator.outputs.site import render_site
from tests.conftest import ROOT, TODAY

WC, LOGIN, TAPSPOT = (
    "2025-12-23-word-counter-upgrade-502",
    "2026-02-11-login-502-flask-down",
    "2026-02-25-tapspot-site-unreachable",
)


def _stats():
    corpus, _ = pipeline.run(ROOT, today=TODAY)
    return corpus, compute(corpus)


def test_times_per_incident_from_the_timelines():
    _, s = _stats()
    # Word Counter: 22:10 start, 22:15 first 502 (detected), 22:37 fixed. TapSpot: reported 23:01 when it
    # started, analysis done 23:11. The login write-up gives no times of day at all.
    assert [(f.id, f.ttd, f.ttr) for f in s.incidents] == [(WC, 5.0, 27.0), (LOGIN, None, None), (TAPSPOT, 0.0, 10.0)]


def test_by_service_and_by_month():
    _, s = _stats()
    nginx = next(g for g in s.by_service if g.key == "nginx")
    assert (nginx.incidents, nginx.ttd_median, nginx.ttr_median, nginx.ttr_known) == (3, 2.5, 18.5, 2)
    assert s.by_service[0].key == "nginx"  # most incidents first
    assert [(g.key, g.incidents, g.ttr_mean) for g in s.by_month] == [("2025-12", 1, 27.0), ("2026-02", 2, 10.0)]


def test_recurring_root_cause_categories_and_services():
    _, s = _stats()
    # Root cause plus contributing errors, once per incident: Word Counter's are configuration (port),
    # code-defect (syntax, template) and process-management (PM2); login's root cause is process-management.
    assert {r.key: r.incidents for r in s.categories} == {
        "process-management": [WC, LOGIN],
        "client-side": [TAPSPOT],
        "code-defect": [WC],
        "configuration": [WC],
    }
    assert [r.key for r in s.recurring(s.categories)] == ["process-management"]
    assert [r.key for r in s.recurring(s.services)] == ["nginx"]


def test_action_items_open_and_done_oldest_first():
    _, s = _stats()
    # Word Counter 4 done + 6 open, login 3 done + 10 open, TapSpot 1 done + 4 open.
    assert (s.actions_open, s.actions_done) == (20, 8)
    assert [a.incident for a in s.open_items] == [WC] * 6 + [LOGIN] * 10 + [TAPSPOT] * 4


def test_minutes_as_written_on_the_pages():
    assert [minutes_label(v) for v in (None, 0.0, 2.5, 27.0, 65.0)] == ["—", "0 min", "2.5 min", "27 min", "1 h 05 min"]


def test_analytics_page_and_its_charts():
    corpus, _ = _stats()
    pages = render_site(corpus, today=TODAY, language="zh")
    page = pages["indexes/analytics.md"]
    # Durations in the site's language.
    assert "| [nginx](services.md#nginx) | 3 | 2.5 分钟 | 18.5 分钟 | 18.5 分钟 |" in page
    assert "[进程管理](root-causes.md#process-management) · **反复出现** | 2 |" in page
    assert "**待办: 20** · 已完成: 8" in page
    for chart in ("times", "months", "root-causes"):
        assert f"(charts/{chart}.svg)" in page and pages[f"indexes/charts/{chart}.svg"].startswith("<svg")
    assert "每月故障数" in pages["indexes/charts/months.svg"]
    assert "Incidents per month" in render_site(corpus, today=TODAY, language="en")["indexes/charts/months.svg"]
