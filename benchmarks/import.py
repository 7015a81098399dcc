"""Benchmark: how well `kb import` drafts runbooks and incidents from the write-ups in tests/fixtures/import/.

    python benchmarks/import.py [--keep DIR] [--jobs N] [--worst 8] [--json FILE] [FILE ...]

Every fixture listed in tests/fixtures/import/manifest.yaml is imported with the `kb` next to this
Python (`kb import FILE --kind K -o OUT`, the kind from the manifest, several at a time), then the drafts
are checked with `kb validate` (one run for all of them, since a process per draft costs more than the
checks; a draft with a finding that involves other files is checked again alone, so each gets the verdict
of `kb validate DRAFT`). Printed, for the whole corpus and per file:

  drafts that validate      drafts written and with no error from `kb validate` (warnings, such as
                            `unsorted`, are allowed)
  runbooks with a problem   runbook drafts with at least one entry under `problems`; and those with as
                            many problems as the manifest expects
  left in unsorted          per draft, characters of source lines found inside the `unsorted` field over
                            all source characters; the median over drafts
  commands kept as steps    command lines of the source's shell/SQL code blocks that appear in the `run:`
                            of some step, over all of them
  source lines lost         non-empty source lines that appear nowhere in the draft (values and comments)
  guesses made              `# guessed:` comments in the drafts
  placeholders redacted     `<redacted …>` in the drafts: every credential in the corpus is a placeholder,
                            so each one is a false alarm

How lines are compared: whitespace is collapsed; markdown structure is not content, so fence lines, table
rules, thematic breaks and front-matter delimiters are skipped, and heading hashes, list markers, checkboxes
and quote marks are taken off. A table row is a line whose cells must each be found; a front-matter entry
counts by its value. A piece of text is found when it, or its plain form (inline markdown and HTML tags
removed, entities decoded), occurs in the draft; a closing colon may be missing, and "2024-01-31 17:20" may
read "2024-01-31T17:20" (timeline rows hold ISO times). HTML sources are read as the text a browser would show,
block by block; `<pre>` blocks are code, their language taken from the page's highlighter classes.
Command lines come from blocks marked bash, sh, shell, console, sql and the like; in a block with `$ `
prompts (always so for console) only the prompt lines count, the rest is output; comment lines are not
commands; blocks without a language are not counted.

The import is one function, `run_import`, so that a later CLI (folders, --out-dir) changes one place.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
KB = Path(sys.executable).parent / "kb"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

COMMAND_LANGS = {
    "bash", "sh", "shell", "zsh", "ksh", "console", "shell-session", "terminal",
    "sql", "psql", "mysql", "promql", "powershell", "ps1", "pwsh", "cmd", "bat", "batch",
}  # fmt: skip
PROMPT_LANGS = {"console", "shell-session", "terminal"}


# --- the CLI ---------------------------------------------------------------------------------------


def run_import(src: Path, kind: str, out_dir: Path) -> tuple[list[Path], str]:
    """Import one write-up with the CLI; (the drafts written, stderr). A source too large for one document
    is split: OUT, then OUT's name with -2-…, -3-… for the other parts."""
    out = out_dir / f"{_slug(src.stem)}.yaml"
    proc = subprocess.run(
        [str(KB), "import", str(src), "--kind", kind, "-o", str(out)], capture_output=True, text=True, cwd=out_dir
    )
    if not out.exists():
        return [], proc.stderr
    parts = sorted(
        out_dir.glob(f"{out.stem}-[0-9]*-*.yaml"), key=lambda p: int(p.name[len(out.stem) + 1 :].split("-")[0])
    )
    return [out, *parts], proc.stderr


CROSS_FILE = {"duplicate-id", "broken-ref"}


def run_validate(drafts: list[Path]) -> dict[Path, tuple[int, int, str]]:
    """(errors, warnings, first error) that `kb validate` reports for each draft.

    One `kb validate` for all the drafts (a process per draft costs more than the checks); a draft with
    a finding that involves other files, or all of them when the batch run fails, is checked again alone.
    """
    results = _validate(drafts)
    again = [d for d, r in results.items() if r is None] if results else list(drafts)
    for d in again:
        results[d] = (_validate([d]) or {}).get(d) or (1, 0, "kb validate gave no answer")
    return results


