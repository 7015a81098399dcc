"""Files stay inside: links are never read or written through, writes are atomic, FIFOs never block."""

from __future__ import annotations

import os

import pytest

from generator.core import fsio
from generator.core.pipeline import validate
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY, kb


def test_a_link_among_the_documents_is_refused_and_never_read(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "incidents").mkdir()
    secret = tmp_path / "outside.txt"
    secret.write_text("root:x:0:0:the first line of a file outside\n")
    (tmp_path / "incidents/passwd.yaml").symlink_to(secret)
    (tmp_path / "runbooks/elsewhere.yaml").symlink_to(ROOT / "runbooks/nginx-502-bad-gateway.yaml")
    (tmp_path / "runbooks/linked-dir").symlink_to(ROOT / "runbooks", target_is_directory=True)
    findings = validate(tmp_path, today=TODAY)
    assert {(f.path.rsplit("/", 1)[-1], f.rule) for f in findings} == {
        ("passwd.yaml", "not-a-file"),
        ("elsewhere.yaml", "not-a-file"),
        ("linked-dir", "not-a-file"),
    }
    r = kb("validate", tmp_path, "--no-cache")
    assert r.returncode == 1 and "root:x" not in r.stdout + r.stderr
    export = kb("export", tmp_path / "out", "--root", tmp_path)  # nothing published through a link
    assert export.returncode == 1 and not (tmp_path / "out").exists()


def test_a_fifo_among_the_documents_is_refused_without_blocking(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks/web-502.yaml").write_text(MINIMAL_RUNBOOK)
    os.mkfifo(tmp_path / "runbooks/pipe.yaml")
    r = kb("validate", tmp_path, "--no-cache", timeout=20)
    assert r.returncode == 1 and "pipe.yaml is not a regular file" in r.stdout


@pytest.mark.parametrize("command", [["snippets", "{out}"], ["export", "{out}"]])
def test_writers_never_follow_a_link_inside_the_output_folder(tmp_path, command):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    # A folder link where the writer will put files, and a file link where it will write one.
    (out / "nginx-502-bad-gateway").symlink_to(elsewhere, target_is_directory=True)
    (out / "runbooks").symlink_to(elsewhere, target_is_directory=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "nav.yml").symlink_to(victim)
    r = kb(*(a.format(out=out) for a in command), "--root", ROOT)
    assert "Traceback" not in r.stderr
    assert list(elsewhere.iterdir()) == []
    assert victim.read_text() == "keep me"
    if r.returncode == 0:  # the file link was replaced by a file, never written through
        assert not (out / "nav.yml").is_symlink()
    else:
        assert r.returncode == 2 and "symbolic link" in r.stderr


def test_write_file_is_atomic_and_replaces_a_link_instead_of_following_it(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "out").mkdir()
    link = tmp_path / "out" / "f"
    link.symlink_to(victim)
    fsio.write_file(link, "new", root=tmp_path / "out", mode=0o600)
    assert victim.read_text() == "keep" and link.read_text() == "new" and not link.is_symlink()
    assert oct(link.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["f"]  # no temporary file left
    with pytest.raises(fsio.UnsafePath):
        fsio.write_tree(tmp_path / "out", {"../escape": "x"})


def test_read_bytes_refuses_links_and_special_files(tmp_path):
    (tmp_path / "f").write_text("x")
    (tmp_path / "l").symlink_to(tmp_path / "f")
    os.mkfifo(tmp_path / "p")
    assert fsio.read_bytes(tmp_path / "f") == b"x"
    for name in ("l", "p"):
        with pytest.raises(fsio.UnsafePath):
            fsio.read_bytes(tmp_path / name)
    with pytest.raises(fsio.UnsafePath):
        fsio.read_bytes("/dev/zero")
