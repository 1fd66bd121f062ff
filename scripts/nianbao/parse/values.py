"""A printed table cell → the number it states, as printed (no rounding), and its unit if any."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Printed for "nothing here": kept blank, never turned into 0.
_BLANKS = {"", "-", "--", "—", "——", "–", "/", "无", "空"}
_NUMBER = re.compile(
    r"^(?P<dir>增加|减少|新增|增|减)?(?P<num>[-+]?\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>万元|元|件|项|个|条)?$"
)


@dataclass(frozen=True)
class Value:
    raw: str  # the cell text as printed
    value: str | None  # the number as printed ("606.91", "-18"); None when blank or unreadable
    unit: str = ""
    readable: bool = True  # False: the cell holds text that is not a number

    @property
    def blank(self) -> bool:
        return self.value is None and self.readable


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

