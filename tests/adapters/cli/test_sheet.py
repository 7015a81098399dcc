"""`kb sheet` as a process: PDFs of the example knowledge base, their text, and usage errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_RUNBOOK, ROOT
from tests.outputs.test_pdf import PROBLEM

pytestmark = pytest.mark.slow  # PDF layout with WeasyPrint

KB = Path(sys.executable).with_name("kb")


def kb_sheet(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(KB), "sheet", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_runbook_and_service_pdfs(tmp_path):
    r = kb_sheet("chatserver-troubleshooting", "--service", "nginx", "--pdf", str(tmp_path), "--today", "2026-11-22")
    assert r.returncode == 0, r.stderr
    runbook, service = tmp_path / "runbooks/chatserver-troubleshooting.pdf", tmp_path / "services/nginx.pdf"
    assert f"wrote {runbook} (1 page)" in r.stdout and f"wrote {service} (2 pages)" in r.stdout
    assert (pages(runbook), pages(service)) == (1, 2)
    text = subprocess.run(["pdftotext", str(runbook), "-"], capture_output=True, text=True, check=True).stdout
    assert "故障排查指南 (Python 聊天服务器)" in text and "2026-11-22" in text
    assert "sudo systemctl restart ${SERVICE}" in text


def test_usage_errors(tmp_path):
    r = kb_sheet("--pdf", str(tmp_path))
    assert r.returncode == 2 and "name runbooks, pass --service S, or --all" in r.stderr
    r = kb_sheet("no-such-runbook", "--pdf", str(tmp_path))
    assert r.returncode == 2 and "no such runbook or service with runbooks: no-such-runbook" in r.stderr
    r = kb_sheet("--all", "--pdf", str(tmp_path), "--today", "2026-13-01")
    assert r.returncode == 2 and "not a date" in r.stderr
    assert list(tmp_path.iterdir()) == []
    r = kb_sheet("--all")
    assert r.returncode == 2 and "--pdf" in r.stderr and "Traceback" not in r.stderr


def test_a_sheet_over_budget_is_written_and_named(tmp_path):
    (tmp_path / "runbooks").mkdir()
    text = MINIMAL_RUNBOOK + "".join(PROBLEM.format(i=i) for i in range(40))
    (tmp_path / "runbooks/web-502.yaml").write_text(text, encoding="utf-8")
    r = kb_sheet("web-502", "--pdf", str(tmp_path / "out"), "--root", str(tmp_path))
    assert r.returncode == 1
    assert "over budget: sheets/runbooks/web-502.html: 2 pages, budget 1: overflows by 1 page (" in r.stderr
    assert pages(tmp_path / "out/runbooks/web-502.pdf") == 2
