"""Benchmark: the site built through the plugin against the same pages built by plain MkDocs.

    python benchmarks/site_build.py [--sizes 500 2000] [--repeats 3] [--serve-size 1000] [--no-example-pdf]

For each size, in one run: `mkdocs build` with the plugin (pages made in memory from YAML), and
`kb export` + `mkdocs build` of the exported Markdown without the plugin (same theme, search,
offline), taking turns --repeats times; the table shows the medians and every run. Then, under
`mkdocs serve --dirty` (what `make serve` runs) with --serve-size documents, the time from saving a
YAML file to the served page showing the edit. Whole processes throughout.
First, the example knowledge base built with its quick-fix sheet PDFs (`pdf: true`) against the same
build without them; the synthetic builds leave PDFs off.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def site_config(folder: Path, with_plugin: bool, pdf: bool = False) -> Path:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("jieba_dict_user: search/", f"jieba_dict_user: {ROOT}/search/")
    # The kb plugin's block, without PDF sheets: plain MkDocs has nothing to compare them with.
    kb = re.search(r"^  - kb:\n(?:      .*\n)*", config, flags=re.M).group(0)
    options = f"      shim: {ROOT}/node_modules/iframe-worker/shim/index.js\n      pdf: {str(pdf).lower()}\n"
    config = config.replace(kb, "  - kb:\n" + options if with_plugin else "")
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    return time.perf_counter() - start


def build_pair(work: Path, count: int, repeats: int) -> dict:
    plugin_dir, plain_dir = work / f"plugin-{count}", work / f"plain-{count}"
    generate(plugin_dir / "runbooks", count, broken_every=0)
    site_config(plugin_dir, with_plugin=True)
    site_config(plain_dir, with_plugin=False)
    mkdocs = str(BIN / "mkdocs")
    export = timed([str(BIN / "kb"), "export", str(plain_dir / "docs"), "--root", str(plugin_dir)], work)
    nav = (plain_dir / "docs/nav.yml").read_text(encoding="utf-8")  # the same navigation the plugin builds
    (plain_dir / "docs/nav.yml").unlink()
    with (plain_dir / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write(nav)
    # Turn about, so that a slow spell of a shared machine falls on both; medians.
    plugin, plain = [], []
    for _ in range(repeats):
        plugin.append(timed([mkdocs, "build", "-q"], plugin_dir))
        plain.append(timed([mkdocs, "build", "-q"], plain_dir))
    index = plugin_dir / "site/search/search_index.json"
    return {
        "count": count,
        "plugin": statistics.median(plugin),
        "plain": statistics.median(plain),
        "runs": f"plugin {', '.join(f'{t:.1f}' for t in plugin)}; plain {', '.join(f'{t:.1f}' for t in plain)}",
        "export": export,
        "index_kb_per_doc": index.stat().st_size / 1024 / count,
    }


def example_pdf(work: Path) -> tuple[float, float]:
    """The example knowledge base built with and without the sheet PDFs: (seconds with, seconds without)."""
    times = []
    for pdf in (True, False):
        folder = work / f"example-pdf-{pdf}"
        config = site_config(folder, with_plugin=True, pdf=pdf)
        text = config.read_text(encoding="utf-8").replace("  - kb:\n", f"  - kb:\n      root: {ROOT}\n")
        config.write_text(text, encoding="utf-8")
        times.append(timed([str(BIN / "mkdocs"), "build", "-q"], folder))
    return times[0], times[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_latency(work: Path, count: int, edits: int = 3) -> list[float]:
    folder = work / f"serve-{count}"
    generate(folder / "runbooks", count, broken_every=0)
    site_config(folder, with_plugin=True)
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=folder,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # an unread pipe would fill up and stall the server
    )
    url = f"http://127.0.0.1:{port}/runbooks/svc-00042.html"
    try:
        deadline = time.time() + 600
        while not _fetch(url):
            if proc.poll() is not None or time.time() > deadline:
                sys.exit("mkdocs serve did not come up")
            time.sleep(0.5)
        results = []
        target = folder / "runbooks/svc-00042.yaml"
        for i in range(edits):
            token = f"EDIT{i}X{int(time.time())}"
            text = re.sub(r"^title: .*$", f"title: 编辑 {token}", target.read_text(encoding="utf-8"), flags=re.M)
            start = time.perf_counter()
            target.write_text(text, encoding="utf-8")
            while token not in (_fetch(url) or ""):
                if time.perf_counter() - start > 300:
                    sys.exit("the edit never showed")
                time.sleep(0.05)
            results.append(time.perf_counter() - start)
            time.sleep(1)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # loopback only
            return r.read().decode("utf-8")
    except OSError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 2000])
    parser.add_argument("--serve-size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="builds of each kind per size (medians)")
    parser.add_argument("--no-example-pdf", action="store_true", help="skip the example KB's PDF build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-site-bench-") as tmp:
        work = Path(tmp)
        if not args.no_example_pdf:
            with_pdf, without = example_pdf(work)
            print(
                f"example knowledge base: build with sheet PDFs {with_pdf:.1f} s, without {without:.1f} s "
                f"(ratio {with_pdf / without:.2f})\n"
            )
        rows = [build_pair(work, n, args.repeats) for n in args.sizes]
        if rows:
            print(f"{'documents':>9} {'plugin s':>9} {'plain s':>8} {'ratio':>6} {'export s':>9} {'index KB/doc':>13}")
        for r in rows:
            print(
                f"{r['count']:9} {r['plugin']:9.1f} {r['plain']:8.1f} {r['plugin'] / r['plain']:6.2f} "
                f"{r['export']:9.1f} {r['index_kb_per_doc']:13.1f}   ({r['runs']})"
            )
            print("targets: ratio <= 1.10; 2,000 documents < 30 s")
        if args.serve_size:
            lat = serve_latency(work, args.serve_size)
            print(
                f"\nmkdocs serve, {args.serve_size} documents: edit -> page shows it in "
                + ", ".join(f"{x:.1f}" for x in lat)
                + " s (target < 3 s)"
            )


if __name__ == "__main__":
    main()
