"""Plain text and Markdown: tab-separated rows, pipe tables, and one-cell-per-line tables."""

from __future__ import annotations

import re
from pathlib import Path

from . import Document, reader
from .encoding import decode

_PIPE_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_ONE_CELL_LINE = re.compile(r"^\t[^\t]*$")
_NUMBER_LIKE = re.compile(r"^[-+]?[\d.,]+$")


@reader(".txt", ".md", ".markdown")
def read_text(path: Path, data: bytes) -> Document:
    lines = decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows, gaps = rows_and_gaps(lines)
    return Document(path, path.suffix.lower().lstrip("."), rows, gaps)


def rows_from_lines(lines: list[str]) -> list[list[str]]:
    return rows_and_gaps(lines)[0]


def rows_and_gaps(lines: list[str]) -> tuple[list[list[str]], list[int]]:
    """The rows, and the number of blank lines printed before each."""
    rows: list[list[str]] = []
    gaps: list[int] = []
    block: list[str] = []  # cells of a table printed one cell per tab-indented line
    blank = 0  # blank lines since the last row

    def add(row: list[str]) -> None:
        nonlocal blank
        if any(row) or len(row) > 1:  # a table row of empty cells is a row
            rows.append(row)
            gaps.append(blank)
            blank = 0

    def end_block():
        if len(block) > 1:
            add(list(block))
        elif block:
            add([block[0]] if block[0] else [])
        block.clear()

    for line in lines:
        if _ONE_CELL_LINE.match(line):
            block.append(line[1:].strip())
            continue
        end_block()
        stripped = line.strip()
        if not stripped:
            blank += 1
            continue
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not (any(cells) and all(_PIPE_SEPARATOR.match(c) for c in cells if c)):
                add(cells)
        elif "\t" in line:
            add(_drop_merged_blanks([c.strip() for c in line.rstrip().split("\t")]))
        else:
            add([stripped.lstrip("#").strip()])
    end_block()
    return rows, gaps


def _drop_merged_blanks(cells: list[str]) -> list[str]:
    """Word prints a merged label cell as a label followed by empty fields; drop those fields.

    Empty fields at the start of a line, or after a number, are real blank cells and stay.
    """
    out: list[str] = []
    for cell in cells:
        if not cell and out and out[-1] and not _NUMBER_LIKE.match(out[-1]):
            continue
        out.append(cell)
    return out
