"""Secrets in commands or text: a knowledge base is read by many and lives in git forever.

Two detectors contribute: the project's own families (secret_families.py, shared with the masking of
collect-diagnostics.sh) and the plugins of detect-secrets, a maintained detector whose shapes follow
the providers' formats. Where both find the same text, the first finding stands. Placeholders such
as `<password>`, `${TOKEN}` or `AKIAIOSFODNN7EXAMPLE` are left alone by both.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from generator.core.findings import Finding
from generator.core.rules.secret_families import FAMILIES, is_placeholder, looks_random, python_regex
from generator.core.rules.walk import strings

RULE = "secret"

# detect-secrets plugins left out: entropy alone flags every checksum, commit and container id in a
# runbook, and a public IP address is not a credential.
_SKIPPED_PLUGINS = {"Base64 High Entropy String", "Hex High Entropy String", "Public IP (ipv4)"}
# detect-secrets' names, in the words of the project's own families.
_PLUGIN_NAMES = {
    "AWS Access Key": "AWS access key",
    "Private Key": "private key",
    "GitHub Token": "GitHub token",
    "GitLab Token": "GitLab token",
    "Slack Token": "Slack token",
    "JSON Web Token": "JSON Web Token",
    "Basic Auth Credentials": "password in URL",
    "Secret Keyword": "credential",
    "Stripe Access Key": "Stripe key",
    "SendGrid API Key": "SendGrid API key",
    "Twilio API Key": "Twilio API key",
    "NPM tokens": "npm token",
    "OpenAI Token": "API key",
    "Azure Storage Account access key": "Azure storage or service bus key",
    "Mailchimp Access Key": "Mailchimp API key",
    "Telegram Bot Token": "Telegram bot token",
    "PyPI Token": "PyPI token",
    "Discord Bot Token": "Discord bot token",
}


@cache
def _patterns() -> list[tuple[Any, Any]]:
    return [(family, python_regex(family)) for family in FAMILIES]


@cache
def _plugins() -> list[Any]:
    """detect-secrets' plugins, made once; imported on first use since the CLI rarely needs them."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping = get_mapping_from_secret_type_to_class()
    return [cls() for kind, cls in sorted(mapping.items()) if kind not in _SKIPPED_PLUGINS]


def _library_filtered(value: str, line: str, plugin: Any) -> bool:
    """detect-secrets' own false-positive heuristics, called directly: its settings are process-wide."""
    from detect_secrets.filters import heuristic

    return (
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_not_alphanumeric_string(value)
        or heuristic.is_indirect_reference(line)
        or heuristic.is_likely_id_string(value, line, plugin)
    )


def _own(text: str) -> Iterator[tuple[str, int, int]]:
    for family, pattern in _patterns():
        for m in pattern.finditer(text):
            start, end = m.span("secret")
            value = m.group("secret")
            # A value the pattern allowed to run on into a closing quote or backquote.
            trimmed = value.rstrip("`'\"")
            end -= len(value) - len(trimmed)
            # A private key's header is what to point at; it is no placeholder.
            before = m.group("before") if family.before else ""
            real = not is_placeholder(trimmed) and (family.plausible is None or family.plausible(trimmed, before))
            if family.block_end or real:
                yield family.name, start, end


def _library(text: str) -> Iterator[tuple[str, int, int]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        for plugin in _plugins():
            for value in set(plugin.analyze_string(line)):
                value = value.strip()
                if not value or is_placeholder(value) or _library_filtered(value, line, plugin):
                    continue
                name = _PLUGIN_NAMES.get(plugin.secret_type, plugin.secret_type)
                # Keyword matches are prose as often as not: the same test as the own `credential`.
                if name == "credential" and not looks_random(value):
                    continue
                start = line.find(value)
                while start >= 0:
                    yield name, offset + start, offset + start + len(value)
                    start = line.find(value, start + len(value))
        offset += len(line)


def find_secrets(text: str) -> Iterator[tuple[str, str]]:
    """(what, matched text) for each secret in the text, each stretch of text reported once."""
    taken: list[tuple[int, int]] = []
    for what, start, end in [*_own(text), *_library(text)]:
        if start >= end or any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        yield what, text[start:end]


def _preview(secret: str) -> str:
    """Enough of a secret to find it again, never enough to use it: at most a quarter, at most 6 characters."""
    return secret[: min(6, len(secret) // 4)] + "…"


def check(path: str, data: Any) -> list[Finding]:
    texts = list(strings(data))
    # One pass over all the text first: almost every document has no secret at all.
    if not any(True for _ in find_secrets("\n".join(t for _, t in texts))):
        return []
    out = []
    for loc, text in texts:
        for what, secret in find_secrets(text):
            out.append(
                Finding(
                    path,
                    RULE,
                    f"{what} '{_preview(secret)}' in the knowledge base",
                    loc=loc,
                    needle=secret,
                    hint="remove it, rotate it (it is already exposed in git history), and refer to an "
                    'environment variable instead, e.g. "${API_KEY:?set API_KEY}"',
                )
            )
    return out
