"""The index on disk: reused while nothing changes, rebuilt when a file does, never trusted when damaged."""

from __future__ import annotations

import shutil

import pytest

from generator.core.site_config import runbook_url
from generator.search.index import open_index
from tests.conftest import MINIMAL_RUNBOOK


def _kb(tmp_path):
    (tmp_path / "runbooks").mkdir(parents=True)
    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    return tmp_path


def test_warm_run_reuses_the_index_and_an_edit_rebuilds_it(tmp_path):
    root = _kb(tmp_path)
    cache = tmp_path / ".kb-cache"
    first = open_index(root, cache)
    assert first.rebuilt and first.index.size == 1
    assert not open_index(root, cache).rebuilt
    # Same size, written right away (perhaps within the same mtime tick): the content hash catches it.
    path = root / "runbooks/web-502.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("后端未运行", "后端已停止"), encoding="utf-8")
    again = open_index(root, cache)
    assert again.rebuilt and again.index.entry(0)["title"] == "后端已停止"


def test_new_and_removed_files_change_the_index(tmp_path):
    root = _kb(tmp_path)
    cache = tmp_path / "cache"
    open_index(root, cache)
    second = MINIMAL_RUNBOOK.replace("id: web-502", "id: web-503")
    (root / "runbooks/web-503.yaml").write_text(second, encoding="utf-8")
    assert open_index(root, cache).index.size == 2
    (root / "runbooks/web-502.yaml").unlink()
    built = open_index(root, cache)
    assert built.rebuilt and built.index.size == 1 and built.index.entry(0)["runbook"] == "web-503"


def test_a_knowledge_base_with_errors_is_not_indexed(tmp_path):
    """The index is an output: nothing that `kb validate` rejects gets into it."""
    from generator.core.errors import Blocked

    root = _kb(tmp_path)
    (root / "runbooks/broken.yaml").write_text("kind: runbook\nid: [\n", encoding="utf-8")
    with pytest.raises(Blocked) as refused:
        open_index(root, tmp_path / "cache")
    assert [f.path.rsplit("/", 1)[-1] for f in refused.value.findings] == ["broken.yaml"]
    assert not list((tmp_path / "cache").glob("find-*.bin"))


def test_a_damaged_index_is_rebuilt(tmp_path):
    root = _kb(tmp_path)
    cache = tmp_path / "cache"
    open_index(root, cache)
    for f in cache.glob("find-*.bin"):
        f.write_bytes(b"KBFIND1\n\xff\xff")
    built = open_index(root, cache)
    assert built.rebuilt and built.index.size == 1


def test_index_moves_with_the_folder(tmp_path):
    root = _kb(tmp_path / "a")
    open_index(root, root / ".kb-cache")
    moved = tmp_path / "b"
    shutil.copytree(root, moved)
    assert open_index(moved, moved / ".kb-cache").index.entry(0)["path"] == "runbooks/web-502.yaml"


def test_page_urls_follow_the_site_settings():
    assert runbook_url({"url": "", "directory_urls": False}, "web", "p") == "runbooks/web.html#p"
    assert runbook_url({"url": "https://kb.example/", "directory_urls": True}, "web", "p") == (
        "https://kb.example/runbooks/web/#p"
    )
    assert runbook_url({"url": "", "directory_urls": False}, "web", "p", "http://h") == "http://h/runbooks/web.html#p"
    assert runbook_url({"url": "", "directory_urls": True}, "web", base="http://h/") == "http://h/runbooks/web/"
