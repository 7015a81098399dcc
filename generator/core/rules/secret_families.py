"""The secret families: one table that both `kb validate` (rules/secrets.py) and the generated
collect-diagnostics.sh (its sed masking rules) are made from, so the two never drift apart.

Each pattern is written once, in the part of POSIX extended regular expressions that GNU and BSD
sed and Python's `re` read alike: bracket expressions (with `[:space:]`-style classes), groups,
`|`, `?`, `*`, `+`, `{m,n}` and `\\.`-style escapes outside brackets. No lookarounds, `\\b`, `\\d`,
non-greedy or non-capturing groups: `python_regex` adds what Python needs, `sed_script` what sed needs.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

MASK = "********"
KEY_REMOVED = "[private key removed]"
# Pieces of patterns. Quotes go through constants: a backslash inside a bracket expression is a
# literal for sed and an escape for Python.
_QUOTES = "\"'"
_QUOTE = f"[{_QUOTES}]?"  # an optional quote around a key or a value
_NOT_SPACE_OR_QUOTE = f"[^[:space:]{_QUOTES}]+"
_USER = f"[^[:space:]:{_QUOTES}]+"  # the user name of `user:password`
# A value on a command line: quoted as a whole, or one word up to a shell separator.
_ARG = r"""('[^']+'|"[^"]+"|[^[:space:]'"|;&]+)"""
# Options and words that may stand between a command and the flag that carries a password.
_ANY_ARGS = r"([^|;&]*[[:space:]])?"


@dataclass(frozen=True)
class Family:
    """One kind of secret. Masking replaces `secret` and keeps `before` and `after`."""

    name: str  # what a finding calls it
    secret: str  # ERE of the secret itself
    before: str = ""  # ERE of the context in front of it (a key name, a flag, a URL scheme)
    after: str = ""  # ERE that must follow it, kept as it is
    ignore_case: bool = False
    # A multi-line block (a private key): `secret` is its first line, this its last; masking leaves a
    # note in its place.
    block_end: str = ""
    # For the validator only: whether a value (with the text matched before it) is a real secret rather
    # than prose or a file name. The masking does not ask: hiding too much of a report costs little.
    plausible: Callable[[str, str], bool] | None = None


# Words documentation uses in place of a secret, alone or joined by `-`, `_`, `.` or `:`, maybe with a
# number: `new_password`, `your-api-key`, `admin123`, `pass`. Joined without a separator only as listed
# (`mypassword`), since `s3cretPw` is a password someone chose.
_VOCABULARY = (
    "new|old|my|your|the|a|an|some|db|database|user|username|login|admin|administrator|root|app|api|access|"
    "secret|secrets|password|passwd|pass|pwd|pw|passphrase|token|key|value|here|auth|super|strong|real|"
    "changeme|changeit|foo|bar|baz|qux|test|example|dummy|sample|placeholder|default|demo|client|service|"
    "account|bot|github|gitlab|slack|stripe|aws|google|npm|azure|bearer|jwt|webhook|url|name|personal|"
    "private|public|session|signing|master|prod|production|staging|dev|server|storage|connection|string|id|"
    "s3cret|p4ssw0rd|passw0rd|p@ssw0rd|p@ssword|letmein|hunter2|abc|xyz|qwerty|none|null|empty|masked|hidden|"
    "mypassword|mysecret|mytoken|yourpassword|newpassword|secretpassword|supersecret|apikey|apitoken|"
    "authtoken|accesskey|secretkey|privatekey|accesstoken"
)
_WORD = rf"(?:{_VOCABULARY})[0-9]{{0,4}}"
_VOCABULARY_ONLY = re.compile(rf"{_WORD}(?:[-_.:]{_WORD})*", re.IGNORECASE)
_MARKERS = re.compile(
    r"example|sample|dummy|changeme|change[-_]me|placeholder|redacted|replace[-_]?me|not[-_]?real|"
    r"^(?:your|insert|enter|put|replace)[-_]|[-_]here$|\.\.\.|…|<[^<>]*>|\{\{|\$\{|\$\(|%[A-Za-z_]+%",
    re.IGNORECASE,
)
# Masked or filler characters: `xxxxxxxx`, `********`, `00000000`, `AKIAXXXXXXXXXXXXXXXX`; or a value that is
# one character repeated (`curl -u 'xxx:yyy'`).
_FILLER = re.compile(r"([xX*#0.•])\1{3,}")
_ONE_CHARACTER = re.compile(r"(.)\1{2,}")


