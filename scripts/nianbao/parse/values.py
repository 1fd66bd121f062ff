"""A printed table cell → the number it states, as printed (no rounding), and its unit if any."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Printed for "nothing here": kept blank, never turned into 0.
_BLANKS = {"", "-", "--", "—", "——", "–", "/", "无", "空"}
_NUMBER = re.compile(
    r"^(?P<dir>增加|减少|新增|增|减)?(?P<num>[-+]?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(?P<unit>万元|元|件|项|个|条)?$"
)  # ASCII digits only: full-width ones are ASCII after NFKC, other scripts' digits are no figure of a report
# The longest figure a report can state: counts of requests and items run to 7 digits, fees in 元 to 12.
# Longer is a digit run not yet split (decode.py splits those) or garbage, never a cell's value.
MAX_DIGITS = 15
# Report years the data may carry: the disclosure regulations date from 2008; a fixed range, not today's date.
MIN_YEAR, MAX_YEAR = 2008, 2030


@dataclass(frozen=True)
class Value:
    raw: str  # the cell text as printed
    value: str | None  # the number as printed ("606.91", "-18"); None when blank or unreadable
    unit: str = ""
    readable: bool = True  # False: the cell holds text that is not a number
    read: str = ""  # for a cell a scan left unread ("?"): what OCR read there, without confidence

    @property
    def unread(self) -> bool:
        """A cell of a scan that OCR could not read with confidence: its number is unknown, not blank."""
        return not self.readable and unread_text(self.raw)

    @property
    def blank(self) -> bool:
        return self.value is None and self.readable


def unread_text(cell: str) -> bool:
    """A scan's cell holding a number OCR could not read: "?" for each digit (readers/ocr.py prints it so)."""
    return bool(cell) and set(cell) <= {"?", ".", ","}


def parse_value(raw: str) -> Value:
    raw = raw.strip()
    text = "".join(unicodedata.normalize("NFKC", raw).split())
    if text in _BLANKS:
        return Value(raw, None)
    m = _NUMBER.match(text)
    if not m:
        return Value(raw, None, readable=False)
    number = m.group("num").replace(",", "").lstrip("+")
    if m.group("dir") in ("减少", "减") and not number.startswith("-"):
        number = "-" + number
    unit = m.group("unit") or ""
    return Value(raw, number, unit if unit in ("元", "万元") else "")



def within_bounds(number: str) -> bool:
    """A cell's value may be stored: at most MAX_DIGITS digits."""
    return sum(ch.isdigit() for ch in number) <= MAX_DIGITS


_STORED = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def stored_number(text: str) -> str | None:
    """A decoded cell value as it may be stored: ASCII digits after NFKC (so full-width digits are fine, the
    digits of other scripts are not), at most MAX_DIGITS of them; None for anything else."""
    number = unicodedata.normalize("NFKC", text).lstrip("+")
    return number if _STORED.fullmatch(number) and within_bounds(number) else None


def valid_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def valid_date(iso: str) -> bool:
    """A 发布日期 that exists on the calendar, in or after MIN_YEAR and at most a year after MAX_YEAR."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return False
    return MIN_YEAR <= day.year <= MAX_YEAR + 1
