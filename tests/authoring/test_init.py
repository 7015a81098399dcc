"""`kb init`: a new knowledge-base repository that validates, formats, builds, serves and searches offline
the same day, written only into a new or empty folder."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.authoring import init as authoring_init
from generator.authoring.init import EXAMPLE, init_files
from tests.adapters.mkdocs_plugin.test_serve_quiet import DIRTY_WARNING, fetch, free_port, serving
from tests.conftest import ROOT, kb

pytestmark = pytest.mark.slow  # kb init, make and site builds

try:  # the browser helpers; their module skips itself where chromium or Playwright is missing
    from tests.adapters.mkdocs_plugin.test_site_browser import Page, browser  # noqa: F401 - a fixture
except pytest.skip.Exception:
    Page = None

# The project's own environment: `make test` of the new repository then installs nothing for Python.
VENV = Path(sys.executable).parent.parent
FILES = {
    ".github/workflows/kb.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Makefile",
    "README.md",
    "docs/.gitkeep",
    "incidents/.gitkeep",
    "mkdocs.yml",
    "package-lock.json",
    "package.json",
    "runbooks/disk-full.yaml",
    "schema/incident.schema.json",
    "schema/runbook.schema.json",
}
# A word of the example runbook to type into the search box, per language.
SEARCHES = {"zh": "磁盘", "en": "No space left"}


def make_env() -> dict[str, str]:
    """This environment, without an outer make's settings (when the tests run under `make test`)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}


def init(folder: Path, *args: str):
    return kb("init", str(folder), *args, cwd=folder.parent)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_files_written(language):
    files = init_files(language, today=dt.date(2026, 11, 22), kb_tool="runbook-kb==0.1.0")
    assert set(files) == FILES
    assert files["incidents/.gitkeep"] == files["docs/.gitkeep"] == ""
    assert "last_reviewed: 2026-11-22\n" in files[EXAMPLE]
    assert "KB_TOOL ?= runbook-kb==0.1.0\n" in files["Makefile"]
    assert "index.md" not in str(files)  # the plugin generates the home page; a hand-written one would clash


@pytest.mark.parametrize("language", ["zh", "en"])
def test_init_then_validate_strict_and_fmt_check_pass(tmp_path, language):
    folder = tmp_path / "kb"
    r = init(folder, "--language", language)
    assert r.returncode == 0, r.stderr
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == FILES
    v = kb("validate", "--strict", "--no-cache", cwd=folder)
    assert v.returncode == 0, v.stdout + v.stderr
    f = kb("fmt", "--check", cwd=folder)
    assert f.returncode == 0, f.stdout + f.stderr
    text = (folder / EXAMPLE).read_text(encoding="utf-8")
    assert ("磁盘" in text) == (language == "zh")


def test_an_empty_folder_is_fine(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    assert init(folder, "--language", "en").returncode == 0
    assert (folder / EXAMPLE).is_file()


def _one_line_usage_error(r) -> None:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kb init: error: "), r.stderr


def test_a_folder_that_holds_anything_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "Makefile").write_text("mine\n", encoding="utf-8")
    r = init(folder)
    _one_line_usage_error(r)
    assert "not empty" in r.stderr
    assert [p.name for p in folder.iterdir()] == ["Makefile"]
    assert (folder / "Makefile").read_text(encoding="utf-8") == "mine\n"
    (folder / "Makefile").unlink()
    (folder / ".git").mkdir()  # a hidden file counts too
    _one_line_usage_error(init(folder))
    assert [p.name for p in folder.iterdir()] == [".git"]


