"""Executable scripts from each runbook: corpus -> {"<runbook-id>/<script>.sh": text}. Pure: no writes.

Per runbook: `diagnose.sh` (the health check or a problem's diagnosis, ✅/❌, then the causes the
failures point to), one `fix-<fix-id>.sh` per fix (its steps, then its verification) and
`collect-diagnostics.sh` (one report file, secrets masked). The shell machinery lives in the
templates under `templates/snippets/`; this module only prepares what they show.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment

from generator.core import values
from generator.core.corpus import Corpus
from generator.core.model import Runbook
from generator.core.model.common import Expectation, Step
from generator.core.model.runbook import Cause, Fix, Parameter, Problem
from generator.core.rules.reserved_names import why_reserved
from generator.core.rules.secret_families import sed_script
from generator.outputs import jinja, shell
from generator.outputs.memo import Memo, or_new

TEMPLATES = Path(__file__).parent / "templates"
SITE_FOLDER = "snippets"  # where the site serves the scripts: snippets/<runbook-id>/<name>

# Platforms a bash script can run on, and how it recognises them (ID / ID_LIKE of /etc/os-release).
RUNNABLE_PLATFORMS = ("debian", "rhel", "macos")
_IDENTIFIER = re.compile(r"[A-Z][A-Z0-9_]*")
_SYSTEMD = re.compile(r"(?:^|[\s;&|(`])(?:sudo\s+(?:-\S+\s+)*)?(?:systemctl|journalctl)\b")

# What collect-diagnostics.sh gathers on every host, before the runbook's own steps.
GENERIC_COLLECT = [
    ("System", "uname -a\ncat /etc/os-release 2>/dev/null || sw_vers\nuptime"),
    ("Disk", "df -h"),
    ("Memory", "free -h 2>/dev/null || vm_stat"),
    ("Listening ports", "ss -tlnp 2>/dev/null || netstat -tlnp 2>/dev/null || netstat -an | grep LISTEN"),
    (
        "Recent system log (warnings and errors)",
        "journalctl -p warning -n 100 --no-pager 2>/dev/null || tail -n 100 /var/log/syslog /var/log/messages",
    ),
]


@dataclass(frozen=True)
class ScriptStep:
    """One step as a script runs it."""

    title: str
    note: str
    timeout: int
    destructive: bool
    commands: dict[str, str] = field(default_factory=dict)  # platform -> command; "" -> any platform
    manual: str | None = None  # set when a person does it by hand: what to show them
    expect: dict[str, str | int] = field(default_factory=dict)
    needs_systemd: bool = False

    @property
    def runnable(self) -> bool:
        return self.manual is None

    @property
    def judged(self) -> bool:
        return self.runnable and bool(self.expect)

    @property
    def platforms(self) -> list[str]:
        return sorted(p for p in self.commands if p)


@dataclass(frozen=True)
class ScriptParam:
    name: str
    flag: str
    description: str
    default: str | None
    required: bool
    pattern: str  # POSIX ERE matching the whole value, or ""
    choices: list[str]
    type: str = "string"
    type_pattern: str = ""  # the type's ERE (integer, port, path), or "" when any text will do
    type_words: str = ""  # what the type accepts, in words, for --help and refusals


def script_table(rb: Runbook) -> list[tuple[str, str, Fix | None, Cause | None]]:
    """(name, kind, fix, cause) for each script of a runbook: kind is diagnose, fix or collect."""
    fixes = fix_scripts(rb)
    rows: list[tuple[str, str, Fix | None, Cause | None]] = [("diagnose.sh", "diagnose", None, None)]
    for p in rb.problems:
        for owner in (p, *p.causes):
            for fx in owner.fixes:
                rows.append((fixes[id(fx)], "fix", fx, owner if isinstance(owner, Cause) else None))
    rows.append(("collect-diagnostics.sh", "collect", None, None))
    return rows


def fix_scripts(rb: Runbook) -> dict[int, str]:
    """id(fix) -> file name; a fix id used twice in a runbook gets its owner's id in front."""
    owned = [(owner.id, fx) for p in rb.problems for owner in (p, *p.causes) for fx in owner.fixes]
    counts: dict[str, int] = {}
    for _, fx in owned:
        counts[fx.id] = counts.get(fx.id, 0) + 1
    names = {}
    for owner, fx in owned:
        stem = fx.id if counts[fx.id] == 1 else f"{owner}-{fx.id}"
        names[id(fx)] = f"{stem if stem.startswith('fix-') else 'fix-' + stem}.sh"
    return names


