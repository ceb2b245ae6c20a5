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


@lru_cache(maxsize=4096)
def _parse(text: str, base: date | None) -> date | None:
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
    if base:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    text = re.sub(r"^(on|by|in|since|from|until|last|this)\s+", "", text.strip(), flags=re.I)
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
    _parse("on March 3, 2024", None)