def _validate(drafts: list[Path]) -> dict[Path, tuple[int, int, str] | None]:
    if not drafts:
        return {}
    proc = subprocess.run(
        [str(KB), "validate", *map(str, drafts), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        cwd=drafts[0].parent,
    )
    try:
        findings = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        findings = None
    if proc.returncode not in (0, 1) or not isinstance(findings, list):
        if len(drafts) > 1:
            return {}
        return {drafts[0]: (1, 0, f"kb validate exit {proc.returncode}: {_last_line(proc.stderr or proc.stdout)}")}
    by_path: dict[Path, list[dict]] = {d: [] for d in drafts}
    for f in findings:
        path = Path(f.get("path", ""))
        path = path if path.is_absolute() else drafts[0].parent / path
        by_path.setdefault(path, []).append(f)
    out: dict[Path, tuple[int, int, str] | None] = {}
    for d in drafts:
        mine = by_path.get(d, [])
        if len(drafts) > 1 and any(f.get("rule") in CROSS_FILE for f in mine):
            out[d] = None
            continue
        errors = [f for f in mine if f.get("severity") == "error"]
        warnings = [f for f in mine if f.get("severity") == "warning"]
        first = f"{errors[0].get('rule')}: {errors[0].get('message')}" if errors else ""
        out[d] = (len(errors), len(warnings), first)
    return out


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "draft"


# --- text of the sources -------------------------------------------------------------------------


def norm(text: str) -> str:
    return " ".join(text.split())


_INLINE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<[^>\n]+>"), ""),  # tags
    (re.compile(r"(\*\*|__|~~|`)"), ""),  # emphasis and code marks
]


def plain(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return norm(html.unescape(text))


@dataclass
class Line:
    pieces: list[str]  # each must be found for the line to count as found

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.pieces)


