"""The index on disk: reused while nothing changes, updated file by file, never trusted when damaged."""

from __future__ import annotations

import shutil

import pytest

from generator.core.errors import Blocked
from generator.core.site_config import runbook_url
from generator.search.store import open_store
from tests.conftest import MINIMAL_RUNBOOK


def _kb(tmp_path):
    (tmp_path / "runbooks").mkdir(parents=True)
    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK, encoding="utf-8")
    return tmp_path


def _titles(opened) -> list[str]:
    import json

    return sorted(json.loads(d)["title"] for (d,) in opened.db.execute("SELECT data FROM entries"))


def test_warm_run_reuses_the_index_and_an_edit_reindexes_that_file_only(tmp_path):
    root = _kb(tmp_path)
    (root / "runbooks/web-503.yaml").write_text(MINIMAL_RUNBOOK.replace("id: web-502", "id: web-503"))
    cache = tmp_path / ".kb-cache"
    first = open_store(root, cache)
    assert first.rebuilt == ["runbooks/web-502.yaml", "runbooks/web-503.yaml"]
    assert open_store(root, cache).rebuilt == []
    # Same size, written right away (perhaps within the same mtime tick): the content hash catches it.
    path = root / "runbooks/web-502.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("后端未运行", "后端已停止"), encoding="utf-8")
    again = open_store(root, cache)
    assert again.rebuilt == ["runbooks/web-502.yaml"]
    assert _titles(again) == ["后端已停止", "后端未运行"]


def test_new_and_removed_files_change_the_index_and_a_damaged_one_is_rebuilt(tmp_path):
    root = _kb(tmp_path)
    cache = tmp_path / "cache"
    open_store(root, cache)
    second = MINIMAL_RUNBOOK.replace("id: web-502", "id: web-503").replace("后端未运行", "后端挂了")
    (root / "runbooks/web-503.yaml").write_text(second, encoding="utf-8")
    assert _titles(open_store(root, cache)) == ["后端挂了", "后端未运行"]
    (root / "runbooks/web-502.yaml").unlink()
    opened = open_store(root, cache)
    assert opened.removed == ["runbooks/web-502.yaml"] and _titles(opened) == ["后端挂了"]
    opened.db.close()
    for f in cache.glob("search-*.sqlite"):
        f.write_bytes(b"not a database" * 100)
    assert _titles(open_store(root, cache)) == ["后端挂了"]


def test_a_knowledge_base_with_errors_is_not_indexed(tmp_path):
    """The index is an output: nothing that `kb validate` rejects gets into it."""
    root = _kb(tmp_path)
    (root / "runbooks/broken.yaml").write_text("kind: runbook\nid: [\n", encoding="utf-8")
    with pytest.raises(Blocked) as refused:
        open_store(root, tmp_path / "cache")
    assert [f.path.rsplit("/", 1)[-1] for f in refused.value.findings] == ["broken.yaml"]


def test_index_moves_with_the_folder(tmp_path):
    root = _kb(tmp_path / "a")
    open_store(root, root / ".kb-cache").db.close()
    moved = tmp_path / "b"
    shutil.copytree(root, moved)
    opened = open_store(moved, moved / ".kb-cache")
    assert [p for (p,) in opened.db.execute("SELECT path FROM entries")] == ["runbooks/web-502.yaml"]


def test_page_urls_follow_the_site_settings():
    assert runbook_url({"url": "", "directory_urls": False}, "web", "p") == "runbooks/web.html#p"
    assert runbook_url({"url": "https://kb.example/", "directory_urls": True}, "web", "p") == (
        "https://kb.example/runbooks/web/#p"
    )
    assert runbook_url({"url": "", "directory_urls": False}, "web", "p", "http://h") == "http://h/runbooks/web.html#p"
    assert runbook_url({"url": "", "directory_urls": True}, "web", base="http://h/") == "http://h/runbooks/web/"


def test_an_edit_that_adds_no_new_chinese_does_not_load_jieba(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    root = _kb(tmp_path)
    cache = tmp_path / ".kb-cache"
    open_store(root, cache)
    path = root / "runbooks/web-502.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 后端未运行\n", encoding="utf-8")  # Chinese it has seen
    probe = (
        "import sys; from pathlib import Path; from generator.core import parallel; "
        "from generator.search.store import open_store; "
        "parallel.can_fork = lambda: False; "  # whatever jieba would load, it would load in this process
        f"o = open_store(Path({str(root)!r}), Path({str(cache)!r})); print(o.rebuilt, 'jieba' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split("\n")[0] == "['runbooks/web-502.yaml'] False", out.stderr


def test_an_edit_that_adds_new_chinese_segments_it_from_the_indexs_dictionary_as_jieba_does(tmp_path):
    import os
    import subprocess
    import sys

    from generator.search.tokens import segmenter
    from tests.conftest import ROOT

    root = _kb(tmp_path)
    cache = tmp_path / ".kb-cache"
    open_store(root, cache).db.close()  # the first build loads jieba (in a fork) and keeps its dictionary
    new = "值班同学反馈网关偶发性抖动超时"
    path = root / "runbooks/web-502.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"# {new}\n", encoding="utf-8")
    probe = (
        "from pathlib import Path; from generator.core import parallel; from generator.search import tokens; "
        "from generator.search.store import open_store; "
        "parallel.can_fork = lambda: False; "  # whatever jieba would load, it would load in this process
        f"o = open_store(Path({str(root)!r}), Path({str(cache)!r})); "
        f"print(o.rebuilt, tokens._tokenizer.cache_info().currsize); "
        f"print(o.db.execute('SELECT tokens FROM segments WHERE run = ?', ({new!r},)).fetchone()[0])"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    lines = out.stdout.split("\n")
    assert lines[0] == "['runbooks/web-502.yaml'] 0", out.stderr  # the whole dictionary was not loaded
    user_dict = root / "search/ops-terms.txt"
    assert lines[1].split(" ") == segmenter(user_dict if user_dict.is_file() else None)(new)
