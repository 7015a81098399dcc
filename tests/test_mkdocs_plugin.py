"""The MkDocs plugin through a real `mkdocs build --strict`."""

from __future__ import annotations

from .conftest import MINIMAL_RUNBOOK, make_kb, mkdocs_build


def test_build_and_a_failed_build_keeps_the_previous_site(tmp_path):
    config = make_kb(tmp_path, {"runbooks/web-502.yaml": MINIMAL_RUNBOOK})
    out = tmp_path / "site"
    first = mkdocs_build(config, out)
    assert first.returncode == 0, first.stderr
    page = out / "runbooks" / "web-502.html"
    before = page.read_text(encoding="utf-8")
    assert "后端未运行" in before
    assert (out / "assets/vendor/iframe-worker/shim.js").is_file()
    assert "unpkg.com" not in before

    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK.replace("owner:", "ownr:"), encoding="utf-8")
    failed = mkdocs_build(config, out)
    assert failed.returncode != 0
    assert "web-502.yaml:6:1: error[unknown-key]: unknown key 'ownr'" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert page.read_text(encoding="utf-8") == before  # the previous output is intact


def test_a_hand_written_page_cannot_hide_a_generated_one(tmp_path):
    config = make_kb(tmp_path, {"runbooks/web-502.yaml": MINIMAL_RUNBOOK, "docs/index.md": "# mine\n"})
    r = mkdocs_build(config, tmp_path / "site")
    assert r.returncode != 0
    assert "docs/index.md would hide a generated page" in r.stderr


def test_sheets_in_the_site_and_an_overflowing_sheet_fails_a_strict_build(tmp_path):
    from .test_render_pdf import PROBLEM

    config = make_kb(tmp_path, {"runbooks/web-502.yaml": MINIMAL_RUNBOOK})
    ok = mkdocs_build(config, tmp_path / "site")
    assert ok.returncode == 0, ok.stderr
    for path in ("sheets/runbooks/web-502.html", "sheets/runbooks/web-502.pdf", "sheets/services/web.pdf"):
        assert (tmp_path / "site" / path).is_file(), path
    assert (tmp_path / "site/sheets/runbooks/web-502.pdf").read_bytes().startswith(b"%PDF")

    long = MINIMAL_RUNBOOK + "".join(PROBLEM.format(i=i) for i in range(40))
    (tmp_path / "runbooks/web-502.yaml").write_text(long, encoding="utf-8")
    r = mkdocs_build(config, tmp_path / "site")
    assert r.returncode != 0
    assert "quick-fix sheet over its page budget: sheets/runbooks/web-502.html: 2 pages, budget 1" in r.stderr
    assert "Traceback" not in r.stderr