@dataclass
class Source:
    lines: list[Line] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^\s`{]*)")
_RULE = re.compile(r"^\s*(?:([-*_])\s*(?:\1\s*){2,}|=+|\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_MARKERS = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:(?:\[[ xX]\]|[✅⏳☑✔☐🔲])\s*)?")
_REFDEF = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")


def markdown_source(text: str) -> Source:
    src = Source()
    lines = text.lstrip("\ufeff").splitlines()
    i = 0
    if lines and lines[0].strip() == "---":  # front matter: each entry counts by its value
        for j in range(1, len(lines)):
            if lines[j].strip() in ("---", "..."):
                for fm in lines[1:j]:
                    value = fm.split(":", 1)[1] if re.match(r"^\s*[\w-]+\s*:", fm) else fm
                    value = value.strip().lstrip("-").strip().strip("[]")
                    items = [v.strip().strip("'\"") for v in value.split(",")] if value else []
                    if any(items):
                        src.lines.append(Line([v for v in items if v]))
                i = j + 1
                break
    fence: tuple[str, str] | None = None  # (marker, language)
    block: list[str] = []
    for raw in lines[i:]:
        m = _FENCE.match(raw)
        if fence is None and m:
            fence, block = (m.group(1), m.group(2).lower()), []
            continue
        if fence is not None:
            if m and m.group(1)[0] == fence[0][0] and len(m.group(1)) >= len(fence[0]) and not m.group(2):
                src.commands += _commands(block, fence[1])
                fence = None
                continue
            if raw.strip():
                src.lines.append(Line([norm(raw)]))
                block.append(raw)
            continue
        if not raw.strip() or _RULE.match(raw):
            continue
        if raw.lstrip().startswith("|"):
            cells = [norm(c) for c in raw.strip().strip("|").split("|")]
            cells = [c for c in cells if c]
            if cells:
                src.lines.append(Line(cells))
            continue
        ref = _REFDEF.match(raw)
        if ref:
            src.lines.append(Line([norm(raw)]))
            continue
        body = _HEADING.sub("", raw).rstrip().rstrip("#").rstrip()
        body = norm(_MARKERS.sub("", body))
        if body and plain(body):
            src.lines.append(Line([body]))
    return src


def _commands(block: list[str], lang: str) -> list[str]:
    """The command lines of one code block. A block with `$ ` prompts (a console session, whatever its
    label) holds output too: only its prompt lines are commands."""
    if lang not in COMMAND_LANGS:
        return []
    lines = [raw.strip() for raw in block]
    if lang in PROMPT_LANGS or any(line.startswith("$ ") for line in lines):
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    sql = lang in ("sql", "psql", "mysql")
    return [norm(line) for line in lines if line and not line.startswith("#") and not (sql and line.startswith("--"))]


class _HtmlText(HTMLParser):
    """The text a browser shows, as blocks; table rows keep their cells; <pre> keeps its lines."""

    BLOCK = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "thead", "tbody",
        "section", "title", "br", "small", "dt", "dd", "blockquote", "header", "footer",
    }  # fmt: skip
    SKIP = {"style", "script"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src = Source()
        self.cells: list[str] = []
        self.buf: list[str] = []
        self.skip = 0
        self.pre: str | None = None  # language of the <pre> being read ("" when unknown)
        self.lang_stack: list[str] = []

    def _flush_cell(self) -> None:
        text = norm("".join(self.buf))
        if text:
            self.cells.append(text)
        self.buf = []

    def _flush_block(self) -> None:
        self._flush_cell()
        if self.cells:
            self.src.lines.append(Line(self.cells))
        self.cells = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        hint = " ".join(v or "" for k, v in attrs if k in ("class", "data-syntaxhighlighter-params"))
        m = re.search(r"(?:brush:\s*|language-|lang-)([\w-]+)", hint)
        self.lang_stack.append(m.group(1).lower() if m else "")
        if tag == "pre":
            self._flush_block()
            self.pre = next((lang for lang in reversed(self.lang_stack) if lang), "")
        elif tag in ("td", "th"):
            self._flush_cell()
        elif tag in self.BLOCK:
            self._flush_block()

    def handle_endtag(self, tag: str) -> None:
        if self.lang_stack:
            self.lang_stack.pop()
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        if tag == "pre" and self.pre is not None:
            block = [raw for raw in "".join(self.buf).splitlines() if raw.strip()]
            self.src.lines += [Line([norm(raw)]) for raw in block]
            self.src.commands += _commands(block, self.pre)
            self.buf, self.pre = [], None
        elif tag in ("td", "th"):
            self._flush_cell()
        elif tag in self.BLOCK:
            self._flush_block()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(data)


def html_source(text: str) -> Source:
    parser = _HtmlText()
    parser.feed(re.sub(r"<!--.*?-->", "", text, flags=re.S))
    parser.close()
    parser._flush_block()
    return parser.src


# --- the drafts ----------------------------------------------------------------------------------


def strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return [] if node is None else [str(node)]


def runs(node: Any) -> list[str]:
    if isinstance(node, dict):
        here = [node["run"]] if isinstance(node.get("run"), str) else []
        return here + [r for v in node.values() for r in runs(v)]
    if isinstance(node, list):
        return [r for v in node for r in runs(v)]
    return []


class Haystack:
    """Where pieces of source text are looked for: whole lines first, then anywhere."""

    def __init__(self, texts: list[str]) -> None:
        joined = "\n".join(texts)
        self.lines = {norm(ln) for ln in joined.splitlines()}
        self.lines |= {plain(ln) for ln in joined.splitlines()}
        self.text = norm(joined) + "\n" + plain(joined)

    def has(self, piece: str) -> bool:
        return any(p in self.lines or p in self.text for p in variants(piece))


_EMPHASIS = re.compile(r"(\*\*|__|~~)")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})")


def variants(piece: str) -> list[str]:
    """The piece as written, without emphasis, as plain text; each also without a closing colon; a
    "2024-01-31 17:20" also as "2024-01-31T17:20" (timeline rows hold ISO times)."""
    forms = [piece, norm(_EMPHASIS.sub("", piece)), plain(piece)]
    forms += [f.rstrip(":：").rstrip() for f in forms]
    forms += [_DATETIME.sub(r"\1T\2", f) for f in forms if _DATETIME.search(f)]
    return [f for f in dict.fromkeys(forms) if f]


@dataclass
class Result:
    file: str
    kind: str
    language: str
    expected_problems: int | None
    seconds: float = 0.0
    drafted: bool = False
    errors: int = 0
    warnings: int = 0
    error: str = ""
    problems: int = 0
    unsorted_share: float | None = None
    commands: int = 0
    commands_kept: int = 0
    lines: int = 0
    lines_lost: int = 0
    guesses: int = 0
    redacted: int = 0

    @property
    def valid(self) -> bool:
        return self.drafted and self.errors == 0

    @property
    def badness(self) -> float:
        score = 0.0 if self.valid else 2.0
        score += self.unsorted_share if self.unsorted_share is not None else 1.0
        score += self.lines_lost / self.lines if self.lines else 0.0
        score += 1 - self.commands_kept / self.commands if self.commands else 0.0
        if self.kind == "runbook" and self.expected_problems and not self.problems:
            score += 1.0
        return score


def measure(path: Path, entry: dict, out_dir: Path) -> tuple[Result, list[Path]]:
    """Import one fixture and measure its draft; validation is added afterwards, for all drafts at once."""
    res = Result(path.name, entry["kind"], entry.get("language", "?"), entry.get("problems"))
    text = path.read_text(encoding="utf-8")
    source = html_source(text) if path.suffix.lower() in (".html", ".htm") else markdown_source(text)
    res.lines, res.commands = len(source.lines), len(source.commands)
    start = time.perf_counter()
    drafts, stderr = run_import(path, entry["kind"], out_dir)
    res.seconds = time.perf_counter() - start
    if not drafts:
        res.error = f"import failed: {_last_line(stderr)}"
        res.lines_lost = res.lines
        return res, []
    res.drafted = True
    raws = [d.read_text(encoding="utf-8") for d in drafts]
    res.guesses = sum(raw.count("# guessed:") for raw in raws)
    res.redacted = sum(raw.count("<redacted") for raw in raws)
    docs = []
    for raw in raws:
        try:
            data = yaml.load(raw, Loader=LOADER) or {}
        except yaml.YAMLError as exc:
            res.error = f"draft is not YAML: {exc}"
            data = {}
        docs.append(data if isinstance(data, dict) else {})
    data = {"problems": [p for d in docs for p in d.get("problems") or []], "parts": docs}
    res.problems = len(data["problems"])
    everything = Haystack([*raws, *strings(docs)])
    unsorted = Haystack(strings([d.get("unsorted") or [] for d in docs]))
    total = sum(line.chars for line in source.lines) or 1
    in_unsorted = sum(line.chars for line in source.lines if all(unsorted.has(p) for p in line.pieces))
    res.unsorted_share = in_unsorted / total
    res.lines_lost = sum(1 for line in source.lines if not all(everything.has(p) for p in line.pieces))
    steps = Haystack([r for d in docs for r in runs(d)])
    res.commands_kept = sum(1 for c in source.commands if steps.has(c))
    return res, drafts


# --- report --------------------------------------------------------------------------------------


def pct(n: float, d: float) -> str:
    return f"{100 * n / d:.0f}%" if d else "n/a"


def table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def report(results: list[Result], wall: float, worst: int) -> str:
    drafts = [r for r in results if r.drafted]
    runbooks = [r for r in results if r.kind == "runbook"]
    expected = [r for r in runbooks if r.expected_problems]
    shares = [r.unsorted_share for r in drafts if r.unsorted_share is not None]
    commands = sum(r.commands for r in results)
    kept = sum(r.commands_kept for r in results)
    lines = sum(r.lines for r in results)
    lost = sum(r.lines_lost for r in results)
    guesses = [r.guesses for r in drafts]
    summary = [
        ["measure", "result"],
        ["drafts that validate (no errors)", f"{sum(r.valid for r in results)}/{len(results)}"],
        ["runbooks with at least one problem", f"{sum(1 for r in runbooks if r.problems)}/{len(runbooks)}"],
        [
            "runbooks with the expected problem count",
            f"{sum(1 for r in expected if r.problems == r.expected_problems)}/{len(expected)}",
        ],
        [
            "median share of source text left in unsorted",
            f"{100 * statistics.median(shares):.0f}%" if shares else "n/a",
        ],
        ["commands kept as steps", f"{kept}/{commands} ({pct(kept, commands)})"],
        ["source lines lost", f"{lost}/{lines} ({pct(lost, lines)})"],
        [
            "guesses made (# guessed:)",
            f"{sum(guesses)} ({statistics.median(guesses):.0f} per draft, median)" if guesses else "0",
        ],
        ["placeholders redacted (all credentials here are fake)", str(sum(r.redacted for r in results))],
        ["time (import + validate, wall)", f"{wall:.1f} s"],
    ]
    per_file = [
        ["file", "kind", "lang", "valid", "problems", "unsorted", "commands", "lost lines", "guesses", "import s"]
    ]
    for r in sorted(results, key=lambda r: r.file):
        per_file.append(
            [
                r.file,
                r.kind,
                r.language,
                "yes" if r.valid else ("NO" if r.drafted else "FAIL"),
                f"{r.problems}/{r.expected_problems}" if r.kind == "runbook" else "-",
                f"{100 * r.unsorted_share:.0f}%" if r.unsorted_share is not None else "n/a",
                f"{r.commands_kept}/{r.commands}",
                f"{r.lines_lost}/{r.lines}",
                str(r.guesses),
                f"{r.seconds:.1f}",
            ]
        )
    parts = [
        f"kb import on {len(results)} write-ups ({len(drafts)} drafts written)",
        "",
        table(summary, {1}),
        "",
        table(per_file, {4, 5, 6, 7, 8, 9}),
        "",
        f"Worst {worst} files:",
    ]
    for r in sorted(results, key=lambda r: -r.badness)[:worst]:
        why = []
        if not r.valid:
            why.append(r.error or "draft not valid")
        if r.unsorted_share is not None and r.unsorted_share >= 0.2:
            why.append(f"{100 * r.unsorted_share:.0f}% of the text in unsorted")
        if r.lines and r.lines_lost:
            why.append(f"{r.lines_lost} of {r.lines} lines lost")
        if r.commands and r.commands_kept < r.commands:
            why.append(f"{r.commands - r.commands_kept} of {r.commands} commands not steps")
        if r.kind == "runbook" and r.expected_problems and r.problems != r.expected_problems:
            why.append(f"{r.problems} problems, {r.expected_problems} expected")
        parts.append(f"  {r.file}: " + "; ".join(why or ["-"]))
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="only these fixtures (names in the manifest)")
    parser.add_argument("--keep", type=Path, help="write the drafts into this new folder and keep them")
    parser.add_argument("--jobs", type=int, default=max(2, (os.cpu_count() or 2) * 2))
    parser.add_argument("--worst", type=int, default=8, help="how many of the worst files to list")
    parser.add_argument("--json", type=Path, help="also write the per-file figures to this file")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=FIXTURES,
        help="a folder of write-ups with its manifest.yaml (default: the fixtures)",
    )
    args = parser.parse_args()

    if not KB.exists():
        sys.exit(f"no kb next to {sys.executable}: run with the project's virtual env")
    manifest = yaml.load((args.corpus / "manifest.yaml").read_text(encoding="utf-8"), Loader=LOADER)["files"]
    names = args.files or sorted(manifest)
    missing = [n for n in names if n not in manifest or not (args.corpus / n).exists()]
    if missing:
        sys.exit(f"not in the manifest or not on disk: {', '.join(missing)}")
    unlisted = sorted(
        p.name for p in args.corpus.iterdir() if p.suffix in (".md", ".html", ".htm") and p.name not in manifest
    )
    if unlisted:
        print(f"warning: fixtures missing from manifest.yaml: {', '.join(unlisted)}", file=sys.stderr)

    work = (args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-import-"))).resolve()
    if args.keep:
        if work.exists():
            sys.exit(f"{work} exists: --keep wants a new folder")
        work.mkdir(parents=True)
    out_dir = work / "drafts"
    out_dir.mkdir()
    start = time.perf_counter()
    try:
        biggest_first = sorted(names, key=lambda n: -(args.corpus / n).stat().st_size)  # the long one overlaps the rest
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            measured = list(pool.map(lambda n: measure(args.corpus / n, manifest[n], out_dir), biggest_first))
        results = [r for r, _ in measured]
        checked = run_validate([d for _, drafts in measured for d in drafts])
        for res, drafts in measured:
            for draft in drafts:  # a split source is valid when every part is
                errors, warnings, first = checked[draft]
                res.errors, res.warnings = res.errors + errors, res.warnings + warnings
                res.error = res.error or first
        wall = time.perf_counter() - start
        print(report(results, wall, args.worst))
        if args.json:
            args.json.write_text(
                json.dumps([r.__dict__ for r in results], indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        if args.keep:
            print(f"\ndrafts kept in {out_dir}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
