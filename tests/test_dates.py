"""Dates: the regex fast path for full dates must name the same day dateparser does."""

from datetime import date, datetime

import dateparser
import pytest

from ingest import dates

SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def _forms():
    for i, month in enumerate(MONTHS):
        day = 1 + (i * 7) % 28
        year = 2019 + i % 6
        yield f"{month} {day}, {year}"
        yield f"{day} {month} {year}"
        yield f"{month[:3]}. {day} {year}"
        yield f"{day}th of {month} {year}"
        yield f"{year}-{i + 1:02d}-{day:02d}"
    yield "February 29, 2024"  # a leap day
    yield "29 February 2023"  # no such day: the fast path passes it on to dateparser


@pytest.mark.parametrize("text", list(_forms()))
def test_fast_path_agrees_with_dateparser(text):
    expected = dateparser.parse(text, languages=["en"], settings=SETTINGS)
    expected = expected.date() if expected else None
    assert dates._parse.__wrapped__(text, None) == expected
    base = date(2025, 6, 1)
    with_base = dateparser.parse(text, languages=["en"], settings={**SETTINGS, "RELATIVE_BASE": datetime(2025, 6, 1)})
    assert dates._parse.__wrapped__(text, base) == (with_base.date() if with_base else None)


def test_fast_path_takes_full_dates_and_leaves_the_rest():
    assert dates._absolute("March 5, 2024") == date(2024, 3, 5)
    assert dates._absolute("5th March 2024") == date(2024, 3, 5)
    assert dates._absolute("Sept. 9 2021") == date(2021, 9, 9)
    assert dates._absolute("March 5") is None  # needs the article's date: dateparser's job
    assert dates._absolute("Tuesday 5, 2024") is None
    assert dates._absolute("February 30, 2024") is None


def test_resolve_partial_and_relative_dates_against_the_article():
    base = date(2024, 3, 20)
    assert dates.resolve("on March 12", base) == date(2024, 3, 12)
    assert dates.resolve("on March 12", None) is None
    assert dates.resolve("two days later", base, last=date(2024, 3, 12)) == date(2024, 3, 14)
    assert dates.resolve("on 12 March 2023", None) == date(2023, 3, 12)