def render_snippets(corpus: Corpus, *, commit: str, today: dt.date, memo: Memo | None = None) -> dict[str, str]:
    """Every script of every runbook, keyed by `<runbook-id>/<name>`. With `memo`, a runbook's scripts are
    kept between calls while it is unchanged (render/memo.py)."""
    memo = or_new(memo)
    out: dict[str, str] = {}
    for rb in corpus.runbooks.values():
        source = corpus.paths.get(rb.id)
        scripts = memo.get(
            ("scripts", rb.id, commit, today, source),
            (rb,),
            lambda rb=rb, source=source: render_runbook(rb, commit=commit, today=today, source=source),
        )
        for name, text in scripts.items():
            out[f"{rb.id}/{name}"] = text
    return out


def render_runbook(rb: Runbook, *, commit: str, today: dt.date, source: str | None = None) -> dict[str, str]:
    env = _environment()
    params = [_param(p) for p in rb.parameters]
    names = [p.name for p in rb.parameters]
    fixes = fix_scripts(rb)
    common = {
        "rb": rb,
        "params": params,
        "commit": commit,
        "today": today.isoformat(),
        "source": _source_path(rb, source),
        "platforms": RUNNABLE_PLATFORMS,
    }

    def finish(template: str, texts: list[str], **context) -> str:
        delim = shell.heredoc_delimiter([*texts, *(p.description for p in params)])
        return env.get_template(f"snippets/{template}").render(**common, **context, D=delim)

    scripts: dict[str, str] = {}
    health = [_step(s, names) for s in rb.health_check.steps] if rb.health_check else []
    problems = [_problem(p, names, fixes) for p in rb.problems]
    scripts["diagnose.sh"] = finish(
        "diagnose.sh.j2",
        _texts(health, [s for pr in problems for s in pr["all_steps"]]),
        health=health,
        problems=problems,
    )
    for p in rb.problems:
        for owner in (p, *p.causes):
            for fx in owner.fixes:
                steps = [_step(s, names) for s in fx.steps]
                verify = [_step(s, names) for s in fx.verify]
                scripts[fixes[id(fx)]] = finish(
                    "fix.sh.j2",
                    _texts(steps, verify),
                    name=fixes[id(fx)],
                    fix=fx,
                    problem=p,
                    cause=owner if isinstance(owner, Cause) else None,
                    steps=steps,
                    verify=verify,
                )
    collect = [_generic(title, cmd) for title, cmd in GENERIC_COLLECT]
    collect += [_step(s, names) for s in rb.collect_diagnostics]
    scripts["collect-diagnostics.sh"] = finish(
        "collect-diagnostics.sh.j2", _texts(collect), steps=collect, mask_rules=mask_rules()
    )
    return scripts


@cache
def _environment() -> Environment:
    return jinja.environment(
        TEMPLATES,
        autoescape=False,  # shell, not HTML: every literal goes through the `sh` filter
        filters={
            "sh": shell.literal,
            "comment": shell.comment,
            "words": shell.words,
            "printf_lines": shell.printf_lines,
        },
        globals={"unseen_table": shell.unseen_table},
    )


