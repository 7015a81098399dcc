"""`kb stats` prints the analytics page's figures: the same numbers, in the terminal and as JSON."""

from __future__ import annotations

import json

from tests.conftest import kb


def test_text_report_has_the_hand_counted_figures():
    r = kb("stats")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "2025-12-23  2025-12-23-word-counter-upgrade-502  P1   5 min   27 min   configuration" in out
    assert "2026-02-11  2026-02-11-login-502-flask-down      P1   —       —        process-management" in out
    assert "nginx      3          2.5 min        18.5 min        18.5 min" in out
    assert "process-management  2          yes" in out
    assert "Action items: 20 open, 8 done" in out


def test_json_matches_the_text(tmp_path):
    r = kb("stats", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["actions_open"], data["actions_done"]) == (20, 8)
    assert data["recurring_categories"] == ["process-management"] and data["recurring_services"] == ["nginx"]
    assert [(i["ttd"], i["ttr"]) for i in data["incidents"]] == [(5.0, 27.0), (None, None), (0.0, 10.0)]
    assert kb("stats", cwd=tmp_path).returncode == 2  # no knowledge base here
