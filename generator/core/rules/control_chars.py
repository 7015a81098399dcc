"""Control characters in any text: invisible in an editor and in a review, they change what a page or a
script shows. The C0 controls (but tab and newline), DEL, the C1 controls, and the bidirectional overrides
and isolates, which reorder what is displayed ("Trojan Source"). YAML lets them in through escapes such as
"\\x07" or "\\u202e", and through raw bidi characters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from generator.core.findings import Finding
from generator.core.rules.walk import strings

RULE = "control-char"

# The renderers replace the same characters (outputs/text.py), so a page is safe even unvalidated.
FORBIDDEN_RANGES = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
FORBIDDEN = re.compile(f"[{FORBIDDEN_RANGES}]")

# The names people search for; Unicode gives control characters none.
# fmt: off
_C0 = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
]
_C1 = [
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3",
    "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGC", "SCI", "CSI", "ST", "OSC", "PM", "APC",
]
# fmt: on


def describe(char: str) -> str:
    """`U+0007 (BEL)`, `U+202E (RIGHT-TO-LEFT OVERRIDE)`: the code point and the name people search for."""
    code = ord(char)
    if code < 0x20:
        name = _C0[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = _C1[code - 0x80]
    else:
        name = unicodedata.name(char, "unnamed")
    return f"U+{code:04X} ({name})"


def check(path: str, data: Any) -> list[Finding]:
    out = []
    for loc, value in strings(data):
        found = FORBIDDEN.search(value)
        if found is None:
            continue
        at = found.start()
        line = value.count("\n", 0, at) + 1
        col = at - (value.rfind("\n", 0, at) + 1) + 1
        others = len(FORBIDDEN.findall(value)) - 1
        more = f" (and {others} more)" if others else ""
        where = f"line {line}, column {col} of the value" if "\n" in value else f"character {col} of the value"
        out.append(
            Finding(
                path,
                RULE,
                f"control character {describe(found.group())} at {where}{more}",
                loc=loc,
                hint="delete it (look for escapes such as \\x07 or \\u202e in a double-quoted string); "
                "tab and newline are allowed",
            )
        )
    return out
