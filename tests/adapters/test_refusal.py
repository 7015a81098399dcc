"""Nothing is made from a knowledge base that `kb validate` rejects: every output refuses, and nothing
it writes holds the offending text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MINIMAL_RUNBOOK, kb, make_kb, mkdocs_build

pytestmark = pytest.mark.slow  # kb processes and site builds

FAKE_TOKEN = "ghp_" + "Q7f3kL9xV2mN8pR4tW6yZ1aB5cD0eF3gH7jK"  # the shape of a GitHub token; not a real one
OFFENCES = {
    "secret": MINIMAL_RUNBOOK.replace("grep ${PORT}", f"grep ${{PORT}} && GITHUB_TOKEN={FAKE_TOKEN} gh api /user"),
    "undeclared-parameter": MINIMAL_RUNBOOK.replace("grep ${PORT}", "grep ${SECRET_PORT_9931}"),
    "broken-ref": MINIMAL_RUNBOOK + "related: [no-such-runbook-9931]\n",
}
NEEDLE = {"secret": FAKE_TOKEN, "undeclared-parameter": "SECRET_PORT_9931", "broken-ref": "no-such-runbook-9931"}


def _kb(tmp_path: Path, rule: str) -> Path:
    make_kb(tmp_path, {"runbooks/web-502.yaml": OFFENCES[rule]})
    return tmp_path


def _holds(folder: Path, needle: str) -> list[str]:
    if not folder.exists():
        return []
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


@pytest.mark.parametrize("rule", sorted(OFFENCES))
@pytest.mark.parametrize(
    "args",
    [["export", "{out}"], ["snippets", "{out}"], ["sheet", "--all", "--pdf", "{out}"], ["search", "后端"]],
    ids=["export", "snippets", "sheet", "search-index"],
)
def test_each_command_output_refuses_a_rejected_knowledge_base(tmp_path, rule, args):
    root = _kb(tmp_path / "kb", rule)
    out = tmp_path / "out"
    r = kb(*(a.format(out=out) for a in args), "--root", root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"error[{rule}]" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
    assert _holds(out, NEEDLE[rule]) == [] and not out.exists()
    assert not list((root / ".kb-cache").glob("search-*"))  # no search index was made from it
    if rule == "secret":  # nor does any cache keep the secret
        assert _holds(root / ".kb-cache", FAKE_TOKEN) == []


@pytest.mark.slow
@pytest.mark.parametrize("rule", sorted(OFFENCES))
def test_the_site_build_refuses_and_keeps_the_previous_site(tmp_path, rule):
    config = make_kb(tmp_path, {"runbooks/web-502.yaml": MINIMAL_RUNBOOK})
    site = tmp_path / "site"
    assert mkdocs_build(config, site).returncode == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (tmp_path / "runbooks/web-502.yaml").write_text(OFFENCES[rule], encoding="utf-8")
    r = mkdocs_build(config, site)
    assert r.returncode != 0 and f"error[{rule}]" in r.stderr and "Traceback" not in r.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert _holds(site, NEEDLE[rule]) == []
