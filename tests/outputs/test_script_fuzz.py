"""Hostile text in every field a script is made from, and in every value, then the scripts run for real.

Each example is a runbook whose titles, notes, descriptions, expectations, parameter names, types,
defaults, choices and patterns are drawn from text made to break out: quotes, `$(…)`, backquotes,
here-document terminators, `x[$(cmd)]`, escape sequences, bidi overrides, long runs. What `kb validate`
must refuse (reserved names, a default its type refuses, a control character in a choice, a text
parameter in arithmetic…) is asserted refused. From every runbook it accepts, the scripts are
generated, checked by shellcheck and run: --help, --dry-run, a real run in a scratch folder, and values
that must be refused. Every hostile text tries to create a marker file; none may ever exist, every
command writes what it ran to a trace, and the trace must hold exactly what the runbook's commands say,
with the values as given.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.core.load import load_document
from generator.core.model.runbook import Runbook
from generator.core.pipeline import validate
from generator.core.rules.reserved_names import why_reserved
from generator.core.values import UNSEEN
from generator.outputs.snippets import render_runbook
from tests.conftest import TODAY

pytestmark = pytest.mark.slow  # about 30 runbooks, each shellchecked and run a dozen times

SHELLCHECK = str(Path(sys.executable).with_name("shellcheck"))
EXAMPLES = 30
M = "{m}"  # stands for the marker file's path until an example has its scratch folder

# Pieces of hostile text; every one that could run something would create the marker.
BREAKERS = [
    "$(touch {m})",
    "`touch {m}`",
    ";touch {m}",
    "&& touch {m} #",
    "| touch {m}",
    "x[$(touch {m})]",
    "' ; touch {m} ; '",
    '" ; touch {m} ; "',
    "'\"'\"'",
    "$((1+1))",
    "$'\\x41'",
    "\\",
    "%s%n%x",
    "--dry-run",
    "-rf",
    "#",
    "*",
    "中文 ✅",
    "plain words",
]
LINE_BREAKERS = ["\nKB_END\ntouch {m}\n", "\nEOF\ntouch {m}\n", "\nKB_END_1\n", "\n'\ntouch {m}\n'\n"]
UNSEEN_BREAKERS = ["\x1b[2K\r", "\x1b]0;title\x07", "\x1b[8m", "\u202e", "\x9b31m", "\x08\x08\x08", "\u200b"]


def _text(pieces: list[str], min_size: int = 1, max_size: int = 4, long: int = 2000) -> st.SearchStrategy[str]:
    one = st.lists(st.sampled_from(pieces), min_size=min_size, max_size=max_size).map("".join)
    long_run = st.sampled_from(pieces).map(lambda p: p * (long // len(p)))  # a very long run of one piece
    return st.one_of(one, one, one, long_run)


# Half the runbooks hold escape sequences and other unseen characters too (which `kb validate` may
# refuse anywhere); the others only text it accepts, so that their scripts are generated and run.
WILD_LINE = _text(BREAKERS + UNSEEN_BREAKERS, long=80)  # titles: any text on one line
WILD_FREE = _text(BREAKERS + UNSEEN_BREAKERS + LINE_BREAKERS, min_size=0)  # notes, descriptions: any text
TAME_LINE = _text(BREAKERS, long=80)  # a title is at most 300 characters, once {m} is the marker's path
TAME_FREE = _text(BREAKERS + LINE_BREAKERS, min_size=0)
DATA = _text(BREAKERS + LINE_BREAKERS)  # text a command prints, quoted by the runbook's author
VALUE = st.sampled_from([b for b in BREAKERS if not b.startswith("-")] + ["", "8080", "/tmp/x y"])


@dataclass
class Param:
    name: str
    type: str | None
    description: str
    default: str | None = None
    choices: list[str] = field(default_factory=list)
    pattern: str | None = None

    @property
    def kind(self) -> str:
        return self.type or ("choice" if self.choices else "string")


def _ere_literal(text: str) -> str:
    """A regular expression matching `text`, written the same for Python and POSIX ERE."""
    out = []
    for ch in text:
        if ch.isalnum() and ch.isascii():
            out.append(ch)
        elif ch in "\\^":
            out.append("\\" + ch)
        elif ch == "]":
            out.append("[]]")
        else:
            out.append(f"[{ch}]")
    return "".join(out)


@st.composite
def params(draw, wild: bool) -> list[Param]:
    LINE, FREE = (WILD_LINE, WILD_FREE) if wild else (TAME_LINE, TAME_FREE)  # noqa: N806
    names = draw(st.lists(st.sampled_from(["TARGET", "MODE", "WHERE", "LABEL"]), min_size=1, max_size=3, unique=True))
    if wild and draw(st.booleans()):  # a name bash or the scripts give a meaning to
        names.append(draw(st.sampled_from(["BASH_ENV", "DRY_RUN", "PATH", "LD_PRELOAD", "KB_X", "PS4", "IFS"])))
    kinds = ["integer", "port", None, "string"] if wild else ["integer", "port"]
    out = [Param("COUNT", draw(st.sampled_from(kinds)), draw(FREE))]
    out[0].default = draw(st.sampled_from(["3", "80", "08", "70000", "x[$(touch {m})]", ""] if wild else ["3", ""]))
    for name in names:
        kind = draw(st.sampled_from([None, "string", "path", "choice"]))
        p = Param(name, kind, draw(FREE))
        if kind == "choice" or (kind is None and draw(st.booleans())):
            p.choices = draw(st.lists(st.one_of(LINE, FREE) if wild else LINE, min_size=1, max_size=3, unique=True))
            p.default = draw(st.sampled_from([*p.choices, "not-a-choice"] if wild else p.choices))
        elif draw(st.booleans()):
            hostile = draw(LINE)
            # A pattern that also accepts anything, or a raw hostile one (which may not even compile).
            p.pattern = draw(st.sampled_from([f"{_ere_literal(hostile)}|.*", hostile]))
        elif wild:
            p.default = draw(st.one_of(VALUE, LINE, st.just("-starts-with-a-dash")))
        else:
            p.default = draw(VALUE)
        out.append(p)
    return out


@st.composite
def runbooks(draw) -> dict:
    wild = draw(st.booleans())
    LINE, FREE = (WILD_LINE, WILD_FREE) if wild else (TAME_LINE, TAME_FREE)  # noqa: N806
    ps = draw(params(wild))
    spec = {"params": ps, "steps": {}}
    n = iter(range(1, 1000))

    def step(destructive: bool = False) -> dict:
        tag = f"S{next(n)}"
        used = [p.name for p in ps if draw(st.booleans())]
        data = draw(DATA)
        command = (
            f"printf '%s\\n' {tag} {shlex.quote(data)} " + " ".join("${" + u + "}" for u in used) + " >> trace.log"
        )
        spec["steps"][tag] = (data.split("\n"), used)  # what the command prints: data lines, then values
        s = {"title": draw(LINE), "run": command, "timeout": 20, "destructive": destructive}
        if draw(st.booleans()):
            s["note"] = draw(FREE)
        if draw(st.integers(0, 3)) == 0:
            s["expect"] = {"contains": draw(DATA)}  # fails unless the text happens to be printed
        else:
            s["expect"] = {"exit_code": 0}
        return s

    def by_hand() -> dict:
        # Shown to a person, never run: another language, or a <PLACEHOLDER> to fill in.
        if draw(st.booleans()):
            return {"title": draw(LINE), "lang": "text", "run": draw(FREE) + "\ntouch {m}\n$(touch {m})"}
        return {"title": draw(LINE), "run": "touch {m} <HOST> " + draw(FREE)}

    arithmetic = {
        "title": draw(LINE),
        "run": "[[ ${COUNT} -lt 99999 ]] && printf '%s\\n' S0 >> trace.log || true",
    }
    spec["steps"]["S0"] = ([], [])
    doc = {
        "schema_version": 1,
        "kind": "runbook",
        "id": "fuzz",
        "title": draw(LINE),
        "summary": draw(FREE),
        "services": ["fuzz"],
        "owner": "ops",
        "last_reviewed": "2026-11-01",
        "parameters": [
            {k: v for k, v in vars(p).items() if v not in (None, [])} | {"description": p.description or "x"}
            for p in ps
        ],
        "health_check": {"title": draw(LINE), "steps": [step(), arithmetic, by_hand(), step()]},
        "problems": [
            {
                "id": "broken",
                "title": draw(LINE),
                "symptoms": [draw(LINE)],
                "diagnosis": [step(), by_hand()],
                "causes": [
                    {
                        "id": "the-cause",
                        "title": draw(LINE),
                        "category": "configuration",
                        "checks": [step()],
                        "fixes": [
                            {
                                "id": "repair",
                                "title": draw(LINE),
                                "steps": [step(), by_hand(), step(destructive=True)],
                                "verify": [step()],
                            }
                        ],
                    }
                ],
            }
        ],
        "collect_diagnostics": [step(), by_hand()],
    }
    for p in doc["parameters"]:
        if p.get("type") is None:
            p.pop("type", None)
    return {"doc": doc, **spec}


# ---------------------------------------------------------------- what validation must refuse, worked out apart


def _unseen(text: str) -> bool:
    return any(ch in UNSEEN or ch in "\t\n" for ch in text)


def _refused_default(p: Param) -> bool:
    value = p.default or ""
    if value == "":
        return False
    if _unseen(value):
        return True
    if p.kind == "integer" and not re.fullmatch(r"0|[1-9][0-9]{0,17}", value):
        return True
    if p.kind == "port" and not (re.fullmatch(r"[1-9][0-9]{0,4}", value) and int(value) <= 65535):
        return True
    if p.kind == "path" and value.startswith("-"):
        return True
    return bool(p.choices) and value not in p.choices


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def must_refuse(ps: list[Param]) -> set[str]:
    """The rules that must refuse this runbook: one of them at least must be among the findings."""
    rules = set()
    for p in ps:
        if why_reserved(p.name):
            rules.add("reserved-parameter-name")
        if _refused_default(p) or any(c == "" or _unseen(c) for c in p.choices):
            rules.add("schema")
        if p.pattern is not None and (_unseen(p.pattern) or not _compiles(p.pattern)):
            rules.add("schema")
    if ps[0].kind not in ("integer", "port"):
        rules.add("arithmetic-parameter")
    return rules


# ---------------------------------------------------------------- running the scripts


def run(script: Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(script), "--platform", "debian", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def shows_no_unseen(r: subprocess.CompletedProcess) -> None:
    """Nothing the scripts print may reach a terminal as a control character (but tab and newline)."""
    for stream in (r.stdout, r.stderr):
        text = stream.decode("utf-8", errors="replace")
        assert not [ch for ch in text if ch in UNSEEN], text[:2000]


def trace_matches(trace: Path, expected: dict[str, tuple[list[str], list[str]]], values: dict[str, str]) -> int:
    """The trace is a sequence of the records the runbook's commands write, values as given: nothing else
    ran. Returns how many commands ran."""
    if not trace.exists():
        return 0
    lines = trace.read_bytes().decode("utf-8").split("\n")
    assert lines.pop() == ""
    ran = 0
    while lines:
        tag = lines[0]
        assert tag in expected, f"not a command of the runbook: {tag!r}"
        data, names = expected[tag]
        record = [tag, *data, *(values[name] for name in names)]
        assert lines[: len(record)] == record
        del lines[: len(record)]
        ran += 1
    return ran


def _help_and_dry_run_show_everything(rb: Runbook, root: Path, marker: Path) -> None:
    for name, script in render_runbook(rb, commit="fuzz", today=TODAY).items():
        (root / name).write_text(script, encoding="utf-8")
        for args in (["--help"], ["--dry-run"]):
            r = run(root / name, *args, cwd=root)
            assert r.returncode == 0, r.stderr
            shows_no_unseen(r)
            TALLY.script_runs += 1
    TALLY.shown_past_validation += 1
    assert not marker.exists() and not (root / "trace.log").exists()


@dataclass
class Tally:
    examples: int = 0
    refused: int = 0
    generated: int = 0
    script_runs: int = 0
    commands_run: int = 0
    shown_past_validation: int = 0  # refused only for control characters: --help and --dry-run checked anyway
    refusals: Counter = field(default_factory=Counter)  # rule -> how many runbooks it refused


TALLY = Tally()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same runbooks every time: a failure is reproducible, the duration steady
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each try runs several scripts
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(runbooks())
def test_hostile_runbooks_and_values_never_run_anything_unsaid(spec):
    TALLY.examples += 1
    with tempfile.TemporaryDirectory(prefix="kb-fuzz-") as tmp:
        root = Path(tmp)
        marker = root / "PWNED"
        text = yaml.safe_dump(spec["doc"], allow_unicode=True, sort_keys=False, width=1_000_000)
        text = text.replace(M, str(marker))
        (root / "runbooks").mkdir()
        source = root / "runbooks" / "fuzz.yaml"
        source.write_text(text, encoding="utf-8")
        errors = [f for f in validate([source], today=TODAY) if f.severity == "error"]
        must = must_refuse(spec["params"])
        if must:
            assert {f.rule for f in errors} & must, (must, errors)
        if errors and {f.rule for f in errors} == {"control-char"}:
            # Refused only for its control characters, by a lint rule: the scripts made past it all the same
            # must show them written out and run nothing.
            _help_and_dry_run_show_everything(load_document(source), root, marker)
        if errors:
            TALLY.refused += 1
            TALLY.refusals.update({f.rule for f in errors})
            # Other rules may refuse hostile text too (control characters, over-long titles or patterns).
            assert must or {f.rule for f in errors} <= {"control-char", "schema", "bad-regex"}, errors
            # ...but the schema refuses a parameter only for what must_refuse knows of.
            assert must or not [f for f in errors if f.rule == "schema" and "parameter" in f.message], errors
            return
        TALLY.generated += 1
        rb = load_document(source)
        assert isinstance(rb, Runbook)
        work = root / "work"
        work.mkdir()
        for name, script in render_runbook(rb, commit="fuzz", today=TODAY, source=str(source)).items():
            (root / name).write_text(script, encoding="utf-8")
        scripts = sorted(root.glob("*.sh"))
        assert [s.name for s in scripts] == ["collect-diagnostics.sh", "diagnose.sh", "fix-repair.sh"]
        # shellcheck meanwhile, on the other core.
        lint = subprocess.Popen([SHELLCHECK, *map(str, scripts)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        ps = spec["params"]
        good = {}
        for p in ps:
            if p.kind in ("integer", "port"):
                good[p.name] = "80"
            elif p.choices:
                good[p.name] = p.choices[0]
            elif p.pattern is not None and not p.pattern.endswith("|.*"):
                good[p.name] = ""  # a raw hostile pattern: leave the value out, its default is checked
            else:
                good[p.name] = f"$(touch {marker})" if p.kind != "path" else f"/tmp/$(touch {marker})`touch {marker}`"
        good = {name: v.replace(M, str(marker)) for name, v in good.items()}
        flags = [a for name, v in good.items() for a in (f"--{name.lower().replace('_', '-')}", v) if v]
        values = {name: v or (next(p.default for p in ps if p.name == name) or "") for name, v in good.items()}
        values = {name: v.replace(M, str(marker)) for name, v in values.items()}
        expected = {
            tag: ([x.replace(M, str(marker)) for x in data], used) for tag, (data, used) in spec["steps"].items()
        }
        diagnose, fix, collect = root / "diagnose.sh", root / "fix-repair.sh", root / "collect-diagnostics.sh"

        for script in (diagnose, fix, collect):
            r = run(script, "--help", cwd=work)
            assert r.returncode == 0, r.stderr
            shows_no_unseen(r)
            r = run(script, "--dry-run", *flags, cwd=work)
            assert r.returncode == 0, r.stderr
            shows_no_unseen(r)
            TALLY.script_runs += 2
        assert not (work / "trace.log").exists() and not marker.exists()  # --help and --dry-run run nothing

        for script, extra in ((diagnose, ["--yes"]), (fix, ["--yes"]), (collect, ["--output", str(root / "r.txt")])):
            r = run(script, *flags, *extra, cwd=work)
            assert r.returncode in (0, 1), r.stdout.decode() + r.stderr.decode()
            shows_no_unseen(r)
            TALLY.script_runs += 1
        TALLY.commands_run += trace_matches(work / "trace.log", expected, values)
        (work / "trace.log").unlink(missing_ok=True)

        # Values that must be refused before anything runs: no number, a control character, a dash path.
        r = run(diagnose, *flags, "--count", f"x[$(touch {marker})]", cwd=work)
        assert r.returncode == 2 and r.stdout == b"" and b"is refused: it must be a" in r.stderr, r.stderr
        r = run(fix, "--yes", cwd=work, env={"COUNT": f"8080\ntouch {marker}"})
        assert r.returncode == 2 and r.stdout == b"" and b"control character" in r.stderr, r.stderr
        TALLY.script_runs += 2
        for p in ps[1:]:
            bad = "-rf" if p.kind == "path" else f"a\x1b[2K\rb$(touch {marker})"
            r = run(collect, "--dry-run", f"--{p.name.lower()}", bad, cwd=work)
            assert r.returncode == 2 and r.stdout == b"", r.stderr
            shows_no_unseen(r)
            TALLY.script_runs += 1
        assert not (work / "trace.log").exists()
        assert not marker.exists() and not any(p.name == "PWNED" for p in root.rglob("*"))

        out, _ = lint.communicate(timeout=120)
        assert lint.returncode == 0, out.decode()[:3000]


def test_the_fuzz_ran_enough_cases():
    """Reported at the end of the run: how many runbooks were drawn, refused, and run."""
    if TALLY.examples == 0:
        pytest.skip("the fuzz test did not run in this session")
    print(f"\nfuzz: {TALLY}")
    assert TALLY.generated >= 5, TALLY
    assert TALLY.refused >= 1, TALLY
