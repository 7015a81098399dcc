"""Dates and time zones as the write-up gives them: in a row, in a table header ("Time (CET)"), in the
document's own date or the year in its title. What is not written there is a guess, and says so."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    m: n + 1
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATES = [
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s+(?P<y>\d{{4}})(?!\d)", re.I),
    re.compile(rf"(?<![\w]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{{4}})(?!\d)", re.I),
]
# A date without its year: "11月11日", "Mar 5", "5 Mar", "03-05".
_SHORT_DATES = [
    re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(rf"(?<![\w]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)", re.I),
    re.compile(rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?![a-z])", re.I),
    re.compile(r"(?<![\d:/-])(?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?![\d:/-])"),
]
_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?!\d)(?:\s*年)?")
CLOCK = re.compile(r"(?<![\d:])(?P<h>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?(?:\.\d+)?(?![\d:])")
_AMPM = re.compile(r"^\s*(am|pm|a\.m\.|p\.m\.)", re.I)

ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 60,
    "CET": 60,
    "CEST": 120,
    "MET": 60,
    "MEST": 120,
    "EET": 120,
    "EEST": 180,
    "BST": 60,
    "IST": 330,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "JST": 540,
    "KST": 540,
    "SGT": 480,
    "HKT": 480,
    "AWST": 480,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "BRT": -180,
    "ART": -180,
}
_ZONE = re.compile(
    r"(?P<utc>\b(?:UTC|GMT)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)"
    r"|(?P<beijing>北京时间|东八区|中国标准时间)"
    r"|(?P<offset>(?<![\d:])(?P<osign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})(?![\d]))"
    r"|(?P<iana>\b(?:Europe|America|Asia|Africa|Australia|Pacific|Atlantic)/[A-Za-z_]+(?:/[A-Za-z_]+)?)"
    r"|(?P<abbr>\b(?:" + "|".join(sorted((z for z in ZONES if z != "Z"), key=len, reverse=True)) + r"|CST)\b)"
)


@dataclass
class Zone:
    tz: dt.tzinfo
    text: str  # as written


def find_zone(text: str, chinese: bool = False, day: dt.date | None = None) -> Zone | None:
    m = _ZONE.search(text)
    if not m:
        return None
    if m.group("utc"):
        sign = -1 if m.group("sign") == "-" else 1
        delta = dt.timedelta(hours=int(m.group("h")), minutes=int(m.group("m") or 0))
        return Zone(dt.timezone(sign * delta), m.group(0))
    if m.group("beijing"):
        return Zone(dt.timezone(dt.timedelta(hours=8)), m.group(0))
    if m.group("offset"):
        sign = -1 if m.group("osign") == "-" else 1
        delta = dt.timedelta(hours=int(m.group("oh")), minutes=int(m.group("om")))
        if delta > dt.timedelta(hours=14):
            return None
        return Zone(dt.timezone(sign * delta), m.group(0))
    if m.group("iana"):
        try:
            from zoneinfo import ZoneInfo

            return Zone(ZoneInfo(m.group("iana")), m.group(0))
        except Exception:  # an unknown zone name is text, not a zone
            return None
    abbr = m.group("abbr").upper()
    # CST is China Standard Time in a Chinese write-up, US Central elsewhere.
    minutes = (480 if chinese else -360) if abbr == "CST" else ZONES[abbr]
    return Zone(dt.timezone(dt.timedelta(minutes=minutes)), m.group(0))


def find_date(text: str) -> tuple[dt.date, str] | None:
    """The first full date in a text, and the text it was read from."""
    best: tuple[int, dt.date, str] | None = None
    for rx in _DATES:
        for m in rx.finditer(text):
            d = _date(m)
            if d and (best is None or m.start() < best[0]):
                best = (m.start(), d, m.group(0))
            if d:
                break
    return (best[1], best[2]) if best else None


def find_month_day(text: str, year: int) -> tuple[dt.date, str] | None:
    """The first date without a year ("11月11日", "March 5") in a text, in the given year."""
    for rx in _SHORT_DATES[:3]:
        m = rx.search(text)
        if m:
            d = _date(m, year)
            if d:
                return d, m.group(0)
    return None


def find_year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group("y")) if m else None


def _date(m: re.Match[str], year: int | None = None) -> dt.date | None:
    g = m.groupdict()
    try:
        y = int(g["y"]) if g.get("y") else year
        mon = MONTHS[g["mon"].lower().rstrip(".")] if g.get("mon") else int(g["m"])
        if y is None:
            return None
        return dt.date(y, mon, int(g["d"]))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class When:
    at: dt.datetime
    guessed: list[str]  # what was not in the text itself, for the `# guessed:` comment


def read_when(
    text: str, *, day: dt.date | None, year: int | None, zone: Zone | None, zone_from: str, previous: dt.datetime | None
) -> When | None:
    """A time from a timeline cell or item, completed from the document: its day, year and zone."""
    clock = CLOCK.search(text)
    full = find_date(text)
    short = None
    if not full:
        for rx in _SHORT_DATES:
            m = rx.search(text)
            if m and (clock is None or not (m.start() <= clock.start() < m.end())):
                short = m
                break
    if not clock and not full and not short:
        return None
    guessed: list[str] = []
    if full:
        date = full[0]
    elif short:
        date = _date(short, year or (day.year if day else None))  # type: ignore[assignment]
        if date is None:
            return None
        if not year and not day:
            guessed.append("year")
    elif day is not None or previous is not None:
        date = day or previous.date()  # type: ignore[union-attr]
        if previous is not None and clock is not None:
            candidate = dt.datetime.combine(previous.date(), _time(clock, text), previous.tzinfo)
            if candidate < previous - dt.timedelta(minutes=1):
                date = previous.date() + dt.timedelta(days=1)
                guessed.append("the next day (the time is earlier than the row before)")
            else:
                date = previous.date()
    else:
        return None
    local = find_zone(text)
    tz = local.tz if local else (zone.tz if zone else None)
    if tz is None:
        tz = dt.UTC
        guessed.append("time zone (UTC)")
    elif not local and zone_from == "guess":
        guessed.append(f"time zone ({zone.text if zone else 'UTC'})")
    t = _time(clock, text) if clock else dt.time()
    return When(dt.datetime.combine(date, t, tz), guessed)


def _time(clock: re.Match[str], text: str) -> dt.time:
    h = int(clock.group("h"))
    ampm = _AMPM.match(text[clock.end() :])
    if ampm and ampm.group(1).lower().startswith("p") and h < 12:
        h += 12
    elif ampm and h == 12:
        h = 0
    return dt.time(h, int(clock.group("mi")), int(clock.group("s") or 0))


def starts_with_time(text: str) -> re.Match[str] | None:
    """A list item that opens with a time ("14:03 ...", "**2024-03-05 14:03** ...", "20:03 -"): a timeline row."""
    head = re.sub(r"^[\s*_`\[(]+", "", text)[:40]
    m = re.match(
        r"^(?:(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}[-/]\d{1,2})[ T]*)?"
        r"(?:[01]?\d|2[0-3])[:：][0-5]\d",
        head,
    )
    return m
