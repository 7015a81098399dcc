"""The MkDocs plugin through a real `mkdocs build --strict`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MINIMAL_RUNBOOK, make_kb, mkdocs_build

pytestmark = pytest.mark.slow  # real mkdocs builds


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
    # The runbook's scripts are in the site, linked from its page.
    script = out / "snippets" / "web-502" / "diagnose.sh"
    assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n# diagnose.sh")
    assert "# Runbook: web-502" in script.read_text(encoding="utf-8")
    assert 'href="../snippets/web-502/diagnose.sh"' in before
    assert (out / "snippets" / "web-502" / "collect-diagnostics.sh").is_file()

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


def test_serve_rebuilds_only_the_pages_an_edit_changes(tmp_path):
    """`mkdocs serve --dirty` (what `make serve` runs): an edit shows, untouched pages are not rebuilt,
    and search still finds the pages that were not rebuilt."""
    import json
    import re
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    other = MINIMAL_RUNBOOK.replace("id: web-502", "id: api-502").replace("网站 502", "接口 502")
    config = make_kb(tmp_path, {"runbooks/web-502.yaml": MINIMAL_RUNBOOK, "runbooks/api-502.yaml": other})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    proc = subprocess.Popen(
        [str(mkdocs), "serve", "--dirty", "-v", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )

    def fetch(path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as r:
                return r.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(path: str, text: str) -> str:
        deadline = time.time() + 120
        while text not in (page := fetch(path)):
            assert proc.poll() is None and time.time() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        return page

    try:
        wait_for("runbooks/web-502.html", "网站 502")
        site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", (tmp_path / "serve.log").read_text())[1])
        untouched = (site / "runbooks/api-502.html").stat().st_mtime_ns
        (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK.replace("网站 502", "网站 502 已编辑"))
        wait_for("runbooks/web-502.html", "网站 502 已编辑")
        wait_for("search/search_index.json", json.dumps("编辑")[1:-1])  # ASCII-escaped JSON, words split by jieba
        assert (site / "runbooks/api-502.html").stat().st_mtime_ns == untouched  # not rebuilt
        index = json.loads(fetch("search/search_index.json"))
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert {"runbooks/web-502.html", "runbooks/api-502.html"} <= locations
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_sheets_in_the_site_and_an_overflowing_sheet_fails_a_strict_build(tmp_path):
    from tests.outputs.test_pdf import PROBLEM

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
