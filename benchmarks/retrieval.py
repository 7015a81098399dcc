"""Retrieval benchmark: how well `kb diagnose` and `kb search` find the right runbook problem.

    python benchmarks/retrieval.py [--cases benchmarks/retrieval/cases.yaml ...]
                                   [--root benchmarks/retrieval/kb] [--limit 10]
                                   [--kind error|query|offtopic ...] [--json-out FILE]

Runs every case of the evaluation set (benchmarks/retrieval/cases.yaml) against the independent
test knowledge base (benchmarks/retrieval/kb), one `kb` process per case, as a person would:

  - kind error:    `kb diagnose --root ROOT --format json TEXT` (multi-line excerpts on stdin, `-`)
  - kind query:    `kb search   --root ROOT --format json TEXT`
  - kind offtopic: `kb diagnose ...`, where the right answer is "no good match": exit 1 with no
                   results, or an empty list

A hit is the expected runbook AND problem: a result's "runbook" and "anchor" fields. Reported,
for error lines and queries separately: count, top-1, top-3, mean reciprocal rank (MRR@limit),
broken down by the case's language and by whether it is written in the language of its runbook;
the share of off-topic lines answered "no good match"; latency per call (median, p95) per command;
the first (cold) call that builds the index; and every miss with what was expected and what came
back. Cause accuracy is reported only if the JSON results carry a cause id.

The error lines and queries are also split by whether their text holds one of the expected
problem's own error signatures (exact ones as substrings, regex ones line by line, read loosely from
the runbook files): those can be found by signature matching, the others only by ranking words.

Standard library only: the cases file is a small YAML subset read by `read_cases` below. The `kb`
executable is the one next to the running interpreter (run this with .venv/bin/python), else
.venv/bin/kb of the repository, else `kb` on PATH. The index is built in a fresh temporary cache
folder, so the first call is a cold build and the others are warm.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CASES = HERE / "retrieval" / "cases.yaml"
DEFAULT_ROOT = HERE / "retrieval" / "kb"
KINDS = ("error", "query", "offtopic")
CAUSE_KEYS = ("cause", "cause_id", "matched_cause")


# ------------------------------------------------------------------------------------------------
# The cases file: a YAML subset (block mappings, block sequences of mappings, one-line flow
# mappings, plain / single-quoted / double-quoted scalars, `|` and `>`-less literal blocks with
# optional chomping and indentation indicators, comments).


class CasesFormatError(ValueError):
    pass


def _scalar(raw: str, where: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    if raw[0] == '"':
        if len(raw) < 2 or raw[-1] != '"':
            raise CasesFormatError(f"{where}: unterminated double-quoted string")
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CasesFormatError(f"{where}: bad escape in double-quoted string ({exc})") from exc
    if raw[0] == "'":
        if len(raw) < 2 or raw[-1] != "'":
            raise CasesFormatError(f"{where}: unterminated single-quoted string")
        return raw[1:-1].replace("''", "'")
    return raw


def _strip_comment(line: str) -> str:
    """Removes a trailing ` # comment` outside quotes (plain scalars in this file never hold ' #')."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            if i == 0 or line[i - 1] in " :-{,[":
                quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _split_key(text: str, where: str) -> tuple[str, str]:
    m = re.match(r"([A-Za-z0-9_-]+):(?:\s+(.*)|$)", text)
    if not m:
        raise CasesFormatError(f"{where}: expected 'key: value', got {text!r}")
    return m.group(1), m.group(2) or ""


def _flow_mapping(text: str, where: str) -> dict:
    inner = text.strip()[1:-1]
    out: dict = {}
    for part in _split_flow(inner, where):
        if not part.strip():
            continue
        key, value = _split_key(part.strip(), where)
        out[key] = _scalar(value, where)
    return out


def _split_flow(inner: str, where: str) -> list[str]:
    parts, buf, quote = [], [], None
    for ch in inner:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"" and (not buf or "".join(buf).rstrip().endswith(":")):
            quote = ch
            buf.append(ch)
        elif ch == ",":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if quote:
        raise CasesFormatError(f"{where}: unterminated quote in flow mapping")
    parts.append("".join(buf))
    return parts


def _block_scalar(header: str, lines: list[str], start: int, parent_indent: int, where: str):
    m = re.fullmatch(r"\|([1-9]?)([+-]?)([1-9]?)", header)
    if not m:
        raise CasesFormatError(f"{where}: unsupported block scalar header {header!r}")
    indicator = m.group(1) or m.group(3)
    chomp = m.group(2)
    body: list[str] = []
    i = start
    indent = parent_indent + int(indicator) if indicator else None
    while i < len(lines):
        line = lines[i]
        if line.strip() == "":
            body.append("")
            i += 1
            continue
        lead = len(line) - len(line.lstrip(" "))
        if indent is None:
            if lead <= parent_indent:
                break
            indent = lead
        if lead < indent:
            break
        body.append(line[indent:])
        i += 1
    # trailing blank lines belong to the block only for "keep" chomping
    while body and body[-1] == "" and chomp != "+":
        body.pop()
    text = "\n".join(body)
    if chomp != "-":
        text += "\n"
    return text, i


def read_cases(path: Path) -> dict:
    """Parses the cases file into {'version': ..., 'runbook_languages': {...}, 'cases': [...]}."""
    lines = path.read_text(encoding="utf-8").splitlines()
    doc: dict = {}
    i = 0
    current_top: str | None = None
    current_item: dict | None = None
    item_indent = 0
    while i < len(lines):
        where = f"{path.name}:{i + 1}"
        raw = lines[i]
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise CasesFormatError(f"{where}: tab in indentation")
        line = _strip_comment(raw)
        if not line.strip():
            i += 1
            continue
        lead = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if lead == 0:
            key, value = _split_key(body, where)
            current_item = None
            if value:
                doc[key] = _scalar(value, where)
                current_top = None
            else:
                current_top = key
                doc[key] = None
            i += 1
            continue
        if current_top is None:
            raise CasesFormatError(f"{where}: indented line outside a section")
        if body.startswith("- ") or body == "-":
            if doc[current_top] is None:
                doc[current_top] = []
            if not isinstance(doc[current_top], list):
                raise CasesFormatError(f"{where}: list item in a mapping section")
            rest = body[2:].strip()
            if rest.startswith("{") and rest.endswith("}"):
                doc[current_top].append(_flow_mapping(rest, where))
                current_item = None
                i += 1
                continue
            current_item = {}
            doc[current_top].append(current_item)
            item_indent = lead + 2
            line_body = rest
        elif current_item is not None and lead == item_indent:
            line_body = body
        elif current_item is None and lead > 0:
            if doc[current_top] is None:
                doc[current_top] = {}
            if not isinstance(doc[current_top], dict):
                raise CasesFormatError(f"{where}: mapping entry in a list section")
            key, value = _split_key(body, where)
            doc[current_top][key] = _scalar(value, where)
            i += 1
            continue
        else:
            raise CasesFormatError(f"{where}: unexpected indentation")
        key, value = _split_key(line_body, where)
        if key in current_item:
            raise CasesFormatError(f"{where}: duplicate key {key!r}")
        if value.startswith("|"):
            text, i = _block_scalar(value, lines, i + 1, item_indent, where)
            current_item[key] = text
            continue
        if value.startswith(">") or value.startswith("&") or value.startswith("*"):
            raise CasesFormatError(f"{where}: folded scalars, anchors and aliases are not supported")
        current_item[key] = _scalar(value, where)
        i += 1
    return doc


# ------------------------------------------------------------------------------------------------
# Running kb


def find_kb() -> Path:
    candidates = [Path(sys.executable).parent / "kb", REPO / ".venv" / "bin" / "kb"]
    for c in candidates:
        if c.exists():
            return c
    which = shutil.which("kb")
    if which:
        return Path(which)
    sys.exit("retrieval.py: no `kb` executable next to the interpreter, in .venv/bin or on PATH")


@dataclass
class Outcome:
    case: dict
    command: str
    seconds: float
    returncode: int
    results: list[dict] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode in (0, 1) and not self.error


def _results_from_json(stdout: str) -> list[dict]:
    """The list of result objects, whatever shape the JSON grows into (list, or an object holding one)."""
    if not stdout.strip():
        return []
    data = json.loads(stdout)
    if isinstance(data, dict):
        for key in ("results", "hits", "matches"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            return []
    if not isinstance(data, list):
        return []
    return [r for r in data if isinstance(r, dict)]


def run_case(kb: Path, root: Path, cache: Path | None, case: dict, limit: int) -> Outcome:
    command = "search" if case["kind"] == "query" else "diagnose"
    text = case["text"].rstrip("\n")
    cmd = [str(kb), command, "--root", str(root), "--format", "json", "--limit", str(limit)]
    if cache is not None:
        cmd += ["--cache-dir", str(cache)]
    stdin = None
    if command == "diagnose" and "\n" in text:
        cmd.append("-")
        stdin = text + "\n"
    else:
        cmd += ["--", " ".join(text.split("\n"))]
    start = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - start
    out = Outcome(case, command, elapsed, proc.returncode)
    if proc.returncode not in (0, 1):
        out.error = (proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}")[-600:]
        return out
    try:
        out.results = _results_from_json(proc.stdout)
    except json.JSONDecodeError as exc:
        out.error = f"output is not JSON ({exc}): {proc.stdout[:200]!r}"
    return out


def supports_cache_dir(kb: Path) -> bool:
    proc = subprocess.run([str(kb), "diagnose", "--help"], capture_output=True, text=True, cwd=REPO)
    return "--cache-dir" in proc.stdout


# ------------------------------------------------------------------------------------------------
# Scoring


def rank_of(outcome: Outcome) -> int | None:
    """1-based rank of the first result that is the expected runbook and problem."""
    c = outcome.case
    for n, r in enumerate(outcome.results, 1):
        if r.get("runbook") == c.get("runbook") and r.get("anchor") == c.get("problem"):
            return n
    return None


def cause_of(result: dict) -> str | None:
    for key in CAUSE_KEYS:
        value = result.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            return value["id"]
    return None


def no_match(outcome: Outcome) -> bool:
    return outcome.ok and not outcome.results


def label(r: dict) -> str:
    tier = r.get("match") or r.get("tier") or "?"
    return f"{r.get('runbook')}#{r.get('anchor')} [{tier}]"


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "    -"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ranking_row(name: str, outcomes: list[Outcome]) -> str:
    ranks = [rank_of(o) for o in outcomes]
    n = len(ranks)
    top1 = sum(1 for r in ranks if r == 1)
    top3 = sum(1 for r in ranks if r is not None and r <= 3)
    mrr = sum(1.0 / r for r in ranks if r) / n if n else 0.0
    return f"  {name:<38} {n:>5}  {pct(top1, n):>7}  {pct(top3, n):>7}  {mrr:6.3f}" if n else f"  {name:<38} {0:>5}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, action="append", help="cases file (repeatable; default: cases.yaml)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="knowledge base to search")
    parser.add_argument("--limit", type=int, default=10, help="results asked per call; MRR is computed over these")
    parser.add_argument("--kind", choices=KINDS, action="append", help="run only these kinds (repeatable)")
    parser.add_argument("--json-out", type=Path, help="write every case's outcome as JSON")
    parser.add_argument("--max-misses", type=int, default=0, help="print at most this many misses per kind (0: all)")
    args = parser.parse_args()

    docs = [read_cases(path) for path in args.cases or [DEFAULT_CASES]]
    cases = [c for doc in docs for c in doc.get("cases") or [] if not args.kind or c.get("kind") in args.kind]
    rb_lang = {k: v for doc in docs for k, v in (doc.get("runbook_languages") or {}).items()}
    for c in cases:  # the development set's shorthand: `expect: RUNBOOK#PROBLEM` (or `none`)
        if "expect" in c and c.get("kind") != "offtopic":
            c["runbook"], _, c["problem"] = str(c["expect"]).partition("#")
    problems = _problem_ids(args.root)
    signatures = _signatures(args.root)
    for c in cases:
        if c.get("kind") not in KINDS or not c.get("id") or not c.get("text"):
            sys.exit(f"retrieval.py: case {c.get('id')!r} needs id, kind ({'/'.join(KINDS)}) and text")
        if c["kind"] != "offtopic" and (c.get("runbook"), c.get("problem")) not in problems:
            print(f"warning: case {c['id']} expects {c.get('runbook')}#{c.get('problem')}, not in {args.root}")

    kb = find_kb()
    tmp = Path(tempfile.mkdtemp(prefix="kb-retrieval-"))
    cache = tmp / "cache" if supports_cache_dir(kb) else None
    try:
        # The first call builds the index (cold); it is timed apart and not counted.
        warm = run_case(kb, args.root, cache, {"kind": "query", "text": "warm up"}, args.limit)
        if not warm.ok:
            sys.exit(f"retrieval.py: kb failed on the first call:\n{warm.error}")
        outcomes = [run_case(kb, args.root, cache, c, args.limit) for c in cases]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    by_kind = {k: [o for o in outcomes if o.case["kind"] == k] for k in KINDS}
    print(f"kb: {kb}")
    print(f"knowledge base: {args.root}  ({len(problems)} problems in {len({r for r, _ in problems})} runbooks)")
    files = " ".join(str(p) for p in args.cases or [DEFAULT_CASES])
    print(f"cases: {files}  ({', '.join(f'{len(v)} {k}' for k, v in by_kind.items())})\n")

    print(f"  {'ranking (hit = runbook and problem)':<38} {'count':>5}  {'top-1':>7}  {'top-3':>7}  MRR@{args.limit}")
    for kind, title in (("error", "error lines (kb diagnose)"), ("query", "queries (kb search)")):
        group = by_kind[kind]
        if not group:
            continue
        print(ranking_row(title, group))
        for lang in sorted({o.case.get("lang", "?") for o in group}):
            print(ranking_row(f"  written in {lang}", [o for o in group if o.case.get("lang") == lang]))
        same = [o for o in group if rb_lang.get(o.case["runbook"]) == o.case.get("lang")]
        cross = [o for o in group if rb_lang.get(o.case["runbook"]) not in (None, o.case.get("lang"))]
        if rb_lang:
            print(ranking_row("  same language as runbook", same))
            print(ranking_row("  other language than runbook", cross))
        with_sig = [o for o in group if _holds_signature(o.case, signatures)]
        print(ranking_row("  text holds an expected signature", with_sig))
        print(ranking_row("  no expected signature (words only)", [o for o in group if o not in with_sig]))
        multi = [o for o in group if "\n" in o.case["text"].strip()]
        if multi:
            print(ranking_row("  multi-line excerpts", multi))
            print(ranking_row("  single lines", [o for o in group if o not in multi]))

    with_cause = [o for o in by_kind["error"] + by_kind["query"] if o.case.get("cause")]
    if with_cause:
        reported = [o for o in with_cause if o.results and any(cause_of(r) for r in o.results)]
        if reported:
            right = sum(1 for o in reported if rank_of(o) == 1 and cause_of(o.results[0]) == o.case["cause"])
            print(
                f"\n  cause at top-1 (of {len(with_cause)} cases with a cause): {pct(right, len(with_cause)).strip()}"
            )
        else:
            print(f"\n  cause: not reported in kb's JSON; {len(with_cause)} cases carry an expected cause")

    off = by_kind["offtopic"]
    if off:
        rejected = sum(1 for o in off if no_match(o))
        tiers: dict[str, int] = {}
        for o in off:
            if o.results:
                t = str(o.results[0].get("match") or "?")
                tiers[t] = tiers.get(t, 0) + 1
        answered = ", ".join(f"{n} by {t}" for t, n in sorted(tiers.items()))
        print(
            f"\n  off-topic lines answered 'no good match': {rejected}/{len(off)} ({pct(rejected, len(off)).strip()})"
        )
        if answered:
            print(f"  off-topic lines given a result anyway: {answered}")

    errors = [o for o in outcomes if not o.ok]
    if errors:
        print(f"\n  calls that failed (not exit 0/1, or bad JSON): {len(errors)}")

    print(f"\n  {'latency per call':<38} {'calls':>5}  {'median':>8}  {'p95':>8}  {'max':>8}")
    print(f"  {'first call (cold: builds index)':<38} {1:>5}  {warm.seconds * 1000:7.0f}ms")
    for command in ("diagnose", "search"):
        times = [o.seconds for o in outcomes if o.command == command]
        if times:
            print(
                f"  {'kb ' + command:<38} {len(times):>5}  {statistics.median(times) * 1000:7.0f}ms"
                f"  {p95(times) * 1000:7.0f}ms  {max(times) * 1000:7.0f}ms"
            )
    all_times = [o.seconds for o in outcomes]
    if all_times:
        print(
            f"  {'all calls':<38} {len(all_times):>5}  {statistics.median(all_times) * 1000:7.0f}ms"
            f"  {p95(all_times) * 1000:7.0f}ms  {max(all_times) * 1000:7.0f}ms"
        )

    for kind in KINDS:
        misses = [o for o in by_kind[kind] if _missed(o)]
        if not misses:
            continue
        shown = misses if not args.max_misses else misses[: args.max_misses]
        print(f"\nmisses, {kind} ({len(misses)} of {len(by_kind[kind])}):")
        for o in shown:
            print(_miss_line(o))
        if len(shown) < len(misses):
            print(f"  … {len(misses) - len(shown)} more (use --max-misses 0)")

    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                [
                    {
                        "id": o.case["id"],
                        "kind": o.case["kind"],
                        "lang": o.case.get("lang"),
                        "expected": None
                        if o.case["kind"] == "offtopic"
                        else f"{o.case['runbook']}#{o.case['problem']}",
                        "rank": rank_of(o),
                        "no_match": no_match(o),
                        "got": [label(r) for r in o.results],
                        "seconds": round(o.seconds, 4),
                        "error": o.error or None,
                    }
                    for o in outcomes
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        print(f"\nper-case outcomes written to {args.json_out}")
    return 0


def _missed(o: Outcome) -> bool:
    if not o.ok:
        return True
    if o.case["kind"] == "offtopic":
        return bool(o.results)
    return rank_of(o) != 1


def _miss_line(o: Outcome) -> str:
    c = o.case
    snippet = " ⏎ ".join(line.strip() for line in c["text"].strip().splitlines() if line.strip())
    if len(snippet) > 90:
        snippet = snippet[:87] + "..."
    if not o.ok:
        got = f"ERROR: {o.error.splitlines()[-1] if o.error else o.returncode}"
    elif not o.results:
        got = "no match"
    else:
        got = label(o.results[0])
    if c["kind"] == "offtopic":
        expected = "no match"
    else:
        expected = f"{c['runbook']}#{c['problem']}"
        r = rank_of(o)
        got += f"; expected at rank {r}" if r else f"; expected not in top {len(o.results)}"
    return f"  {c['id']} [{c.get('lang', '?')}] {snippet}\n      expected: {expected}\n      got:      {got}"


def _problem_ids(root: Path) -> set[tuple[str, str]]:
    """(runbook id, problem id) pairs, read loosely from the YAML text (no YAML parser needed):
    the runbook id is the file name, problem ids are `- id:` entries at the problems' indentation."""
    out: set[tuple[str, str]] = set()
    for path in sorted((root / "runbooks").glob("*.yaml")):
        in_problems = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^problems:\s*$", line):
                in_problems = True
                continue
            if in_problems and re.match(r"^\S", line) and not line.startswith("#"):
                in_problems = False
            m = re.match(r"^  - id:\s*(\S+)", line)
            if in_problems and m:
                out.add((path.stem, m.group(1).strip("'\"")))
    return out


def _signatures(root: Path) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """{(runbook, problem): [(signature text, is_regex)]}, the problem's and its causes' signatures,
    read loosely from the YAML text: `- text:` entries of a `signatures:` list, `match: regex` after."""
    out: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for path in sorted((root / "runbooks").glob("*.yaml")):
        problem = None
        sig_indent = None
        in_problems = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip(" "))
            if indent == 0:
                in_problems = line.rstrip() == "problems:"
                problem, sig_indent = None, None
                continue
            if not in_problems:
                continue
            m = re.match(r"^  - id:\s*(\S+)", line)
            if m:
                problem, sig_indent = m.group(1).strip("'\""), None
                continue
            if sig_indent is not None and indent <= sig_indent:
                sig_indent = None
            if re.match(r"^\s+signatures:\s*$", line):
                sig_indent = indent
                continue
            if sig_indent is None or problem is None:
                continue
            m = re.match(r"^\s+- text:\s*(.+)$", line)
            if m:
                try:
                    text = _scalar(m.group(1), path.name)
                except CasesFormatError:
                    continue
                out.setdefault((path.stem, problem), []).append((text, False))
            elif re.match(r"^\s+match:\s*['\"]?regex", line) and out.get((path.stem, problem)):
                text, _ = out[(path.stem, problem)][-1]
                out[(path.stem, problem)][-1] = (text, True)
    return out


def _holds_signature(case: dict, signatures: dict) -> bool:
    text = case["text"]
    lowered = text.lower()
    for sig, is_regex in signatures.get((case.get("runbook"), case.get("problem")), []):
        if is_regex:
            try:
                if any(re.search(sig, line) for line in text.splitlines()):
                    return True
            except re.error:
                continue
        elif sig.lower() in lowered:
            return True
    return False


if __name__ == "__main__":
    sys.exit(main())
