"""One key for every cache: it changes whenever the package's own code or data changes.

Derived from the files themselves (every module, template, label and data file under the package),
so no hand-kept list can forget the file that changes a cached verdict; and the versions of the
libraries that decide verdicts.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
SUFFIXES = {".py", ".j2", ".yaml", ".yml", ".css", ".txt", ".json"}


# Libraries whose upgrade can change a verdict (what counts as a secret, what parses).
LIBRARIES = ("detect-secrets", "pydantic", "ruamel.yaml", "pyyaml", "jieba", "snowballstemmer")


@cache
def code_fingerprint() -> str:
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(sys.byteorder.encode(), digest_size=8)
    for name in LIBRARIES:
        try:
            h.update(f"{name}=={version(name)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{name} missing\n".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
