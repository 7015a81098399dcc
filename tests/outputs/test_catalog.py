"""The JSON catalog other tools read: every runbook, problem, cause, signature, alert and page URL."""

from __future__ import annotations

import json

from generator.core import pipeline
from generator.outputs.catalog import render_catalog
from tests.conftest import ROOT, TODAY, kb


def test_the_catalog_lists_every_problem_cause_signature_alert_and_url():
    corpus = pipeline.run(ROOT, today=TODAY).corpus
    catalog = json.loads(render_catalog(corpus, {"url": "https://kb.example/", "directory_urls": False}))
    assert [r["id"] for r in catalog["runbooks"]] == sorted(corpus.runbooks)
    for rb in catalog["runbooks"]:
        model = corpus.runbooks[rb["id"]]
        assert [p["id"] for p in rb["problems"]] == [p.id for p in model.problems]
        assert sum(len(p["causes"]) for p in rb["problems"]) == sum(len(p.causes) for p in model.problems)
        assert rb["url"] == f"https://kb.example/runbooks/{rb['id']}.html"
        for p in rb["problems"]:
            assert p["url"].endswith(f"#{p['id']}")
    nginx = next(r for r in catalog["runbooks"] if r["id"] == "nginx-502-bad-gateway")
    bad_gateway = next(p for p in nginx["problems"] if p["id"] == "bad-gateway")
    assert {"text": "502 Bad Gateway", "match": "exact"}.items() <= bad_gateway["signatures"][0].items()
    assert catalog["alerts"]["ChatServerDown"] == ["chatserver-troubleshooting"]
    assert {i["id"] for i in catalog["incidents"]} == set(corpus.incidents)


def test_kb_export_catalog_writes_it(tmp_path):
    r = kb("export", "--catalog", tmp_path / "kb.json")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "kb.json").read_text(encoding="utf-8"))["version"] == 1
