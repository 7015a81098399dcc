"""The bundle: pages, sheets and scripts, and what a memo keeps of them between builds."""

from __future__ import annotations

from generator.core import pipeline
from generator.outputs.bundle import render_bundle, render_static, static_paths
from generator.outputs.memo import Memo
from generator.outputs.sheets import pdf_of
from tests.conftest import ROOT, TODAY

OPTIONS = {"today": TODAY, "language": "zh", "commit": "abc1234"}


def _corpus():
    corpus, findings = pipeline.run(ROOT, today=TODAY)
    assert findings == []
    return corpus


def test_static_paths_are_the_files_render_static_makes():
    corpus = _corpus()
    sheets, scripts = render_static(corpus, **OPTIONS)
    assert sorted(static_paths(corpus)) == sorted([*sheets, *scripts])
    pdfs = set(static_paths(corpus, pdf=True)) - set(static_paths(corpus))
    assert pdfs == {pdf_of(p) for p in sheets if p.endswith(".html")}


def test_a_memo_remakes_what_an_edit_changes_and_keeps_the_rest():
    corpus, memo = _corpus(), Memo()
    first = render_bundle(corpus, memo=memo, **OPTIONS)
    made = memo.misses
    assert render_bundle(corpus, memo=memo, **OPTIONS).files == first.files
    assert memo.misses == made  # nothing made twice

    # An edited file loads as a new object: retitle a runbook that an incident links to, and an incident.
    rb_id, incidents = next(iter(corpus.backlinks().items()))
    corpus.runbooks[rb_id] = corpus.runbooks[rb_id].model_copy(update={"title": "改过的手册"})
    inc = incidents[0]
    corpus.incidents[inc.id] = inc.model_copy(update={"title": "改过的事故"})
    edited = render_bundle(corpus, memo=memo, **OPTIONS)
    assert edited.files == render_bundle(corpus, **OPTIONS).files  # the same as rendering afresh
    assert "改过的事故" in edited.pages[f"runbooks/{rb_id}.md"]  # its backlink
    assert "改过的手册" in edited.pages[f"incidents/{inc.id}.md"]  # its link
    service = corpus.runbooks[rb_id].services[0]
    assert "改过的手册" in edited.sheets[f"sheets/services/{service}.html"]
    others = [f"sheets/runbooks/{r}.html" for r in corpus.runbooks if r != rb_id]
    assert all(edited.files[p] is first.files[p] for p in others)  # kept, not made again
