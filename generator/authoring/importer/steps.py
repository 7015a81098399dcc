"""Code blocks -> steps. A shell block whose comments head groups of commands ("# 1. check the port",
"# fix: kill it") becomes one step per group, each titled by its comment and marked as a check, a fix or
a verification; a console transcript becomes its commands, with the transcript kept as the output."""

from __future__ import annotations

import re
from typing import Any

from generator.authoring.importer.text import one_line, plain, title_of
from generator.authoring.importer.vocab import CHECK_WORDS, FIX_WORDS, command_nature
from generator.core.rules.destructive import first_destructive

LANGS = {
    **dict.fromkeys(["bash", "sh", "shell", "zsh", "ksh", "console", "shell-session", "terminal"], "bash"),
    **dict.fromkeys(["python", "py", "python3"], "python"),
    **dict.fromkeys(["powershell", "ps1", "pwsh", "ps"], "powershell"),
    **dict.fromkeys(["cmd", "bat", "batch"], "cmd"),
    **dict.fromkeys(["ini", "conf", "toml", "cfg", "nginx", "systemd", "properties", "yaml", "yml"], "ini"),
    "json": "json",
    **dict.fromkeys(["sql", "psql", "mysql", "postgresql", "plsql", "promql", "redis"], "sql"),
    **dict.fromkeys(["jinja", "jinja2", "j2", "html"], "jinja"),
}
SHELL = {"bash", "sh", "shell", "zsh", "ksh", ""}
PROMPTS = {"console", "shell-session", "terminal"}
_PROMPT = re.compile(r"^\s*(?:[\w.@:~/-]*[$#%>]|PS [^>]*>)\s")
_OPENERS = [
    (re.compile(r"^\s*(if|case)\b"), re.compile(r"^\s*(fi|esac)\b")),
    (re.compile(r"\b(do)\s*$|^\s*(for|while|until)\b.*;\s*do\b"), re.compile(r"^\s*done\b")),
]
VERIFY_WORDS = re.compile(
    r"^(验证|复检|确认恢复|检查恢复|verify|verification|confirm|check (that )?it worked)", re.IGNORECASE
)


def step_lang(lang: str) -> str:
    return LANGS.get(lang.lower(), "text") if lang else "bash"


def _comment_title(line: str) -> str:
    text = line.strip().lstrip("#").strip()
    text = re.sub(r"^(?:step\s*)?\d+[.)、:：]?\s*|^[-–*]\s*", "", text, flags=re.IGNORECASE)
    return text.strip(" :：")


def _groups(lines: list[str]) -> list[list[str]] | None:
    """Runs of lines, each opened by its comments; None when splitting would cut a script in two.

    Where blank lines set groups apart, a comment starts a group only after a blank line (a comment
    right under a command is about that command); in a block without blank lines, any comment that
    follows a command starts one. A one-word comment ("# or") never does."""
    text = "\n".join(lines)
    if "<<" in text or re.search(r"^\s*#!", text, re.M) or re.search(r"\(\)\s*\{|^\s*function\s", text, re.M):
        return None
    spaced = any(not ln.strip() for ln in lines)
    groups: list[list[str]] = [[]]
    has_command = False
    for n, ln in enumerate(lines):
        is_comment = ln.lstrip().startswith("#")
        after_blank = n > 0 and not lines[n - 1].strip()
        opens = is_comment and has_command and (after_blank or not spaced) and len(_comment_title(ln)) > 2
        if opens:
            groups.append([])
            has_command = False
        if ln.strip() and not is_comment:
            has_command = True
        groups[-1].append(ln)
    groups = [g for g in groups if any(x.strip() for x in g)]
    # A group of comments only (a closing remark) stays with the commands above it.
    merged: list[list[str]] = []
    for g in groups:
        if merged and all(x.lstrip().startswith("#") or not x.strip() for x in g):
            merged[-1] += g
        else:
            merged.append(g)
    for g in merged:
        body = "\n".join(g)
        if body.count("{") != body.count("}") or body.rstrip().endswith("\\"):
            return None
        for opener, closer in _OPENERS:
            opens_n = sum(1 for x in g if opener.search(x) and not x.lstrip().startswith("#"))
            closes = sum(1 for x in g if closer.search(x))
            if opens_n != closes:
                return None
    return merged


def nature_of(title: str, run: str) -> str:
    """'verify', 'fix' or 'check': from the words of the step's comment, else from its commands."""
    words = plain(title)
    if VERIFY_WORDS.search(words):
        return "verify"
    fix = FIX_WORDS.search(words)
    check = CHECK_WORDS.search(words)
    if fix and (not check or fix.start() < check.start()):
        return "fix"
    if check:
        return "check"
    return command_nature(run)


def code_steps(lang: str, content: str, *, title: str | None, fallback: str) -> list[tuple[str, dict[str, Any]]]:
    """(nature, step) for each step a code block makes."""
    lang = lang.lower()
    body = content.rstrip("\n")
    if lang in PROMPTS or (lang in SHELL and _is_transcript(body)):
        commands = [_PROMPT.sub("", ln, count=1) for ln in body.split("\n") if _PROMPT.match(ln)]
        run = "\n".join(commands)
        step = _step(title or fallback, "bash", run, body)
        return [(nature_of(title or "", run), step)]
    out_lang = step_lang(lang)
    lines = body.split("\n")
    groups = _groups(lines) if lang in SHELL else None
    if not groups or len(groups) < 2:
        run = body
        said = title or _first_comment(lines)
        return [(nature_of(said or "", run), _step(said or fallback, out_lang, run))]
    out = []
    for n, group in enumerate(groups):
        run = "\n".join(group).strip("\n")
        comment = next((ln for ln in group if ln.lstrip().startswith("#")), None)
        own = _comment_title(comment) if comment else ""
        said = own or (title if n == 0 and title else "")
        step = _step(said or fallback, out_lang, run)
        if n == 0 and title and own:
            step["note"] = title  # what the write-up said before the commands
        out.append((nature_of(said, run), step))
    return out


def _first_comment(lines: list[str]) -> str:
    for ln in lines:
        if ln.strip():
            return _comment_title(ln) if ln.lstrip().startswith("#") and not ln.lstrip().startswith("#!") else ""
    return ""


def _is_transcript(body: str) -> bool:
    lines = [ln for ln in body.split("\n") if ln.strip()]
    prompted = [ln for ln in lines if re.match(r"^\s*\$ ", ln)]
    return bool(prompted) and len(prompted) < len(lines) and all(re.match(r"^\s*\$ ", ln) for ln in lines[:1])


def _step(title: str, lang: str, run: str, output: str | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"title": one_line(title_of(title, 200)) or "command", "lang": lang}
    if run.strip():
        step["run"] = run
    if output:
        step["output"] = output
    if lang in ("bash", "powershell", "cmd", "python", "sql") and run and first_destructive(run):
        step["destructive"] = True
    return step


def manual_step(text: str) -> dict[str, Any]:
    """A step done by hand, from a sentence or a list item: its first line is the title."""
    title = one_line(title_of(text, 200))
    step: dict[str, Any] = {"title": title}
    if plain(text).rstrip(":：").strip() != title:
        step["note"] = text
    return step
