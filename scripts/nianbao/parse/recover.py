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

Equations that force different numbers on a cell, or a negative or fractional one, leave it unread. A cell
OCR read nothing in is unread only where the picture has ink (readers/ocr.py): a blank holds the equations
as a zero does, so the picture, not the arithmetic, tells a zero from a cell printed empty. Nothing else is
guessed: a cell two readings could fill stays blank, and the page says why.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .. import schema
from .checks import Cell, Finding, Identity
from .values import Value


def recover_unread(cells: dict[Cell, Value], equations: list[Identity],
                   undecided: set[tuple[str, str]]) -> list[Finding]:
    """Fill, in `cells`, the unread cells the equations force; one finding per table names them."""
    unknown = {key for key, v in cells.items() if v.unread}
    if not unknown:
        return []
    # A blank counts as zero in a row that prints a number; a row with none (its label not found, or every
    # cell blank) says nothing, and an equation through it forces nothing.
    read_rows = {key[:2] for key, v in cells.items() if v.value is not None or key in unknown}
    equations = [eq for eq in equations
                 if all(c[:2] in read_rows and c[:2] not in undecided for c in eq.parts + eq.whole)]
    known = {key: Decimal(v.value) for key, v in cells.items() if key not in unknown and v.value is not None}
    found: dict[Cell, Decimal] = {}
    conflicted: set[Cell] = set()
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
            confirmed = _confirmed_readings(cells, equations, known, unknown - found.keys() - conflicted)
            if not confirmed:
                break
            for cell, number in confirmed.items():
                found[cell] = known[cell] = number
    filled = [cell for cell in cells if cell in found]  # in table order
    for cell in filled:
        text = format(found[cell], "f")
        cells[cell] = Value(text, text)
    named = [f"{cell_name(c)} = {cells[c].value}" for c in filled]
    return [Finding("ocr_by_arithmetic", "warning", table, actual=str(len(names)), message=(
        f"扫描件中 {len(names)} 个看不清的数字由本表的合计确定（OCR 没有把握或没有读出）：{'；'.join(names)}。请以原件为准"))
        for table, names in _by_table(filled, named).items()]


def unsure_findings(cells: dict[Cell, Value]) -> list[Finding]:
    """One finding per table naming the cells a scan left unread, with what OCR read there."""
    unread = [key for key, v in cells.items() if v.unread]
    named = [f"{cell_name(c)}（OCR 读作“{cells[c].read}”）" if cells[c].read else f"{cell_name(c)}（未读出）"
             for c in unread]
    return [Finding("ocr_unsure", "warning", table, actual=str(len(names)), message=(
        f"扫描件中 {len(names)} 个数字看不清，留空：{'；'.join(names)}。请以原件为准"))
        for table, names in _by_table(unread, named).items()]


def _by_table(keys: list[Cell], names: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, name in zip(keys, names):
        out.setdefault(key[0], []).append(name)
    return out


def cell_name(cell: Cell) -> str:
    """A cell as a reader finds it in the table: its row's label and its column's."""
    table, row_id, col_id = cell
    rows = schema.APPEALS.rows if table == "appeals" else schema.REQUEST_ROWS
    row = next((r for r in rows if r.id == row_id), None)
    col = next((c for c in (row.cols if row else ()) if c.id == col_id), None)
    return f"{row.label if row else row_id}·{col.label if col else col_id}"


def _confirmed_readings(cells: dict[Cell, Value], equations: list[Identity], known: dict[Cell, Decimal],
                        unknown: set[Cell]) -> dict[Cell, Decimal]:
    """The readings OCR was unsure of that the arithmetic confirms together, where no equation forces one
    cell alone (a row of zeros read as "o" and "0|"): every equation through the cell whose unknown cells all
    have readings holds with them, and two of them at least (a row's and a column's). A digit misread the
    same way twice in a row ("6 … 6" read "0 … 0") still breaks the columns' equations."""
    readings = {c: Decimal(cells[c].read.replace(",", "")) for c in unknown
                if cells[c].read.replace(",", "").isdigit()}
    holds: dict[Cell, int] = defaultdict(int)
    fails: set[Cell] = set()
    for eq in equations:
        cells_in = [c for c in eq.parts + eq.whole if c in unknown]
        if not cells_in or any(c not in readings for c in cells_in):
            continue
        value = lambda c: readings[c] if c in readings else known.get(c, Decimal(0))
        ok = sum(map(value, eq.parts), Decimal(0)) == sum(map(value, eq.whole), Decimal(0))
        for c in cells_in:
            holds[c] += ok
            if not ok:
                fails.add(c)
    return {c: readings[c] for c, n in holds.items() if n >= 2 and c not in fails}


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
