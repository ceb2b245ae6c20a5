"""Value formats that ontology properties declare (`imo: {type: string, format: imo}`), each
validated in one place for every caller: the text extractor, the sanctions-list readers, the
benchmark's generator.

    formats.valid("imo", "9161003")     # True: seven digits and the right check digit
    formats.valid_imo("9161004")        # False
    formats.problem("imo", "9161004")   # "its check digit ... should be 3 ...": why it is not one

A format may also declare what a value of it looks like alone (`bare`): a lookup key typed as
just "9161003" is then taken for that identifier (graph/lookup.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

Validator = Callable[[str], bool]
FORMATS: dict[str, Validator] = {}
BARE: dict[str, re.Pattern[str]] = {}  # what a value looks like typed alone, for formats that say
PROBLEMS: dict[str, Callable[[str], str | None]] = {}  # why a value is not in the format, in words


def register(name: str, *, bare: str | None = None) -> Callable[[Validator], Validator]:
    """Declare `name` as a format the ontology may name, validated by the decorated function;
    `bare`: a regular expression a value of it matches typed alone (and few other things do)."""

    def add(fn: Validator) -> Validator:
        FORMATS[name] = fn
        if bare is not None:
            BARE[name] = re.compile(bare)
        return fn

    return add


def problem(fmt: str, value: str) -> str | None:
    """Why `value` is not in format `fmt`, as a clause ("its check digit ..."); None when it is."""
    if valid(fmt, value):
        return None
    explain = PROBLEMS.get(fmt)
    return (explain(value) if explain else None) or f"it is not a valid {fmt} value"


def imo_check_digit(six: str) -> int:
    """The IMO check digit of an IMO number's first six digits: each times 7, 6, ... 2, the
    last digit of the sum."""
    return sum(int(d) * w for d, w in zip(six, (7, 6, 5, 4, 3, 2))) % 10


@register("imo", bare=r"\d{7}")
def valid_imo(number: str) -> bool:
    """True when `number` is seven digits whose last is the IMO check digit of the first six."""
    return len(number) == 7 and number.isascii() and number.isdigit() and imo_check_digit(number[:6]) == int(number[6])


def _imo_problem(number: str) -> str:
    if not (len(number) == 7 and number.isascii() and number.isdigit()):
        return "an IMO number is seven digits, e.g. IMO 9161003"
    return (f"its check digit fails (the last digit of an IMO number starting {number[:6]} "
            f"is {imo_check_digit(number[:6])}, not {number[6]})")


PROBLEMS["imo"] = _imo_problem


@register("mmsi")
def valid_mmsi(number: str) -> bool:
    """True when `number` is an MMSI: nine digits."""
    return len(number) == 9 and number.isascii() and number.isdigit()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register("date")
def valid_date(text: str) -> bool:
    """True when `text` is an ISO calendar date, YYYY-MM-DD, that exists."""
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@register("iso2")
def valid_iso2(code: str) -> bool:
    """True when `code` looks like an ISO 3166-1 alpha-2 country code: two capital letters."""
    return len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()


def valid(fmt: str, value: object) -> bool:
    """Whether `value` (a string) is in format `fmt`; KeyError for a format nobody registered."""
    return isinstance(value, str) and FORMATS[fmt](value)
