"""Prometheus rule files: the alerts they define, compared with the runbooks' `alerts:` lists, and
`runbook_url` annotations written back without disturbing anything else in the file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from generator.core import fsio


class RuleFileError(Exception):
    """A rule file that cannot be read as Prometheus rules; the message says where and why."""


@dataclass
class Alert:
    name: str
    path: str
    line: int  # 1-based, of the `alert:` key
    rule: CommentedMap = field(repr=False, compare=False)


@dataclass
class RuleFile:
    path: Path
    data: object
    text: str
    indent: tuple[int, int, int]  # (mapping, sequence, dash offset) indents, as the file writes them
    alerts: list[Alert]


def _yaml(indent: tuple[int, int, int] = (2, 2, 0)) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long expressions
    mapping, seq, offset = indent
    y.indent(mapping=mapping, sequence=seq, offset=offset)
    return y


def _mapping_indent(text: str) -> int:
    """How far the file indents a mapping under its key (ruamel guesses only the sequence indents)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for line, nxt in pairwise(lines):
        key = line.split(" #")[0].rstrip()
        if key.endswith(":") and not nxt.lstrip().startswith("-"):
            depth = len(line) - len(line.lstrip(" -"))
            step = len(nxt) - len(nxt.lstrip(" "))
            if step > depth:
                return step - depth
    return 2


def read_rules(path: Path) -> RuleFile:
    try:
        text = fsio.read_bytes(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    from generator.core.load import depth_error  # the knowledge base's own guard: parsers recurse

    deep = depth_error(str(path), text)
    if deep is not None:
        raise RuleFileError(f"{path}:{deep.line}:{deep.col}: {deep.message}")
    try:
        _, seq, offset = load_yaml_guess_indent(text)
        data = _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise RuleFileError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise RuleFileError(f"{path}: nested too deeply to read") from None
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise RuleFileError(f"{path}: not a Prometheus rule file (expected a top-level `groups:` list)")
    alerts = []
    for g, group in enumerate(groups):
        rules = group.get("rules") if isinstance(group, dict) else None
        if not isinstance(rules, list):
            raise RuleFileError(f"{path}: group {g + 1} has no `rules:` list")
        for rule in rules:
            if isinstance(rule, dict) and "alert" in rule:  # recording rules (`record:`) are not alerts
                alerts.append(Alert(str(rule["alert"]), str(path), rule.lc.key("alert")[0] + 1, rule))
    return RuleFile(path, data, text, (_mapping_indent(text), seq or 2, offset or 0), alerts)


@dataclass
class Coverage:
    missing: list[Alert]  # alerts no runbook answers
    unknown: list[tuple[str, str, str]]  # (runbook id, its file, alert name) naming no defined alert
    answered: dict[str, list[str]]  # alert name -> runbook ids


def coverage(files: list[RuleFile], runbook_alerts: dict[str, list[str]], paths: dict[str, str]) -> Coverage:
    """runbook_alerts: runbook id -> the alert names it lists; paths: runbook id -> its file."""
    by_alert: dict[str, list[str]] = {}
    for rb, names in sorted(runbook_alerts.items()):
        for name in names:
            by_alert.setdefault(name, []).append(rb)
    defined = {a.name for f in files for a in f.alerts}
    missing = [a for f in files for a in f.alerts if a.name not in by_alert]
    unknown = [(rb, paths[rb], n) for rb, names in sorted(runbook_alerts.items()) for n in names if n not in defined]
    return Coverage(missing, unknown, {n: rbs for n, rbs in by_alert.items() if n in defined})


def write_urls(rf: RuleFile, url_for: dict[str, str]) -> list[str]:
    """Sets annotations.runbook_url of every alert in url_for; writes the file (atomically) only if
    something changed. Returns the names of the alerts changed."""
    changed = []
    for alert in rf.alerts:
        url = url_for.get(alert.name)
        if url is None:
            continue
        annotations = alert.rule.get("annotations")
        if annotations is None:
            annotations = CommentedMap()
            alert.rule["annotations"] = annotations
        if annotations.get("runbook_url") != url:
            annotations["runbook_url"] = url
            changed.append(alert.name)
    if changed:
        out = io.StringIO()
        _yaml(rf.indent).dump(rf.data, out)
        fsio.write_file(rf.path, out.getvalue(), mode=rf.path.stat().st_mode & 0o7777)
    return changed
