"""Reading and writing files safely: the one place the package touches file contents on disk.

Reads refuse anything but a regular file without blocking (a FIFO is never opened for a wait) and
never follow a symbolic link. Writes go to a temporary file in the same folder, are flushed to disk,
then renamed over the target, so a reader sees the old file or the new one, never half of either;
and no folder on the way from the output root to the file may be a symbolic link.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path


class UnsafePath(OSError):
    """A symbolic link, a FIFO, a device or a folder where a file is wanted; strerror says which."""

    def __init__(self, path: str | Path, why: str) -> None:
        super().__init__(0, why, str(path))


def kind_of(path: Path) -> str:
    """'file', 'folder', 'symlink', 'missing' or 'special' (FIFO, socket, device), without following links."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special"


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """A regular file's bytes (at most limit + 1 of them), refusing links and special files."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the last component is a symbolic link
            raise UnsafePath(path, "is a symbolic link; links are not followed") from None
        raise
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath(path, "is not a regular file")
        return f.read() if limit is None else f.read(limit + 1)


def _check_parents(root: Path, target: Path) -> None:
    """No folder between root (included) and target may be a symbolic link."""
    current = root
    for part in [None, *target.relative_to(root).parts[:-1]]:
        if part is not None:
            current = current / part
        kind = kind_of(current)
        if kind == "symlink":
            raise UnsafePath(current, "is a symbolic link; output is never written through one")
        if kind in ("file", "special"):
            raise UnsafePath(current, "is not a folder")


def write_file(target: str | Path, data: bytes | str, *, root: str | Path | None = None, mode: int = 0o644) -> Path:
    """Write atomically (temporary file, fsync, rename). The rename replaces a link at `target` itself,
    so nothing is ever written through it; folders under `root` are created and must not be links."""
    target = Path(target)
    root = Path(root) if root is not None else target.parent
    _check_parents(root, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _check_parents(root, target)  # a link made meanwhile is refused too
    if kind_of(target) == "folder":
        raise UnsafePath(target, "is a folder")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_tree(root: str | Path, files: Mapping[str, bytes | str], *, mode: int = 0o644) -> list[Path]:
    """Each relative path's content written under root (see write_file); the paths written, in order."""
    root = Path(root)
    if kind_of(root) == "symlink":
        raise UnsafePath(root, "is a symbolic link; output is never written through one")
    written = []
    for rel, data in files.items():
        rel_path = Path(rel)
        if rel_path.is_absolute() or ".." in rel_path.parts:
            raise UnsafePath(rel, "is outside the output folder")
        written.append(write_file(root / rel_path, data, root=root, mode=mode))
    return written


def replace_folder(new: Path, final: Path) -> None:
    """Put the folder `new` where `final` is, in one step: readers (and a build killed at any moment) see
    the old folder whole or the new one whole. The old one is then removed."""
    import shutil

    if kind_of(final) == "folder" and _exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old folder
        return
    if kind_of(final) in ("symlink", "file", "special"):
        raise UnsafePath(final, "is not a folder; the site is never written through a link")
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if kind_of(final) == "folder":
        os.rename(final, old)  # where the kernel cannot exchange two folders: two renames
    os.rename(new, final)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Linux's renameat2(RENAME_EXCHANGE): swap two paths atomically. False where unavailable."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        at_fdcwd, rename_exchange = -100, 2
        return libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
    except (OSError, AttributeError):
        return False
