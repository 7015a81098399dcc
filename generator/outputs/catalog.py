"""A machine-readable catalog of the knowledge base, for other tools (chat bots, alert routers,
assistants): every runbook, problem, cause, signature, alert name and page URL, as JSON."""

from __future__ import annotations

import json

from generator.core.corpus import Corpus
from generator.core.site_config import runbook_url

VERSION = 1


def render_catalog(corpus: Corpus, site: dict) -> str:
    runbooks = []
    for rb in sorted(corpus.runbooks.values(), key=lambda r: r.id):
        problems = []
        for p in rb.problems:
            problems.append(
                {
                    "id": p.id,
                    "title": p.title,
                    "url": runbook_url(site, rb.id, p.id),
                    "symptoms": p.symptoms,
                    "signatures": [_signature(s) for s in p.signatures],
                    "causes": [
                        {
                            "id": c.id,
                            "title": c.title,
                            "category": str(c.category),
                            "url": runbook_url(site, rb.id, c.id),
                            "signatures": [_signature(s) for s in c.signatures],
                            "fixes": [{"id": f.id, "title": f.title, "temporary": f.temporary} for f in c.fixes],
                        }
                        for c in p.causes
                    ],
                }
            )
        runbooks.append(
            {
                "id": rb.id,
                "title": rb.title,
                "url": runbook_url(site, rb.id),
                "services": rb.services,
                "tags": rb.tags,
                "alerts": rb.alerts,
                "owner": rb.owner,
                "last_reviewed": rb.last_reviewed.isoformat(),
                "problems": problems,
                "procedures": [
                    {"id": pr.id, "title": pr.title, "url": runbook_url(site, rb.id, pr.id)} for pr in rb.procedures
                ],
            }
        )
    alerts = {a: [rb["id"] for rb in runbooks if a in rb["alerts"]] for rb in runbooks for a in rb["alerts"]}
    incidents = [
        {
            "id": i.id,
            "title": i.title,
            "services": i.services,
            "severity": str(i.severity),
            "runbooks": [r.ref for r in i.runbooks],
        }
        for i in sorted(corpus.incidents.values(), key=lambda i: i.id)
    ]
    catalog = {"version": VERSION, "runbooks": runbooks, "alerts": dict(sorted(alerts.items())), "incidents": incidents}
    return json.dumps(catalog, ensure_ascii=False, indent=2) + "\n"


def _signature(s) -> dict:
    return {"text": s.text, "match": s.match, "source": s.source}
