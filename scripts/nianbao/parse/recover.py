"""Cells a scan left unread, recovered from the template's arithmetic.

OCR leaves a cell unread ("?") where it was unsure of a digit, or where it found no number in a column the
rows around hold one in. Its number is unknown, not blank. The report's own equations (SCHEMA.md §5: each
row's total, the balance and the outcomes column by column, the appeals totals) often force it: an equation
with one unknown cell left gives that cell; one whose unknowns must all be zero for the sum to hold (no
count is negative) gives zeros. A forced number is kept only where a wrong one is unlikely:

- it is what OCR read there, without confidence: the arithmetic confirms the reading; or
- two equations force the same number: a report's own mistake in another cell (or a number lost without
  a trace) breaks only the equations through that cell, and a row's and a column's equations share no
  other cell.

Equations that force different numbers on a cell, or a negative or fractional one, leave it unread. Nothing
else is guessed: a cell two readings could fill stays blank, and the page says why.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from .checks import Cell, Finding, Identity
from .values import Value


def recover_unread(cells: dict[Cell, Value], equations: list[Identity],
                   undecided: set[tuple[str, str]]) -> list[Finding]:
    """Fill, in `cells`, the unread cells the equations force; a finding for each."""
    unknown = {key for key, v in cells.items() if v.unread}
    if not unknown:
        return []
    # A blank counts as zero in a row that prints a number; a row with none (its label not found, or every
    # cell blank) says nothing, and an equation through it forces nothing.
    read_rows = {key[:2] for key, v in cells.items() if v.value is not None or key in unknown}
    equations = [eq for eq in equations
                 if all(c[:2] in read_rows and c[:2] not in undecided for c in eq.parts + eq.whole)]
    known: dict[Cell, Decimal] = {}
    for key, value in cells.items():
        if key not in unknown:
            number = _number(value.value)
            if number is not None:
                known[key] = number
    found: dict[Cell, Decimal] = {}
    conflicted: set[Cell] = set()
    findings: list[Finding] = []
    while True:
        forced: dict[Cell, set[Decimal]] = defaultdict(set)
        by: dict[Cell, int] = defaultdict(int)  # how many equations force it
        for eq in equations:
            for cell, number in _forced(eq, known, unknown - found.keys()).items():
                forced[cell].add(number)
                by[cell] += 1
        accepted = False
        for cell, numbers in forced.items():
            if cell in conflicted:
                continue
            number = numbers.pop() if len(numbers) == 1 else None
            if number is None or number < 0 or number != number.to_integral_value():
                conflicted.add(cell)
                continue
            read = cells[cell].read.replace(",", "")
            text = format(number, "f")
            if text == read or by[cell] >= 2:
                found[cell] = known[cell] = number
                accepted = True
        if not accepted:
            break
    for cell in sorted(found, key=lambda c: list(cells).index(c)):
        text, before = format(found[cell], "f"), cells[cell]
        how = f"OCR 读作“{before.read}”但没有把握" if before.read else "OCR 没有读出此格"
        cells[cell] = Value(text, text)
        findings.append(Finding("ocr_by_arithmetic", "warning", *cell, actual=text, message=(
            f"扫描件此格看不清（{how}），由本表的合计确定为 {text}；请以原件为准")))
    return findings


def _forced(eq: Identity, known: dict[Cell, Decimal], unknown: set[Cell]) -> dict[Cell, Decimal]:
    """The unknown cells this equation forces, given the known ones (a blank cell counts as zero)."""
    left = [c for c in eq.parts if c in unknown]
    right = [c for c in eq.whole if c in unknown]
    if not left and not right:
        return {}
    # sum(left) - sum(right) = rest
    rest = sum((known.get(c, Decimal(0)) for c in eq.whole if c not in unknown), Decimal(0)) \
        - sum((known.get(c, Decimal(0)) for c in eq.parts if c not in unknown), Decimal(0))
    if len(left) + len(right) == 1:
        return {left[0]: rest} if left else {right[0]: -rest}
    if rest == 0 and (not left or not right):
        return dict.fromkeys(left + right, Decimal(0))  # counts are never negative: all of them zero
    return {}


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None
