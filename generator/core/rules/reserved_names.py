"""Parameter names that bash, the programs steps call, or the generated scripts already give a meaning to.

Scripts export every parameter to every step, so a parameter named BASH_ENV would run its value before
each step, PATH would choose which programs run, LD_PRELOAD which code they load. A parameter named
like a script option (DRY_RUN -> --dry-run) would shadow it. None of these may be declared.
"""

from __future__ import annotations

import re
from typing import Any

from generator.core.findings import Finding

RULE = "reserved-parameter-name"

# The scripts' own options (see the `case` of templates/snippets/*.sh.j2), as the parameter names whose
# flag would be the same: --dry-run, --problem, --yes, --platform, --output, --help.
SCRIPT_OPTIONS = frozenset({"DRY_RUN", "PROBLEM", "YES", "PLATFORM", "OUTPUT", "HELP"})

# Variables bash reads or sets itself (bash(1), "Shell Variables"), and environment variables that make
# the shell or the programs steps run (bash, python3, perl, node, git, systemctl, less...) run or load code.
SHELL_NAMES = frozenset(
    {
        # bash runs or parses their value
        "ENV", "SHELLOPTS", "BASHOPTS", "PS0", "PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND", "POSIXLY_CORRECT",
        "FUNCNEST", "EXECIGNORE",
        # they change what words and commands mean
        "PATH", "IFS", "CDPATH", "GLOBIGNORE", "HOME", "SHELL", "PWD", "OLDPWD", "TMPDIR", "FIGNORE",
        "OPTIND", "OPTARG", "OPTERR", "REPLY", "LANG", "TZ", "TERM", "USER", "LOGNAME",
        # bash sets them
        "UID", "EUID", "PPID", "GROUPS", "HOSTNAME", "HOSTTYPE", "MACHTYPE", "OSTYPE", "RANDOM", "SRANDOM",
        "SECONDS", "LINENO", "SHLVL", "PIPESTATUS", "FUNCNAME", "DIRSTACK", "COPROC", "MAPFILE", "COLUMNS",
        "LINES", "EPOCHSECONDS", "EPOCHREALTIME", "TIMEFORMAT", "TMOUT", "MAIL", "MAILCHECK", "MAILPATH",
        "HOSTFILE", "INPUTRC", "EMACS", "INSIDE_EMACS",
        "HISTCMD", "HISTCONTROL", "HISTFILE", "HISTFILESIZE", "HISTIGNORE", "HISTSIZE", "HISTTIMEFORMAT",
        # programs the steps call run or load code named by them
        "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONWARNINGS", "PYTHONINSPECT", "PYTHONUSERBASE",
        "PERL5LIB", "PERL5OPT", "PERLLIB", "NODE_OPTIONS", "NODE_PATH", "RUBYOPT", "RUBYLIB",
        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "GCONV_PATH", "LOCPATH", "NLSPATH", "HOSTALIASES", "RES_OPTIONS",
        "EDITOR", "VISUAL", "PAGER", "MANPAGER", "MANOPT", "LESSOPEN", "LESSCLOSE", "BROWSER",
        "SSH_ASKPASS", "SUDO_ASKPASS", "SUDO_EDITOR",
    }
)  # fmt: skip
# Whole families: bash's own (BASH_ENV, BASH_XTRACEFD...), the dynamic linker's (LD_PRELOAD, DYLD_...),
# locales, completion and readline, git's and systemd's (GIT_SSH_COMMAND, SYSTEMD_PAGER...), and the
# scripts' own namespace.
RESERVED_PREFIXES = ("BASH_", "LD_", "DYLD_", "LC_", "COMP_", "READLINE_", "GIT_", "SYSTEMD_", "KB_")

NAME = re.compile(r"[A-Z][A-Z0-9_]*")  # used with fullmatch: `$` would let a final newline through


def why_reserved(name: str) -> str | None:
    """Why a parameter may not have this name, or None when it may."""
    if not NAME.fullmatch(name):
        return "a parameter name is UPPER_SNAKE_CASE: a capital letter, then capitals, digits and '_'"
    if name in SCRIPT_OPTIONS:
        return f"--{name.lower().replace('_', '-')} is an option of every generated script"
    if name in SHELL_NAMES:
        return f"{name} already means something to bash or to the programs the steps run"
    prefix = next((p for p in RESERVED_PREFIXES if name.startswith(p)), None)
    if prefix == "KB_":
        return "names starting with KB_ are kept for the generated scripts"
    if prefix:
        return f"names starting with {prefix} already mean something to bash or to the programs the steps run"
    return None


def check(path: str, data: Any) -> list[Finding]:
    if data.get("kind") != "runbook" or not isinstance(data.get("parameters"), list):
        return []
    out = []
    for i, param in enumerate(data["parameters"]):
        name = param.get("name") if isinstance(param, dict) else None
        if not isinstance(name, str) or not NAME.fullmatch(name):
            continue  # the schema reports it
        why = why_reserved(name)
        if why:
            out.append(
                Finding(
                    path,
                    RULE,
                    f"parameter name {name!r} is reserved: {why}",
                    loc=("parameters", i, "name"),
                    hint="rename it after what it is for (SERVICE_PATH, APP_HOME, APP_PORT...) "
                    "and use the new name in the commands",
                )
            )
    return out
