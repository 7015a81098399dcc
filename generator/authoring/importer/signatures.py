"""Error signatures from what write-ups contain: log lines in output blocks, quoted error messages,
alert message templates, "the log shows …" sentences and lists of common errors.

A signature is what `kb diagnose` looks for in someone's log: the message, without the timestamp,
host and process id that will differ next time.
"""

from __future__ import annotations

import re

from generator.core.model.common import LINE_MAX

ERRORISH = re.compile(
    r"\b(error|errors|err|warn|warning|fatal|crit|critical|emerg|alert|panic|exception|traceback|fail|failed|failure|"
    r"refused|denied|forbidden|unauthorized|timeout|timed out|cannot|can't|unable|not found|no such|killed|oom|"
    r"out of memory|unreachable|unavailable|invalid|rejected|expired|exceeded|too many|misbehaving|aborted|"
    r"conflict|corrupt|deadlock|broken pipe|reset by peer|no route|bad gateway|overflow|exhausted|evict\w*|"
    r"backoff|crashloop\w*|segfault|segmentation)\b|(?-i:\bE[A-Z]{4,}\b)|\w+(Error|Exception|Failure|Fault)\b|错误|失败|异常|超时|拒绝|"
    r"无法|警告|不可用|不存在|已满|溢出|崩溃|\b[45]\d\d\b\s+[A-Z][a-z]+",
    re.IGNORECASE,
)
# Prefixes that differ between two occurrences of the same message.
_PREFIX = re.compile(
    r"^(?:\s*(?:\[[^\]]{0,40}\d[^\]]{0,40}\]|\d{4}[-/.]\d{2}[-/.]\d{2}[T ]?|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?Z?|"
    r"[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}|[+-]\d{2}:?\d{2}\b|\d{10,13}\b|[\w.-]+\[\d+\]:|pid[=:]\d+)\s*)+"
)
_COMMAND = re.compile(
    r"^\s*(?:\$ |sudo |kubectl |systemctl |journalctl |docker |curl |grep |tail |cat |ssh |redis-cli |mysql |psql |"
    r"nginx |git |helm |ps |ss |netstat |ls |cd |export |echo |python\d? |pip |npm |apt |yum )"
)
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\$\{?labels\.\w+\}?|\$value\b|%\(\w+\)s|\{\w+\}")
_QUOTED = re.compile(r"`([^`\n]{6,300})`|\"([^\"\n]{6,300})\"|“([^”\n]{6,300})”|「([^」\n]{6,300})」|'([^'\n]{8,300})'")
_SAYS = re.compile(
    r"(log|logs|日志|输出|报错|错误信息|提示|error)\s*(shows?|says?|reads?|contains?|reports?|显示|中出现|出现|里有|报|为|是)"
    r"|fails? with|ends? with|you (will )?see|returns?|报错|提示",
    re.IGNORECASE,
)
_KEYED = re.compile(r"^\s*(summary|description|message|msg|title|text)\s*:\s*(.+)$", re.IGNORECASE)


def clean(line: str) -> str:
    """The message of a log line: timestamps, host and process prefixes taken off."""
    text = _PREFIX.sub("", line.strip()).strip(" :-|")
    return text if len(text) >= 6 else line.strip()


def is_logline(line: str) -> bool:
    s = line.strip()
    return 6 <= len(s) <= 2000 and not _COMMAND.match(s) and bool(ERRORISH.search(s))


def from_output(text: str, limit: int = 12) -> list[dict[str, str]]:
    """Signatures from the lines of a log or output block."""
    out: list[dict[str, str]] = []
    for line in text.split("\n"):
        if is_logline(line):
            out.append(_signature(clean(line)))
        if len(out) >= limit:
            break
    return _dedupe(out)


def from_text(text: str, limit: int = 8) -> list[dict[str, str]]:
    """Quoted error messages in prose ("the log shows `Connection refused`"), and alert templates."""
    out: list[dict[str, str]] = []
    says = bool(_SAYS.search(text))
    for m in _QUOTED.finditer(text):
        quote = next(g for g in m.groups() if g)
        if _COMMAND.match(quote) or quote.strip().startswith(("-", "/", "http", "$ ")):
            continue
        if _TEMPLATE.search(quote):
            out.append(template(quote))
        elif ERRORISH.search(quote) or (says and len(quote.split()) >= 2):
            out.append(_signature(quote.strip()))
        if len(out) >= limit:
            break
    return _dedupe(out)


def from_template_block(text: str) -> list[dict[str, str]]:
    """Alert message templates in a block: `summary: "Node {{ $labels.node }} is down"`."""
    out = []
    for line in text.split("\n"):
        keyed = _KEYED.match(line)
        value = keyed.group(2).strip().strip("'\"") if keyed else line.strip()
        if _TEMPLATE.search(value) and len(value) >= 8:
            out.append(template(value))
    return _dedupe(out)


def template(text: str) -> dict[str, str]:
    """An alert message template as a regular expression: the placeholders match anything."""
    parts = _TEMPLATE.split(text.strip())
    pattern = ".+?".join(re.escape(p) for p in parts)
    pattern = re.sub(r"(\\ )+", " ", pattern)  # re.escape leaves spaces alone on 3.7+, but be sure
    if len(pattern) > LINE_MAX or not any(p.strip() for p in parts):
        return _signature(text)
    return {"text": pattern, "match": "regex"}


def _signature(text: str) -> dict[str, str]:
    text = " ".join(text.split())
    return {"text": text if len(text) <= LINE_MAX else text[: LINE_MAX - 1].rstrip() + "…"}


def _dedupe(sigs: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for s in sigs:
        if s["text"] not in seen and s["text"].strip():
            seen.add(s["text"])
            out.append(s)
    return out


def looks_like_output(text: str, lang: str) -> bool:
    """A block that shows what a program printed (a log, an error), rather than commands to run."""
    if lang and lang not in ("text", "txt", "log", "logs", "plaintext", "output", "none", "console-output", "stderr"):
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        return False
    commands = sum(1 for ln in lines if _COMMAND.match(ln) or ln.lstrip().startswith("#"))
    return commands * 2 < len(lines)
