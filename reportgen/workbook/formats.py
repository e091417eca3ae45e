"""A cell's value as Excel shows it, from its number format: 26.45% not 0.2645.

Only the parts of Excel's number-format language that board papers use are read:
digits and decimals (``0``, ``#``, ``0.00``), thousands separators (``#,##0``), scaling
by a trailing comma, percentages, literal text (``"£"#,##0``, ``\\£``, ``[$£-809]``),
colours (ignored: the paper prints in its own colours), up to three sections
(positive; negative; zero) and dates and times — always printed in UK order, as the
format asks (``14/11/2018``, ``14 Nov 2018``, ``November 2018``). A format it cannot
read (scientific, fractions, conditions) is printed as Excel's General and named in a
warning by the caller (:attr:`Shown.unread`), never guessed.

>>> show(0.2645, "0.0%").text
'26.5%'
>>> show(12345.6, "#,##0").text
'12,346'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: Excel's built-in number formats (ids without a formatCode in styles.xml), as codes.
BUILTIN_FORMATS = {
    "0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00",
    "9": "0%", "10": "0.00%", "11": "0.00E+00", "12": "# ?/?", "13": "# ??/??",
    "14": "dd/mm/yyyy", "15": "d-mmm-yy", "16": "d-mmm", "17": "mmm-yy",
    "18": "h:mm AM/PM", "19": "h:mm:ss AM/PM", "20": "h:mm", "21": "h:mm:ss",
    "22": "dd/mm/yyyy h:mm", "37": "#,##0 ;(#,##0)", "38": "#,##0 ;[Red](#,##0)",
    "39": "#,##0.00;(#,##0.00)", "40": "#,##0.00;[Red](#,##0.00)", "45": "mm:ss",
    "46": "[h]:mm:ss", "47": "mm:ss.0", "48": "##0.0E+0", "49": "@",
}

_QUOTED = re.compile(r'"([^"]*)"')
_BRACKET = re.compile(r"\[([^\]]*)\]")
_NUMBER_PART = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")


@dataclass(frozen=True)
class Shown:
    """How a cell reads: its text, whether it is a number (printed right-aligned), and
    the format code that could not be read, if any."""

    text: str
    number: bool = False
    unread: str | None = None


def general(value: float) -> str:
    """A number as Excel's General format shows it: up to ten significant digits,
    no trailing zeros, no exponent for the sizes a paper holds."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        text = format(Decimal(repr(value)), "f")
    return text


def _is_date_code(code: str) -> bool:
    bare = _BRACKET.sub("", _QUOTED.sub("", code)).replace("\\", "")
    return bool(re.search(r"[dyhs]", bare, re.IGNORECASE)) or (
        "m" in bare.lower() and not re.search(r"[0#?]", bare))


def show_date(value: date | datetime | time, code: str) -> str:
    """A date (or time) in UK order, as much of it as the format shows."""
    bare = _BRACKET.sub("", _QUOTED.sub("", code or "")).casefold()
    with_time = bool(re.search(r"h|s", bare)) or (not bare and isinstance(value, datetime)
                                                   and value.time() != time())
    with_seconds = "s" in bare
    # The date part of the format: minutes ("h:mm", "mm:ss") are not months.
    bare_date = re.sub(r"\[?h+\]?|:m+|m+(?=:)|s+(\.0+)?|am/pm|a/p", "", bare)
    parts = []
    if isinstance(value, date) and (re.search(r"[dmy]", bare_date) or not bare
                                    or not with_time):
        day = "d" in bare_date or not re.search(r"[my]", bare_date)
        month = "mmmm" if "mmmm" in bare_date else "mmm" if "mmm" in bare_date else "mm"
        if month == "mm" and day:
            parts.append(f"{value:%d/%m/%Y}")
        else:
            names = "%B" if month == "mmmm" else "%b"
            parts.append((f"{value.day} " if day else "") + value.strftime(f"{names} %Y"))
    if with_time and isinstance(value, datetime | time):
        parts.append(value.strftime("%H:%M:%S" if with_seconds else "%H:%M"))
    return " ".join(parts) or f"{value:%d/%m/%Y}"


