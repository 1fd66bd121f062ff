"""Word (.docx) → Document, with python-docx: paragraphs and table rows in body order.

python-docx repeats a merged cell in every grid position it covers (across a row for a horizontal merge,
down a column for a vertical one); each merged cell is kept once, where it starts, so that a label spanning
three columns is not read as three labels and a number is never counted twice.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from . import Document, ReadError, reader


@reader(".docx")
def read_docx(path: Path, data: bytes) -> Document:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"不是可读取的 Word .docx 文件（{type(e).__name__}）：文件可能已损坏") from None
    rows: list[list[str]] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, document).text.strip()
            if text:
                rows.append([text])
        elif child.tag == qn("w:tbl"):
            rows.extend(_table_rows(Table(child, document)))
    return Document(path, "docx", rows)


def _table_rows(table: Table) -> list[list[str]]:
    out = []
    above: list = []
    for row in table.rows:
        cells = row.cells
        texts = []
        for i, cell in enumerate(cells):
            repeated = (i > 0 and cells[i - 1]._tc is cell._tc) or (i < len(above) and above[i] is cell._tc)
            texts.append("" if repeated else "".join(cell.text.split()))
        above = [cell._tc for cell in cells]
        filled = [t for t in texts if t]
        if filled:
            out.append(filled if len(filled) == 1 else texts)
    return out
