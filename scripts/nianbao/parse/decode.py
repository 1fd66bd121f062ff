"""Digits printed run together → every reading that fits, and the choice among them by arithmetic alone.

A converter that drops cell borders glues a row's numbers: '21710000218' is 217·1·0·0·0·0·218. A reading
splits the printed pieces (white space is always a boundary) into exactly as many numbers as the row has
cells, with no leading zeros ('00' is two cells). The template's arithmetic then picks the reading: the
row's own total first, then the column identities across rows. Where more than one reading survives, the
caller leaves the cells blank and names the readings (SCHEMA.md §7): nothing is guessed.
"""

from __future__ import annotations

import functools
import itertools
from decimal import Decimal
from typing import Callable, Iterator, Sequence

from .values import MAX_DIGITS

Reading = tuple[str, ...]
MAX_READINGS = 20_000  # beyond this a run is too long to decide; it is reported, not searched
MAX_COMBINATIONS = 200_000

def _number_ends(s: str, start: int) -> Iterator[int]:
    """Every end position of a number that may start at s[start]: -?(0|[1-9]\\d*)(\\.\\d+)?"""
    i = start
    if i < len(s) and s[i] in "-+":
        i += 1
    if i >= len(s) or not s[i].isdigit():
        return
    int_ends = [i + 1] if s[i] == "0" else []
    if s[i] != "0":
        j = i
        while j < len(s) and s[j].isdigit():
            j += 1
            int_ends.append(j)
    for end in int_ends:
        yield end
        if end < len(s) - 1 and s[end] == "." and s[end + 1].isdigit():
            k = end + 1
            while k < len(s) and s[k].isdigit():
                k += 1
                yield k


@functools.lru_cache(maxsize=4096)
def is_number(text: str) -> bool:
    """One number as printed: no leading zero ('00' is two cells run together), an optional sign."""
    return any(end == len(text) for end in _number_ends(text, 0))


def readings_with_blanks(pieces: Sequence[str], count: int, slots: Sequence[range], split: bool,
                         inner: bool = False) -> list[Reading] | None:
    """All ways to read the pieces as `count` cells, where slots[i] says how many empty cells that left no
    trace may stand before piece i (slots[-1]: after the last). An empty piece ("") is one empty cell. With
    `split`, a number piece may be several cells run together; without, it is exactly one number. With
    `inner`, empty cells may also hide between the numbers of a split piece.
    None when there are more than MAX_READINGS."""
    out: list[Reading] = []
    # One run that must fill the row alone (no empty cell may hide around it) is split into exactly `count`.
    exact = count if len(pieces) == 1 and not inner and all(len(s) == 1 and s[0] == 0 for s in slots) else None
    limit = count - len(pieces) + 1  # each other piece takes one cell at least
    splits = [_splits(p, limit, inner, exact) if split else ([[p]] if p == "" or is_number(p) else []) for p in pieces]

    def walk(i: int, acc: list[str]) -> bool:
        room = count - len(acc) - (len(pieces) - i)  # each piece left takes one cell at least
        for hidden in slots[i]:
            if hidden > room:
                break
            head = acc + [""] * hidden
            if i == len(pieces):
                if len(head) == count:
                    out.append(tuple(head))
                    if len(out) > MAX_READINGS:
                        return False
                continue
            for cells in splits[i]:
                if len(head) + len(cells) + (len(pieces) - i - 1) <= count and not walk(i + 1, head + cells):
                    return False
        return True

    return out if walk(0, []) else None


@functools.lru_cache(maxsize=1024)  # the same runs ('0000000') recur row after row, report after report
def _splits(piece: str, limit: int, inner: bool = False, exact: int | None = None) -> list[list[str]]:
    """Every way to read one printed piece as consecutive numbers (at most `limit` cells, or exactly `exact`;
    with `inner`, empty cells between them)."""
    if piece == "":
        return [[""]]
    found: list[list[str]] = []

    def walk(pos: int, acc: list[str]) -> None:
        if len(acc) > (exact or limit) or len(found) > MAX_READINGS:
            return
        if exact and exact - len(acc) > len(piece) - pos:
            return  # too few digits left for the cells still to fill
        if len(piece) - pos > ((exact or limit) - len(acc)) * (MAX_DIGITS + 2):  # the rest fits in no numbers a report prints
            return
        if pos == len(piece):
            if not exact or len(acc) == exact:
                found.append(list(acc))
            return
        if inner and acc and acc[-1] != "":
            acc.append("")
            walk(pos, acc)
            acc.pop()
        for end in _number_ends(piece, pos):
            acc.append(piece[pos:end])
            walk(end, acc)
            acc.pop()

    walk(0, [])
    return found


def number(text: str | None) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def sums_to_last(parts: int) -> Callable[[Reading], bool]:
    """The row's last cell is the sum of the `parts` cells before it (a requests row: six applicant kinds)."""
    return lambda r: sum(map(number, r[-parts - 1 : -1])) == number(r[-1])


def groups_sum(width: int) -> Callable[[Reading], bool]:
    """Every group of `width` cells ends with the sum of the others (the appeals line: three groups of 5)."""
    return lambda r: all(sums_to_last(width - 1)(r[i : i + width]) for i in range(0, len(r), width))


def choose_jointly(
    options: dict[str, list[Reading]],
    known: dict[str, Reading],
    identities: Sequence[Callable[[dict[str, Reading]], bool]],
) -> dict[str, Reading]:
    """Rows with several readings left: keep the combinations under which the identities across rows hold.

    The identities are tried all together, then one at a time, since a report's own arithmetic may fail
    (the checks report that). Returns the rows that end with exactly one reading."""
    undecided = sorted(options)
    total = 1
    for row in undecided:
        total *= len(options[row])
    if not undecided or total > MAX_COMBINATIONS:
        return {}
    for rules in [list(identities), *([rule] for rule in identities)]:
        survivors = []
        for combo in itertools.product(*(options[row] for row in undecided)):
            rows = {**known, **dict(zip(undecided, combo))}
            if all(rule(rows) for rule in rules):
                survivors.append(combo)
        if survivors:
            return {
                row: survivors[0][i] for i, row in enumerate(undecided) if len({c[i] for c in survivors}) == 1
            }
    return {}


def describe(readings_: Sequence[Reading], limit: int = 20) -> str:
    """The readings, cells set apart by "/" and an empty one said "空" (never two slashes a reader must count)."""
    shown = "、".join("/".join(c or "空" for c in r) for r in readings_[:limit])
    more = len(readings_) - limit
    return shown + (f" 等（另有 {more} 种）" if more > 0 else "")