def test_a_file_a_link_or_a_bad_name_is_a_usage_error(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    _one_line_usage_error(init(tmp_path / "file"))
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    _one_line_usage_error(r := init(tmp_path / "link"))
    assert "symbolic link" in r.stderr and not any((tmp_path / "empty").iterdir())
    _one_line_usage_error(init(tmp_path / "new", "--name", "two\nlines"))
    _one_line_usage_error(init(tmp_path / "new", "--language", "fr"))
    assert not (tmp_path / "new").exists()


def test_the_command_offers_the_languages_there_are():
    from generator.adapters.cli import init as cli_init

    assert cli_init.LANGUAGES == authoring_init.LANGUAGES


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_site_configuration_is_the_projects(language):
    name = 'Ops: team "A" #1'
    config = yaml.safe_load(init_files(language, name, today=dt.date(2026, 11, 22))["mkdocs.yml"])
    project = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == name
    assert config["theme"]["language"] == language
    assert config["theme"]["font"] is False
    assert config["theme"]["features"] == project["theme"]["features"]
    assert "navigation.prune" in config["theme"]["features"]
    assert config["markdown_extensions"] == project["markdown_extensions"]
    assert config["use_directory_urls"] is False
    plugins = {next(iter(p)) if isinstance(p, dict) else p: p for p in config["plugins"]}
    assert list(plugins) == ["search", "tags", "offline", "kb"]
    search = plugins["search"]["search"]
    assert search["lang"] == (["zh", "en"] if language == "zh" else "en")
    assert search["separator"] == project["plugins"][0]["search"]["separator"]
    assert "\\u200b" in search["separator"]
    assert plugins["kb"]["kb"]["shim"] == "node_modules/iframe-worker/shim/index.js"


def test_the_search_shim_is_pinned_as_in_this_project():
    files = init_files("en", today=dt.date(2026, 11, 22))
    for name in ("package.json", "package-lock.json"):
        assert files[name] == (ROOT / name).read_text(encoding="utf-8")


def test_hooks_ci_and_ignores():
    files = init_files("zh", today=dt.date(2026, 11, 22), kb_tool="runbook-kb @ git+https://example.org/kb.git@v1")
    ours = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    [repo] = yaml.safe_load(files[".pre-commit-config.yaml"])["repos"]
    assert repo["repo"] == "local"
    for hook in repo["hooks"]:
        assert hook["language"] == "system"
        same = ours[hook["id"]]
        assert (hook["entry"], hook["files"], hook.get("pass_filenames", True)) == (
            same["entry"],
            same["files"],
            same.get("pass_filenames", True),
        )
    assert {h["id"] for h in repo["hooks"]} == set(ours)
    workflow = yaml.safe_load(files[".github/workflows/kb.yml"])
    assert workflow["env"]["KB_TOOL"] == "runbook-kb @ git+https://example.org/kb.git@v1"
    runs = [s.get("run", "") for s in workflow["jobs"]["check"]["steps"]]
    assert "kb validate --format github --no-cache" in runs
    assert {".venv/", "/site/", ".kb-cache/", "node_modules/"} <= set(files[".gitignore"].splitlines())


def test_make_test_validates_checks_the_format_and_builds_strictly(tmp_path):
    folder = tmp_path / "kb"
    assert init(folder, "--language", "en").returncode == 0

    def planned(*args: str) -> list[str]:
        r = subprocess.run(["make", "-n", *args], cwd=folder, env=make_env(), capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()

    commands = planned("test", f"VENV={VENV}")
    for wanted in ("kb validate", "kb fmt --check", "mkdocs build --strict", "npm ci"):
        assert any(wanted in c for c in commands), (wanted, commands)
    assert not any("pip install" in c for c in commands)  # that environment has kb already
    [install] = [c for c in planned("test", "VENV=no-such-env", "KB_TOOL=../runbook-kb") if "pip install" in c]
    assert install.endswith("pip install --quiet '../runbook-kb'")


def run_make(folder: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", *args, f"VENV={VENV}"], cwd=folder, env=make_env(), capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow  # npm ci, a real site build, a browser and a server on loopback
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_new_knowledge_base_passes_make_test_serves_and_searches_offline(tmp_path, language, request):
    folder = tmp_path / "kb"
    assert init(folder, "--language", language).returncode == 0
    r = run_make(folder, "test")
    assert r.returncode == 0, r.stdout + r.stderr
    for wanted in ("kb validate", "kb fmt --check", "mkdocs build --strict"):
        assert wanted in r.stdout
    site = folder / "site"
    assert (site / "index.html").is_file() and (site / "runbooks/disk-full.html").is_file()
    assert (site / "sheets/runbooks/disk-full.pdf").is_file()

    port = free_port()
    command = ["make", "serve", f"VENV={VENV}", f"ADDR=127.0.0.1:{port}"]
    with serving(command, cwd=folder, env=make_env(), port=port) as served:
        assert fetch(served.url) == 200
    [said] = [line for line in served.lines if "Ctrl+C" in line]
    assert f"http://127.0.0.1:{port}/" in said and "Ctrl+C" in said, served.output
    assert DIRTY_WARNING not in served.output
    assert "WARNING" not in served.output, served.output

    if Page is None:
        pytest.skip("chromium or Playwright is missing (make test installs chromium)")
    page = Page(request.getfixturevalue("browser"), site)
    try:
        page.open("index.html")
        assert page.search(SEARCHES[language])[0] == "runbooks/disk-full.html"
        assert page.outside == [], page.outside
    finally:
        page.close()


def test_the_printed_next_steps_quote_the_folder(tmp_path):
    folder = tmp_path / "a kb"
    r = init(folder, "--language", "en")
    assert r.returncode == 0, r.stderr
    assert f"cd {shlex.quote(str(folder))} && git init" in r.stdout


def test_the_new_makefile_installs_the_tool_from_where_this_one_came_from():
    from generator.authoring.init import _direct_requirement

    git = '{"url": "https://example.org/ops/runbook-kb.git", "vcs_info": {"vcs": "git", "commit_id": "0a1b2c"}}'
    assert _direct_requirement(git) == "runbook-kb @ git+https://example.org/ops/runbook-kb.git@0a1b2c"
    assert _direct_requirement('{"url": "file:///src/runbook-kb", "dir_info": {"editable": true}}') == (
        "runbook-kb @ file:///src/runbook-kb"
    )
    assert _direct_requirement(None) is None and _direct_requirement("{not json") is None
