"""Writing the sheets and scripts into the site: in process, and from a forked worker."""

from __future__ import annotations

import pytest

from generator.adapters.mkdocs_plugin.static_files import Job, StaticFilesError, Worker, write_static
from generator.core import pipeline
from generator.core.parallel import can_fork
from tests.conftest import ROOT, TODAY


def _job(site_dir):
    return Job(site_dir, TODAY, "zh", "abc1234", pdf=False)


def test_write_static_writes_every_file_and_skips_the_unchanged(tmp_path):
    corpus, _ = pipeline.run(ROOT, today=TODAY)
    written = write_static(corpus, _job(tmp_path))
    for path, text in written.texts.items():
        assert (tmp_path / path).read_text(encoding="utf-8") == text
        assert (tmp_path / path).stat().st_mode & 0o444 == 0o444  # a web server serving the site can read it
    assert written.over_budget == []

    # What the site already holds is not written again; anything else is.
    kept, stale = sorted(written.texts)[:2]
    (tmp_path / kept).write_text("left alone", encoding="utf-8")
    (tmp_path / stale).write_text("stale", encoding="utf-8")
    unchanged = {p: t for p, t in written.texts.items() if p != stale}
    write_static(corpus, _job(tmp_path), unchanged=unchanged)
    assert (tmp_path / kept).read_text(encoding="utf-8") == "left alone"
    assert (tmp_path / stale).read_text(encoding="utf-8") == written.texts[stale]


@pytest.mark.skipif(not can_fork(), reason="the worker forks")
def test_the_worker_writes_the_files_and_reports_a_failure_clearly(tmp_path):
    corpus, _ = pipeline.run(ROOT, today=TODAY)
    assert Worker(corpus, _job(tmp_path / "site")).wait() == []
    assert (tmp_path / "site/snippets/chatserver-troubleshooting/diagnose.sh").is_file()

    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StaticFilesError, match=r"^cannot write .*file.*: Not a directory$"):
        Worker(corpus, _job(tmp_path / "file" / "site")).wait()
