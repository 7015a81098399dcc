"""Benchmark: `kb validate` against check-jsonschema on the same synthetic files, whole processes.

    python benchmarks/validate.py [--count 10000] [--keep DIR]

Generates N runbooks of about 3 KB (Chinese text, commands, a few with errors), then times:
  - kb validate, cold (empty cache)             peak RSS of the process tree
  - kb validate, warm (nothing changed)
  - check-jsonschema with the exported schema, on the same files
and prints the table and the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, exit code, and peak RSS (MB) of the children this call waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, proc.returncode, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    docs = work / "runbooks"
    broken = generate(docs, args.count)
    shutil.copytree(ROOT / "schema", work / "schema", dirs_exist_ok=True)
    files = sorted(docs.glob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / len(files) / 1024:.1f} KB each on average, {broken} with an error\n")

    cache = work / ".kb-cache"
    shutil.rmtree(cache, ignore_errors=True)
    kb = [str(BIN / "kb"), "validate", "runbooks", "--cache-dir", str(cache), "--today", "2026-11-22"]
    cold, cold_rc, cold_mem = run(kb, work)
    warm, warm_rc, _ = run(kb, work)
    # Peak memory is per process tree; measure check-jsonschema in its own run of this script's children.
    cj = [str(BIN / "check-jsonschema"), "--schemafile", "schema/runbook.schema.json", *map(str, files)]
    peer, peer_rc, _ = run(cj, work)

    rows = [
        ("kb validate (cold, empty cache)", cold, cold_rc),
        ("kb validate (warm, nothing changed)", warm, warm_rc),
        ("check-jsonschema (exported schema)", peer, peer_rc),
    ]
    print(f"{'command':40} {'seconds':>8} {'exit':>5}")
    for name, secs, rc in rows:
        print(f"{name:40} {secs:8.2f} {rc:5}")
    print(f"\ncold / check-jsonschema: {cold / peer:.3f}  (target <= 0.25)")
    print(f"warm run:                {warm:.2f} s  (target < 1 s)")
    print(f"peak RSS, kb validate:   {cold_mem:.0f} MB (largest single process; target < 500 MB)")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
