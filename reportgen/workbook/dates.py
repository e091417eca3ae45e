"""Dates as people type them in UK spreadsheets.

Real Excel dates are used as they are. Text is accepted in the UK forms
(14/11/2018, 14 Nov 2018, 14th November 2018, 2018-11-14, and "November 2018" for
a whole month); impossible dates (31/02/2019) and forms that only make sense the US
way round (11/14/2018, November 14 2018) are refused rather than guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9

_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?,?\s+(\d{4})")


@dataclass(frozen=True)
class DateReading:
    """What a cell says as a date. ``value`` is None when it is not a date at all
    (``error`` then says why, if it looked like one)."""

    value: date | None = None
    month_only: bool = False  # "November 2018": value is the last day of that month
    error: str | None = None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _make(year: int, month: int, day: int, original: str) -> DateReading:
    try:
        return DateReading(date(year, month, day))
    except ValueError:
        return DateReading(error=f'"{original}" is not a real date')


def read_date(value: Any) -> DateReading:
    """Interpret a cell as a date (see the module docstring for the forms)."""
    if isinstance(value, datetime):
        return DateReading(value.date())
    if isinstance(value, date):
        return DateReading(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return DateReading(error=f"{value:g} is a number, not a date")
    if not isinstance(value, str):
        return DateReading()
    original = value.strip()
    text = " ".join(original.casefold().replace(",", " ").split())
    if match := _NUMERIC.fullmatch(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if second > 12 and first <= 12:
            return DateReading(error=f'"{original}" looks like a US date (month/day/year)')
        return _make(year, second, first, original)
    if match := _ISO.fullmatch(text):
        return _make(int(match[1]), int(match[2]), int(match[3]), original)
    if (match := _DAY_MONTH_YEAR.fullmatch(text)) and match[2] in _MONTHS:
        return _make(int(match[3]), _MONTHS[match[2]], int(match[1]), original)
    if (match := _MONTH_DAY_YEAR.fullmatch(text)) and match[1] in _MONTHS:
        return DateReading(error=f'"{original}" looks like a US date (month day, year)')
    if (match := _MONTH_YEAR.fullmatch(text)) and match[1] in _MONTHS:
        year, month = int(match[2]), _MONTHS[match[1]]
        last = calendar.monthrange(year, month)[1]
        return DateReading(date(year, month, last), month_only=True)
    return DateReading()


def long_date(value: date | None) -> str:
    """14 November 2018, the form used in NHS papers."""
    return "" if value is None else f"{value.day} {value:%B %Y}"
