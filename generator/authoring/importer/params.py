"""Shell variables in imported commands: `${PORT}` in a runbook's command is read by `kb validate` as a
parameter, so each one the commands use is declared, marked as imported, and the command stays as
written. Names bash or the scripts already give a meaning to (HOME, PATH...) cannot be parameters:
`${HOME}` is written `$HOME`, the same to bash, and the original is kept in a comment."""

from __future__ import annotations

import re
from typing import Any

from generator.authoring.importer.context import Context
from generator.core.rules.arithmetic import names_in_arithmetic
from generator.core.rules.reserved_names import why_reserved
from generator.core.rules.walk import step_commands, steps

# How the undeclared-parameter rule reads a command (generator/core/rules/parameters.py).
REF = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def declare_parameters(data: dict[str, Any], ctx: Context) -> None:
    found: dict[str, list[tuple[dict, str]]] = {}
    for _, step in steps(data):
        for _, command in step_commands((), step):
            for name in REF.findall(command):
                found.setdefault(name, []).append((step, command))
    declared = {p.get("name") for p in data.get("parameters") or [] if isinstance(p, dict)}
    params: list[dict[str, Any]] = list(data.get("parameters") or [])
    for name in sorted(set(found) - declared):
        if why_reserved(name):
            for step, _ in found[name]:
                _unbrace(step, name, ctx)
            continue
        shell = [cmd for step, cmd in found[name] if step.get("lang", "bash") == "bash"]
        numeric = any(names_in_arithmetic(cmd, {name}) for cmd in shell)
        assigned = any(
            re.search(rf"(?:^|[\s;(]){name}=|\bread\s+(?:-\w+\s+)*{name}\b|\bfor\s+{name}\b", c) for c in shell
        )
        what = "set by the commands themselves" if assigned else "a value the reader fills in"
        param: dict[str, Any] = {
            "name": name,
            "description": f"${{{name}}} in the imported commands ({what}): say what it is and give a default.",
        }
        if numeric:
            param["type"] = "integer"
        params.append(param)
        ctx.comment(param, "name", "imported: a shell variable of the write-up's commands")
        ctx.parameters.append(name)
    if params:
        data["parameters"] = params


def _unbrace(step: dict[str, Any], name: str, ctx: Context) -> None:
    """`${HOME}` -> `$HOME` where that reads the same to bash; a step whose command needs the braces
    (`${HOME:-/root}`) keeps it as a note, to be run by hand."""
    run = step.get("run")
    if not isinstance(run, str):
        return
    plain_form = re.compile(r"\$\{" + name + r"\}(?![A-Za-z0-9_])")
    new = plain_form.sub("$" + name, run)
    if REF.search(new) and name in REF.findall(new):
        step["note"] = ((step.get("note") or "") + f"\n\n```bash\n{run}\n```").strip()
        del step["run"]
        ctx.comment(step, "title", f"${{{name}}} cannot be a parameter: the command is in the note, run it by hand")
        ctx.warnings.append(f"${{{name}}} cannot be a parameter ({why_reserved(name)}): a step was kept as a note")
        return
    step["run"] = new
    ctx.comment(step, "run", f"${{{name}}} written ${name}: {name} cannot be a parameter")


def count_signatures(data: dict[str, Any]) -> int:
    n = 0
    for p in data.get("problems") or []:
        n += len(p.get("signatures") or [])
        n += sum(len(c.get("signatures") or []) for c in p.get("causes") or [])
    return n