def is_placeholder(value: str) -> bool:
    """A stand-in for a secret that documentation shows where the reader puts their own."""
    value = value.strip("\"'`")
    if not value or value[0] in "$<{" or not any(c.isalnum() for c in value):
        return True
    return bool(
        _MARKERS.search(value)
        or _FILLER.search(value)
        or _ONE_CHARACTER.fullmatch(value)
        or _VOCABULARY_ONLY.fullmatch(value)
    )


def entropy(value: str) -> float:
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


# Keys that name something about a secret, not the secret: `secret_name:`, `token_ttl=`, `password_file:`.
_ABOUT_A_SECRET = re.compile(
    r"[-_.]?(?:name|id|ids|file|path|dir|ttl|length|len|size|count|ref|arn|version|type|expiry|expires|"
    r"url|uri|endpoint|policy|mount|env|var|hash|store|provider|header|field|prompt|label|key_id)"
    r"[\"']?\s*(?::|=|：)\s*[\"']?$",
    re.IGNORECASE,
)


def looks_random(value: str, before: str = "") -> bool:
    """A value after `password=` or `token:` that looks generated or chosen, not a word, number or path."""
    value = value.strip("\"'`")
    if _ABOUT_A_SECRET.search(before):
        return False
    if len(value) < 8 or value.startswith(("/", "./", "~/", "-")) or "://" in value:
        return False
    if re.fullmatch(r"[\w.-]+\.(?:txt|pem|key|crt|json|ya?ml|env|conf|cfg|ini|toml|properties)", value, re.I):
        return False  # a file that holds the secret, named by a key such as `password_file:`
    letters = sum(c.isalpha() for c in value)
    return letters >= 2 and any(c.isdigit() for c in value) and entropy(value) >= 3.0


