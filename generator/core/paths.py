"""Which files make up a knowledge base, and what a root is.

A root is a folder holding `incidents/` or `runbooks/` (or both); only those folders are read, so
`mkdocs.yml`, label files, hooks and workflow examples beside them are never taken for documents.
Symbolic links and special files (FIFOs, devices) among the documents are reported, never read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import UsageError
from generator.core.findings import Finding
from generator.core.fsio import kind_of

KB_FOLDERS = ("incidents", "runbooks")
SUFFIXES = (".yaml", ".yml")


@dataclass
class Discovered:
    paths: list[str] = field(default_factory=list)  # regular YAML files, sorted, each once
    refused: list[Finding] = field(default_factory=list)  # links and special files, located at line 1

    @property
    def files(self) -> list[Path]:
        return [Path(p) for p in self.paths]


def is_root(folder: Path) -> bool:
    return any(kind_of(folder / name) == "folder" for name in KB_FOLDERS)


def check_root(path: str | Path) -> Path:
    """The folder as a knowledge-base root, or a UsageError saying in one line why it is not one."""
    root = Path(path)
    kind = kind_of(root)
    if kind == "missing":
        raise UsageError(f"{root}: no such folder")
    if kind == "symlink" and root.is_dir():
        kind = "folder"  # a root given on the command line may be a link; links inside it are refused
    if kind != "folder":
        raise UsageError(f"{root}: not a folder ({'a file' if kind == 'file' else 'a ' + kind})")
    if not is_root(root):
        raise UsageError(f"{root}: no knowledge base here (no incidents/ or runbooks/ folder)")
    return root


def discover(targets: Iterable[str | Path]) -> Discovered:
    """The documents under the given roots, folders or files. A root means its incidents/ and runbooks/."""
    found: set[str] = set()  # strings: ten thousand Path objects cost a warm search a tenth of a second
    out = Discovered()
    for target in map(Path, targets):
        kind = kind_of(target)
        if kind == "symlink":
            kind = "folder" if target.is_dir() else "file-link"
        if kind == "missing":
            raise UsageError(f"{target}: no such file or folder")
        if kind == "special":
            raise UsageError(f"{target}: not a regular file (a FIFO, socket or device is never read)")
        if kind == "file-link":
            out.refused.append(_refused(target, "is a symbolic link; links are never read"))
        elif kind == "file":
            found.add(str(target))
        else:
            folders = (
                [target / n for n in KB_FOLDERS if kind_of(target / n) == "folder"] if is_root(target) else [target]
            )
            for folder in folders:
                _walk(folder, found, out)
    out.paths = sorted(found)
    out.refused.sort(key=lambda f: f.path)
    return out


def _walk(folder: Path, found: set[str], out: Discovered) -> None:
    """Regular YAML files below folder. Directory entries say what each name is without a system call per
    file, and links are never followed."""
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    if entry.name.endswith(SUFFIXES) or entry.is_dir():
                        what = " to a folder" if entry.is_dir() else ""
                        out.refused.append(
                            _refused(Path(entry.path), f"is a symbolic link{what}; links are never read")
                        )
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(SUFFIXES):
                    if entry.is_file(follow_symlinks=False):
                        found.add(entry.path)
                    else:
                        why = "is not a regular file (a FIFO, socket or device); never read"
                        out.refused.append(_refused(Path(entry.path), why))


def _refused(path: Path, why: str) -> Finding:
    return Finding(
        str(path),
        "not-a-file",
        f"{path.name} {why}",
        line=1,
        col=1,
        hint="replace it with a regular file, or remove it",
    )
