"""Value formats that ontology properties declare (`imo: {type: string, format: imo}`), each
validated in one place for every caller: the text extractor, the sanctions-list readers, the
benchmark's generator.

    formats.valid("imo", "9161003")     # True: seven digits and the right check digit
    formats.valid_imo("9161004")        # False
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

Validator = Callable[[str], bool]
FORMATS: dict[str, Validator] = {}


def register(name: str) -> Callable[[Validator], Validator]:
    """Declare `name` as a format the ontology may name, validated by the decorated function."""

    def add(fn: Validator) -> Validator:
        FORMATS[name] = fn
        return fn

    return add


def imo_check_digit(six: str) -> int:
    """The IMO check digit of an IMO number's first six digits: each times 7, 6, ... 2, the
    last digit of the sum."""
    return sum(int(d) * w for d, w in zip(six, (7, 6, 5, 4, 3, 2))) % 10


@register("imo")
def valid_imo(number: str) -> bool:
    """True when `number` is seven digits whose last is the IMO check digit of the first six."""
    return len(number) == 7 and number.isascii() and number.isdigit() and imo_check_digit(number[:6]) == int(number[6])


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