def _basic_credentials_real(value: str, before: str = "") -> bool:
    """`Authorization: Basic dXNlcjpwYXNz` is the documentation's user:pass; decode to tell."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return len(value) >= 16  # not base64 of a user:password: a token all the same when long enough
    _, _, password = decoded.partition(":")
    return bool(password) and not is_placeholder(password)


FAMILIES: tuple[Family, ...] = (
    # Private keys: the header names what follows; the masking removes the whole block.
    Family(
        "private key",
        r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----",
        block_end=r"-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----",
    ),
    # Cloud providers.
    Family("AWS access key", r"(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"),
    Family(
        "AWS secret access key",
        r"[A-Za-z0-9/+]{40}",
        before=r"(aws_?)?secret_?access_?key" + _QUOTE + r"[[:space:]]*([:=][[:space:]]*)?" + _QUOTE,
        ignore_case=True,
    ),
    Family("Google API key", r"AIza[A-Za-z0-9_-]{35}"),
    Family("Google OAuth client secret", r"GOCSPX-[A-Za-z0-9_-]{28}"),
    Family(
        "Azure storage or service bus key",
        r"[A-Za-z0-9+/]{20,}={0,2}",
        before=r"(AccountKey|SharedAccessKey)[[:space:]]*=[[:space:]]*",
        ignore_case=True,
    ),
    Family("Azure SAS signature", r"[A-Za-z0-9%+/]{20,}=*", before=r"[?&]sig="),
    Family("DigitalOcean token", r"do[opr]_v1_[a-f0-9]{64}"),
    Family("HashiCorp Vault token", r"hv[sbr]\.[A-Za-z0-9_-]{24,}"),
    # Code hosting and package registries.
    Family("GitHub token", r"(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
    Family("GitLab token", r"(glpat|gldt|glrt|glptt|glcbt|gloas|glsoat|glft|glimt|glagent)-[A-Za-z0-9_-]{20,}"),
    Family("npm token", r"npm_[A-Za-z0-9]{36}"),
    Family("npm token", _NOT_SPACE_OR_QUOTE, before=r":_authToken[[:space:]]*=[[:space:]]*"),
    Family("PyPI token", r"pypi-AgE[A-Za-z0-9_-]{50,}"),
    Family("Docker Hub token", r"dckr_pat_[A-Za-z0-9_-]{20,}"),
    Family("Hugging Face token", r"hf_[A-Za-z0-9]{34}"),
    # Messaging, payments, mail.
    Family("Slack token", r"(xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[0-9]+-[A-Za-z0-9-]{10,})"),
    Family(
        "Slack webhook URL",
        r"[A-Za-z0-9_/-]{20,}",
        before=r"https://hooks\.slack\.com/(services|workflows|triggers)/",
    ),
    Family(
        "Discord webhook URL",
        r"[A-Za-z0-9_-]{30,}",
        before=r"https://(ptb\.|canary\.)?discord(app)?\.com/api/webhooks/[0-9]+/",
    ),
    Family("Telegram bot token", r"[0-9]{8,10}:AA[A-Za-z0-9_-]{33}"),
    Family("Stripe key", r"((sk|rk)_(live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})"),
    Family("Twilio API key", r"SK[0-9a-fA-F]{32}"),
    Family("SendGrid API key", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    Family("Mailchimp API key", r"[0-9a-f]{32}-us[0-9]{1,2}"),
    Family("Shopify token", r"shp(at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    # Generic shapes: keys of AI and other APIs, web tokens, HTTP authorization.
    Family("API key", r"sk-[A-Za-z0-9_-]{20,}"),
    Family("JSON Web Token", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    Family(
        "basic auth credentials",
        r"[A-Za-z0-9+/]{6,}={0,2}",
        before=r"authorization[[:space:]]*:[[:space:]]*basic[[:space:]]+",
        ignore_case=True,
        plausible=_basic_credentials_real,
    ),
    Family("bearer token", r"[A-Za-z0-9._~+/-]{20,}=*", before=r"bearer[[:space:]]+", ignore_case=True),
    Family(
        "authorization header",
        _NOT_SPACE_OR_QUOTE,
        before=r"(proxy-)?authorization[[:space:]]*:[[:space:]]*([A-Za-z]+[[:space:]]+)?",
        ignore_case=True,
        plausible=looks_random,
    ),
    # Passwords: in URLs, on command lines, in client variables, in .netrc.
    Family(
        "password in URL",
        r"[^[:space:]/@" + _QUOTES + r"]+",
        before=r"[A-Za-z][A-Za-z0-9+.-]*://[^[:space:]:/@" + _QUOTES + "]*:",
        after="@",
    ),
    Family(
        "password on the command line",
        _ARG,
        before=r"mysql(dump|admin|import|check|show|binlog)?[[:space:]]" + _ANY_ARGS + "-p",
    ),
    Family(
        "password on the command line",
        _ARG,
        # redis-cli's -p is its port: its password is -a.
        before=r"(sshpass[[:space:]]+-p|redis-cli[[:space:]]"
        + _ANY_ARGS
        + r"-a|(docker[[:space:]]+login|mongo(sh)?)[[:space:]]"
        + _ANY_ARGS
        + r"-p|ldap[a-z]+[[:space:]]"
        + _ANY_ARGS
        + r"-w)[[:space:]]*",
    ),
    Family("password on the command line", _ARG, before=r"--(password|passwd)(=|[[:space:]]+)"),
    Family(
        "password on the command line",
        r"[^[:space:]@" + _QUOTES + r"]+",
        before=r"curl[[:space:]]" + _ANY_ARGS + r"(-u|--user)([[:space:]]+|=)?" + _QUOTE + _USER + ":",
    ),
    Family(
        "password variable",
        _ARG,
        before=r"(PGPASSWORD|MYSQL_PWD|MYSQL_ROOT_PASSWORD|POSTGRES_PASSWORD|REDISCLI_AUTH|SSHPASS|"
        r"RABBITMQ_DEFAULT_PASS|MONGO_INITDB_ROOT_PASSWORD)=",
    ),
    Family(
        "password in .netrc",
        r"[^[:space:]]+",
        before=r"machine[[:space:]]+[^[:space:]]+[[:space:]]+login[[:space:]]+[^[:space:]]+[[:space:]]+password[[:space:]]+",
    ),
    # Last: any `password=...`, `"api_key": "..."`, `X-Auth-Token: ...`.
    Family(
        "credential",
        r"[^[:space:],;" + _QUOTES + r"]+",
        before=r"(pass(word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|credentials?|"
        r"密码|口令|密钥|令牌)[A-Za-z0-9_-]*" + _QUOTE + r"[[:space:]]*(:|=|：)[[:space:]]*" + _QUOTE,
        ignore_case=True,
        plausible=looks_random,
    ),
)


# ---------------------------------------------------------------- Python


def python_regex(family: Family) -> re.Pattern[str]:
    """The family as one Python pattern with the groups `before` and `secret` (`after` is a lookahead).

    A match must start at a word boundary (so `bypass=` is not `pass=`), and a token must not run on
    into more letters: the masking can do without both, the validator's precision cannot."""
    pattern = r"(?<![A-Za-z0-9])"
    if family.before:
        pattern += f"(?P<before>{_to_python(family.before)})"
    pattern += f"(?P<secret>{_to_python(family.secret)})"
    pattern += f"(?={_to_python(family.after)})" if family.after else r"(?![A-Za-z0-9])"
    return re.compile(pattern, re.IGNORECASE if family.ignore_case else 0)


