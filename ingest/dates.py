"""Dates in article text resolved against the article's own date.

Absolute dates ("12 March 2024") stand alone; partial and relative ones ("on March 12",
"on Tuesday", "two days later") need an anchor: the published date, or for "N days later"
the date last resolved in the same article. Without an anchor they resolve to None rather
than to a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
_LATER = re.compile(r"\b(a|one|two|three|four|five|six|seven|ten|\d+)\s+(day|week)s?\s+(later|after)", re.I)
_NEXT = re.compile(r"\b(the\s+)?(next|following)\s+day\b", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_HAS_DAY = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)\b", re.I)


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_ORD = r"(?:st|nd|rd|th)?"
_ABSOLUTE = (
    re.compile(rf"(?P<mon>[a-z]+)\.?\s+(?P<day>\d{{1,2}}){_ORD},?\s+(?P<year>\d{{4}})", re.I),  # March 5, 2024
    re.compile(rf"(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>[a-z]+)\.?,?\s+(?P<year>\d{{4}})", re.I),  # 5 March 2024
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})"),  # 2024-03-05
)


def _absolute(text: str) -> date | None:
    """The day an unambiguous full date names, without dateparser (~1.6 ms a call there, and
    most dates in articles are of these forms). None means: ask dateparser."""
    for pattern in _ABSOLUTE:
        m = pattern.fullmatch(text)
        if m:
            mon = m["mon"]
            month = int(mon) if mon.isdigit() else _MONTHS.get(mon.lower())
            try:
                return date(int(m["year"]), month, int(m["day"])) if month else None
            except ValueError:
                return None
    return None


@lru_cache(maxsize=4096)
def _parse(text: str, base: date | None) -> date | None:
    text = re.sub(r"^(on|by|in|since|from|until|last|this)\s+", "", text.strip(), flags=re.I)
    found = _absolute(text)
    if found:
        return found
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
    if base:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    found = dateparser.parse(text, languages=["en"], settings=settings)
    return found.date() if found else None


def resolve(text: str | None, base: date | None, last: date | None = None) -> date | None:
    """The calendar day `text` names, or None when it names no single day."""
    if not text:
        return None
    m = _LATER.search(text)
    if m:
        if not last:
            return None
        n = _NUMBERS.get(m.group(1).lower()) or int(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
        return last + (timedelta(weeks=n) if m.group(2).lower() == "week" else timedelta(days=n))
    if _NEXT.search(text):
        return last + timedelta(days=1) if last else None
    if not _HAS_DAY.search(text):
        return None
    if not _YEAR.search(text) and not base:
        return None
    return _parse(text, base)


def year_of(text: str | None) -> int | None:
    m = _YEAR.search(text or "")
    return int(m.group(1)) if m else None


def warm_up() -> None:
    """Load dateparser's data now (about a second, once per process)."""
    _parse("on March 3", date(2024, 3, 4))  # a partial date: the fast path leaves it to dateparser