def mask_rules() -> str:
    """The sed rules that mask secrets in collect-diagnostics.sh reports: made from the families the
    `secret` rule of `kb validate` looks for, so that what one finds the other hides."""
    return sed_script()


def _source_path(rb: Runbook, source: str | None) -> str:
    if source:
        parts = source.replace("\\", "/").split("/")
        if "runbooks" in parts:
            return "/".join(parts[len(parts) - 1 - parts[::-1].index("runbooks") :])
    return f"runbooks/{rb.id}.yaml"


def _param(p: Parameter) -> ScriptParam:
    # `kb validate` refuses both; a script is never made with them all the same: the name is written
    # into code unquoted, and a reserved one (BASH_ENV, DRY_RUN...) would change what the script runs.
    if not _IDENTIFIER.fullmatch(p.name) or why_reserved(p.name):
        raise ValueError(f"parameter name {p.name!r}: {why_reserved(p.name)}")
    return ScriptParam(
        name=p.name,
        flag=p.name.lower().replace("_", "-"),
        description=shell.comment(p.description),
        default=p.default,
        required=p.required,
        pattern=values.full_match(p.pattern) if p.pattern else "",
        choices=list(p.choices),
        type=p.type,
        type_pattern=values.TYPE_PATTERNS.get(p.type, ""),
        type_words=values.TYPE_WORDS.get(p.type, ""),
    )


def _problem(p: Problem, names: list[str], fixes: dict[int, str]) -> dict:
    diagnosis = [_step(s, names) for s in p.diagnosis]
    causes = []
    for c in p.causes:
        checks = [_step(s, names) for s in c.checks]
        causes.append(
            {
                "cause": c,
                "checks": [s for s in checks if s.judged],  # only checks that can say yes or no
                "fix_hint": " ".join(f"./{fixes[id(fx)]}" for fx in c.fixes),
            }
        )
    return {
        "problem": p,
        "fn": p.id.replace("-", "_"),
        "diagnosis": diagnosis,
        "causes": causes,
        "fixes": [fixes[id(fx)] for fx in p.fixes],
        "all_steps": diagnosis + [s for c in causes for s in c["checks"]],
    }


def _step(step: Step, names: list[str]) -> ScriptStep:
    # Titles and notes are only ever printed: on one line, every control character shown.
    base = {"title": shell.comment(step.title), "note": shell.comment(step.note or ""), "timeout": step.timeout}
    base["destructive"] = step.destructive
    text = step.run or "\n".join(v.run for v in step.variants)
    if step.lang != "bash" or not (step.run or step.variants):
        return ScriptStep(**base, manual=text.strip("\n"))
    commands = {}
    if step.run:
        commands[""] = step.run
    for v in step.variants:
        if v.platform in RUNNABLE_PLATFORMS:
            commands[v.platform] = v.run
    if not commands:  # only Windows variants: nothing a bash script can run
        return ScriptStep(**base, manual=text.strip("\n"))
    if any(shell.has_placeholder(c) for c in commands.values()):
        return ScriptStep(**base, manual=text.strip("\n"))
    return ScriptStep(
        **base,
        commands={k: shell.quote_parameters(v.strip("\n"), names) for k, v in commands.items()},
        expect=_expect(step.expect),
        needs_systemd=any(_SYSTEMD.search(c) for c in commands.values()),
    )


def _generic(title: str, command: str) -> ScriptStep:
    return ScriptStep(title=title, note="", timeout=30, destructive=False, commands={"": command})


def _expect(e: Expectation | None) -> dict[str, str | int]:
    if e is None:
        return {}
    return {k: v for k, v in e.model_dump().items() if v is not None and v != ""}


def _texts(*groups: list[ScriptStep]) -> list[str]:
    """Every text that goes into a here-document, to choose a delimiter none of them contains."""
    out = []
    for group in groups:
        for s in group:
            out += [*s.commands.values(), s.manual or "", s.title, s.note]
            out += [str(v) for v in s.expect.values()]
    return out