_CLASSES = {
    "space": r"\s",
    "alnum": "A-Za-z0-9",
    "alpha": "A-Za-z",
    "digit": "0-9",
    "xdigit": "0-9A-Fa-f",
    "upper": "A-Z",
    "lower": "a-z",
}


def _to_python(ere: str) -> str:
    """ERE -> Python: groups become non-capturing, `[:class:]` inside brackets its Python spelling."""
    out: list[str] = []
    i, n = 0, len(ere)
    while i < n:
        ch = ere[i]
        if ch == "\\":
            out.append(ere[i : i + 2])
            i += 2
        elif ch == "(":
            out.append("(?:")
            i += 1
        elif ch == "[":
            end, body = _bracket(ere, i)
            out.append(body)
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _bracket(ere: str, start: int) -> tuple[int, str]:
    """(index after the bracket expression at `start`, its Python spelling)."""
    i = start + 1
    out = ["["]
    if ere[i : i + 1] == "^":
        out.append("^")
        i += 1
    if ere[i : i + 1] == "]":  # a `]` first is a literal one
        out.append(r"\]")
        i += 1
    while ere[i] != "]":
        if ere.startswith("[:", i):
            end = ere.index(":]", i)
            out.append(_CLASSES[ere[i + 2 : end]])
            i = end + 2
            continue
        if ere[i] == "\\":
            raise ValueError(f"a backslash in a bracket expression means different things to sed and Python: {ere}")
        out.append(ere[i] if ere[i] not in "[&~|" else "\\" + ere[i])
        i += 1
    out.append("]")
    return i + 1, "".join(out)


# ---------------------------------------------------------------- sed


def _groups(ere: str) -> int:
    """How many groups an ERE opens (for the back-reference numbers of a sed replacement)."""
    count, i, in_bracket = 0, 0, False
    while i < len(ere):
        ch = ere[i]
        if in_bracket:
            if ere.startswith("[:", i):
                i = ere.index(":]", i) + 2
                continue
            if ch == "]":
                in_bracket = False
        elif ch == "\\":
            i += 1
        elif ch == "[":
            in_bracket = True
            if ere[i + 1 : i + 2] == "^":
                i += 1
            if ere[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            count += 1
        i += 1
    return count


def _delimiter(*texts: str) -> str:
    """A delimiter for `s` that none of the texts holds, so nothing needs escaping."""
    return next(d for d in "#%!~,@" if not any(d in t for t in texts))


def sed_rules(family: Family) -> list[str]:
    """The sed commands (ERE syntax, `sed -E`) that mask the family's secrets, one command a line."""
    flags = "gI" if family.ignore_case else "g"
    if family.block_end:
        begin, end = family.secret, family.block_end
        d = _delimiter(begin, end, KEY_REMOVED)
        if "/" in begin + end:
            raise ValueError(f"{family.name}: a block's lines are sed addresses, /.../, and cannot hold a /")
        return [
            # The whole block on one line (a JSON string with \n escapes).
            f"s{d}{begin}.*{end}{d}{KEY_REMOVED}{d}g",
            # A block over several lines: its first line becomes the note, the others go. A block cut
            # short (no END line) goes to the end of the report, which still says what was there.
            f"/{begin}/,/{end}/{{",
            f"/{begin}/!d",
            f"s{d}.*{d}{KEY_REMOVED}{d}",
            "}",
        ]
    pattern, replacement = family.secret, MASK
    if family.before:
        pattern, replacement = f"({family.before}){pattern}", f"\\1{MASK}"
    if family.after:
        group = (1 + _groups(family.before) if family.before else 0) + _groups(family.secret) + 1
        if group > 9:
            raise ValueError(f"{family.name}: sed has back-references \\1 to \\9 only")
        pattern, replacement = f"{pattern}({family.after})", f"{replacement}\\{group}"
    d = _delimiter(pattern, replacement)
    return [f"s{d}{pattern}{d}{replacement}{d}{flags}"]


@cache
def sed_script() -> str:
    """Every family's masking rules, in the table's order: the specific shapes before the generic ones."""
    return "\n".join(rule for family in FAMILIES for rule in sed_rules(family)) + "\n"