def _section(code: str, value: float) -> str:
    """``code`` is one section of a number format; ``value`` already has its sign
    decided (a negative section prints the absolute value)."""
    # Literal text: quoted, backslash-escaped, [$£-809] currency; _x pads, *x fills.
    pieces: list[tuple[str, str]] = []  # ("lit", text) or ("fmt", code text)
    index = 0
    while index < len(code):
        char = code[index]
        if char == '"':
            end = code.find('"', index + 1)
            end = len(code) if end < 0 else end
            pieces.append(("lit", code[index + 1:end]))
            index = end + 1
        elif char == "\\" and index + 1 < len(code):
            pieces.append(("lit", code[index + 1]))
            index += 2
        elif char in "_*" and index + 1 < len(code):
            index += 2  # padding and fill characters only change widths
        elif char == "[":
            end = code.find("]", index)
            end = len(code) if end < 0 else end
            inner = code[index + 1:end]
            if inner.startswith("$"):
                pieces.append(("lit", inner[1:].split("-")[0]))
            index = end + 1
        else:
            pieces.append(("fmt", char))
            index += 1
    template = "".join(text if kind == "fmt" else "\0" for kind, text in pieces)
    literals = [text for kind, text in pieces if kind == "lit"]
    percent = template.count("%")
    match = _NUMBER_PART.search(template)
    if match is None:
        return "".join(text for _, text in pieces)  # a section of literal text only
    spec = match.group()
    trailing_commas = len(spec) - len(spec.rstrip(","))
    spec = spec.rstrip(",")
    integer_part, _, decimals = spec.partition(".")
    thousands = "," in integer_part
    minimum_digits = integer_part.count("0")
    places = len(decimals)
    mandatory = decimals.count("0")
    number = Decimal(repr(value)) * (Decimal(100) ** percent) / (Decimal(1000) ** trailing_commas)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    fraction = fraction.rstrip("0").ljust(mandatory, "0") if places else ""
    whole = whole.lstrip("0").rjust(minimum_digits, "0")
    if thousands:
        whole = f"{int(whole or 0):,}" if whole else ""
    text = whole + ("." + fraction if places and (fraction or "." in spec) else "")
    before, after = template[:match.start()], template[match.end():]
    out = []
    for char in before + "\1" + after:
        if char == "\0":
            out.append(literals.pop(0))
        elif char == "\1":
            out.append(text)
        else:
            out.append(char)
    return "".join(out)


def show_number(value: float, code: str | None) -> Shown:
    """A number as its format code shows it (General when there is none)."""
    if not code or code.casefold() in {"general", "@"}:
        return Shown(general(value), True)
    sections = [s for s in _split_sections(code)]
    unreadable = (re.search(r"[eE][+-]", _QUOTED.sub("", code)) or "/" in _QUOTED.sub("", code)
                  or re.search(r"\[[<>=]", code) or len(sections) > 4
                  or _is_date_code(sections[0]))
    if unreadable:
        return Shown(general(value), True, unread=code)
    if value < 0 and len(sections) >= 2:
        text = _section(sections[1], -value)
    elif value == 0 and len(sections) >= 3:
        text = _section(sections[2], 0.0)
    else:
        text = _section(sections[0], abs(value))
        if value < 0 and text.strip("0.,% ") != "" and any(c in "123456789" for c in text):
            text = "-" + text
    return Shown(text, True)


def _split_sections(code: str) -> list[str]:
    """A format's sections, split at the semicolons outside quotes and brackets."""
    sections, current, quoted, bracket = [], "", False, False
    for char in code:
        if char == '"' and not bracket:
            quoted = not quoted
        elif char == "[" and not quoted:
            bracket = True
        elif char == "]" and not quoted:
            bracket = False
        if char == ";" and not quoted and not bracket:
            sections.append(current)
            current = ""
        else:
            current += char
    return [*sections, current]


def show(value: Any, code: str | None = None) -> Shown:
    """Any cell value as Excel shows it; text stays exactly as typed."""
    if value is None:
        return Shown("")
    if isinstance(value, bool):
        return Shown("TRUE" if value else "FALSE")
    if isinstance(value, datetime | date | time):
        return Shown(show_date(value, code or ""))
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        return Shown(f"{minutes // 60}:{minutes % 60:02d}", True)
    if isinstance(value, int | float):
        return show_number(float(value), code)
    return Shown(str(value))
