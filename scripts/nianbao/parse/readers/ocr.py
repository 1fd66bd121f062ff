"""Pictures of pages → Document, with RapidOCR: scanned PDFs ("图片版"), the picture pages of a text PDF, and
image files (.png, .jpg, .tif with one page or many).

RapidOCR's default models (PP-OCRv6 small, on onnxruntime) ship inside its wheel: with the default model,
language and engine nothing is downloaded, ever (any other choice downloads at first use, so none is made
here). One OCR thread, since the parse stage already runs one worker per core.

OCR gives pieces of text with boxes, not tables. The boxes are laid out as the PDF reader lays out words
(`pdf._lines`): rows by vertical position, cells where the gap is wider than a character, so that
extraction reads a scan exactly as it reads a PDF drawn without rules. Each cell keeps its tokens (text,
confidence, box) in `Document.tokens`.

A number with a digit read with too little confidence is never taken as printed: every digit of it becomes
"?" in its cell ("??" for 34: a digit left would still be read as a number), `Token.read` keeps what OCR
read, and `Document.warnings` names it. So does a cell detection missed (found from the columns of the rows
around it, or from the table's rules), lest the rest of its row shift one column. Detection misses what
recognition reads: such cells, and ink in a table row no box covers, are read again cut out of the picture
alone (`_read_unread`, `_numbers_detection_missed`). What OCR reads with confidence stays as read, even
where the report's own arithmetic then fails. Choosing among the readings of an uncertain digit by the
template's arithmetic is extraction's job, not a reader's.

What one file may cost is bounded here, inside the worker pool's limits: pages, pixels per page and seconds
(pages past the budget are left unread, with a warning). Results are cached by the file's hash, the
engine, its models and the resolution (`.cache/ocr.sqlite`, apart from the parse cache), so a change to
extraction does not OCR every scan again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import sqlite3
import statistics
import time
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from ... import isolate, paths
from ..values import unread_text
from . import Document, ReadError, Token, Unsupported, reader

DPI = (100, 200)  # a scanned PDF's pages are rendered at their pictures' resolution, within these bounds
MAX_PAGES = 30  # pages OCR'd per file; a report runs to 5–15
MAX_PIXELS = 2_600_000  # per page image (A4 at 150 dpi is 2.2 Mpx); larger pages are scaled down to this
MAX_DECODE_PIXELS = 60_000_000  # an image file's page larger than this is not decoded at all
SECONDS = 80.0  # OCR budget per file: the worker pool gives a file 120 s in all
CERTAIN = 0.96  # a digit read with a lower confidence is uncertain (0.9 let "31" for 34 at 0.955 through)
CONFIRMED = 0.99  # an uncertain number read the same again, alone in its cell, with this confidence is sure
# The recogniser pads every piece to at least this width. Its default, 320, costs 1.5× on tables of short
# numbers; 64 made lone zeros uncertain (confidence down to 0.67 from 0.99); 160 keeps them above 0.97.
REC_MIN_WIDTH = 160

ENGINE_PARAMS = {
    "Global.log_level": "warning",
    "Global.use_cls": False,  # pages are upright; the angle classifier only costs time
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    "Rec.rec_img_shape": [3, 48, REC_MIN_WIDTH],
}
_engine = None


def engine_id() -> str:
    """What an OCR result depends on besides the file: the engine, its models, its settings."""
    return (f"rapidocr {version('rapidocr')} onnxruntime {version('onnxruntime')} PP-OCRv6 small det+rec "
            f"dpi {DPI} max_pixels {MAX_PIXELS} rec_min_width {REC_MIN_WIDTH} straight {STRAIGHT} pieces v1")


def _ocr():
    global _engine
    if _engine is None:
        import cv2
        from rapidocr import RapidOCR

        cv2.setNumThreads(1)
        _engine = RapidOCR(params=ENGINE_PARAMS)
    return _engine


@reader(".png", ".jpg", ".jpeg", ".tif", ".tiff")
def read_image(path: Path, data: bytes) -> Document:
    raw, warnings = _cached(data, "image", lambda: _image_pages(data))
    pages = _tokens(raw)
    carried: list = []
    laid_out = [_picture_rows(tokens, 0.0, 1.0, lambda i=i: _frame(data, i), carried) for i, tokens in enumerate(pages)]
    return _document(path, path.suffix.lower().lstrip(".").replace("jpeg", "jpg").replace("tiff", "tif"),
                     [rows for rows, _ in laid_out], pages, sum(n for _, n in laid_out), warnings)


def read_pdf_pictures(path: Path, data: bytes, text_pages: list[list[tuple[float, list[str]]]],
                      pictures: list) -> Document:
    """A PDF with `pictures` to read (pdf.Picture: pages that hold pictures and no text, and tables pasted
    as pictures into text pages): those OCR'd and placed where they stand on their page, among the rows
    its text gives."""
    # (The key of a scan's pages is the one scans were cached under before pasted pictures were read.)
    what = (f"pdf pictures {[(p.page, [round(x, 1) for x in p.box]) for p in pictures]}"
            if any(p.pasted for p in pictures) else f"pdf pages {[p.page for p in pictures]}")
    raw, warnings = _cached(data, what, lambda: _pdf_pages(data, pictures))
    read = _tokens(raw, [p.page for p in pictures])
    pages: list[list[tuple[float, list[str], list[list[Token]]]]] = [
        [(top, cells, [[] for _ in cells]) for top, cells in rows] for rows in text_pages]
    missing = 0
    carried: list = []
    for picture, tokens in zip(pictures, read):
        rows, marked = _picture_rows(tokens, picture.box[1], _scale(picture), lambda p=picture: _render(data, p),
                                     carried)
        pages[picture.page - 1] = sorted(pages[picture.page - 1] + rows, key=lambda row: row[0])
        missing += marked
    return _document(path, "pdf", pages, read, missing, warnings)


def _document(path: Path, fmt: str, pages: list[list[tuple[float, list[str], list[list[Token]]]]],
              read: list[list[Token]], missing: int, warnings: list[str]) -> Document:
    """The rows of every page, in the order they stand; `read` holds every picture's tokens, `missing` says
    how many cells OCR read nothing in."""
    if not any(read) and not any(pages):
        raise Unsupported(f"扫描图像中没有文字：{len(read)} 页都没有可识别的内容")
    rows = [cells for page in pages for _, cells, _ in page]
    tokens = [cell_tokens for page in pages for _, _, cell_tokens in page]
    uncertain = [t for picture in read for t in picture if t.uncertain]
    if uncertain:
        listed = "、".join(f"第{t.page}页“{t.read or t.text}”" for t in uncertain[:20])
        warnings = [*warnings, f"OCR 对 {len(uncertain)} 处数字没有把握：{listed}"
                    + ("……" if len(uncertain) > 20 else "") + "；表内合计能确定的已填入并注明，其余留空"]
    if missing:
        warnings = [*warnings, f"OCR 在 {missing} 处没有读出数字（与上下行的列对照，此处应有一个数字）；"
                               "表内合计能确定的已填入并注明，其余留空"]
    return Document(path, fmt, rows, read_by="ocr", tokens=tokens, warnings=warnings)


def _picture_rows(tokens: list[Token], top: float, scale: float, image=None,
                  carried: list | None = None) -> tuple[list, int]:
    """One picture's tokens laid out as rows of cells, each with where it stands on its page (`top` + pixels
    / `scale`: points on a PDF page); and how many cells OCR read nothing in. `image()` gives the picture
    OCR read, to look for ink where a cell holds no number; `carried` holds the requests table's columns
    from the pictures before (see _requests_columns)."""
    from .pdf import _lines, _paragraphs

    # Lines are found by the boxes' middles, every box taken as tall as a typical line: a piece boxed
    # taller than its line (a category printed down the side) must not start a line of its own.
    tokens = _without_nested(tokens)
    height = statistics.median([t.box[3] - t.box[1] for t in tokens]) if tokens else 0
    words = [{"text": t.text, "x0": t.box[0], "x1": t.box[2], "top": (t.box[1] + t.box[3] - height) / 2,
              "bottom": (t.box[1] + t.box[3] + height) / 2, "token": t,
              "alone": _number_like(t.text)}  # each number a cell of its own
             for t in tokens]
    ink = _Ink(image) if image is not None else None
    lines = _wrapped_labels(_rejoin_rows(_lines(words)), ink)
    if ink is not None:
        _numbers_detection_missed(lines, ink)
    _requests_columns(lines, ink, carried if carried is not None else [])
    _missing_cells(lines, ink)
    if ink is not None:
        _read_unread(lines, ink)
    missing = sum(1 for line in lines for cell, words in zip(line.cells, line.words) if cell == "?" and not words)
    return [(top + line_top / scale, cells, [[w["token"] for w in ws] for ws in cell_words])
            for line_top, cells, cell_words in _paragraphs(lines)], missing


def _without_nested(tokens: list[Token]) -> list[Token]:
    """Detection sometimes boxes a digit of a number a second time ("6" inside "106"): a token that stands
    inside a longer one (four fifths of its width, half its height) is that one's piece, not a cell."""
    by_x = sorted(tokens, key=lambda t: t.box[0])
    inside = set()
    for n, small in enumerate(by_x):
        x0, top, x1, bottom = small.box
        for big in by_x:
            if big.box[0] > x0:
                break
            if (big is not small and len(big.text) > len(small.text)
                    and min(x1, big.box[2]) - max(x0, big.box[0]) >= 0.8 * (x1 - x0)
                    and min(bottom, big.box[3]) - max(top, big.box[1]) >= 0.5 * (bottom - top)):
                inside.add(id(small))
                break
    return [t for t in tokens if id(t) not in inside]


def _rejoin_rows(lines: list) -> list:
    """A table row whose cells sit at different heights (its label wraps over lines; some cells are aligned
    to the top, others to the middle) is seen as two lines, each with some of the row's numbers. The
    numbers at the end of the lower line join the upper line's when their columns do not overlap and the
    lines stand within a line of each other; the label's continuation stays behind as a line of its own."""
    out: list = []
    for line in lines:
        above = out[-1] if out else None
        numbers = [i for i, cell in enumerate(line.cells) if _number_like(cell)]
        if (above and numbers and above.number_spans() and numbers == list(range(numbers[0], len(line.cells)))
                and line.top - above.top <= 1.5 * above.size
                and not any(a0 < b1 and b0 < a1 for a0, a1 in (line.spans[i] for i in numbers)
                            for b0, b1 in above.number_spans())):
            at = numbers[0]
            moved = sorted(zip(above.cells + line.cells[at:], above.spans + line.spans[at:],
                               above.words + line.words[at:]), key=lambda c: c[1][0])
            above.cells, above.spans, above.words = ([c[i] for c in moved] for i in range(3))
            line.cells, line.spans, line.words = line.cells[:at], line.spans[:at], line.words[:at]
            if not line.cells:
                continue
        out.append(line)
    return out


def _wrapped_labels(lines: list, ink: _Ink | None = None) -> list:
    """A row label that wraps inside its cell is seen as lines of text above or below the row's numbers (a
    ruled table's cells centre their numbers vertically). Text just above or below a row of numbers, in the
    label's column, is joined to the label: text above when the row's own label does not begin an item
    ("1.", "（二）"), text below when it does not begin one itself. A row printed without a label takes the
    text beside it. Text in another column (a category printed down the side) stays apart, and so does text
    a table's rule separates from the row (the label of the next row, a row printed empty)."""
    from .pdf import _PARAGRAPH_START

    def numbers_at(line) -> int | None:
        at = _trailing_numbers(line)  # (a digit's look-alike among them is a cell too: "o" for 0)
        return at if at is not None and not any(_numberish(c) for c in line.cells[:at]) else None

    # A label's next line stands closer than the table's rows do to each other: in a table without rules,
    # the label of the row below a row printed empty is no continuation ("行政处罚" over "行政强制").
    tops = [line.top for line in lines if numbers_at(line) is not None]
    steps = sorted(b - a for a, b in zip(tops, tops[1:]) if b > a)
    pitch = steps[len(steps) // 4] if len(steps) >= 3 else None  # (rows apart, not tables or headings)

    def near(upper, lower) -> bool:
        if not 0 < lower.top - upper.top <= 1.6 * max(upper.size, lower.size):
            return False
        if pitch is not None and lower.top - upper.top >= 0.75 * pitch:
            return False
        if ink is None or not upper.spans or not lower.spans:
            return True
        x0, x1 = max(upper.spans[0][0], lower.spans[0][0]), min(upper.spans[0][1], lower.spans[0][1])
        return x1 - x0 < upper.size or not ink.rule_between(x0, x1, upper.top + upper.size, lower.top)

    def text_cell(line, x0: float | None, before: float) -> int | None:
        """The cell of a text line that starts at x0 (within a character; with no x0, the last one) and ends
        before the numbers start."""
        if not line.cells or numbers_at(line) is not None or line.spans[-1][1] >= before:
            return None  # a row of numbers, or a header row reaching into the numbers' columns
        if x0 is None:
            return len(line.cells) - 1 if line.spans[-1][1] < before else None
        return next((i for i, (a, b) in enumerate(line.spans) if abs(a - x0) <= line.size and b < before), None)

    def aside(line, x0: float) -> bool:
        """A line holding only text left of the labels' column: a category printed down the side."""
        return bool(line.cells) and numbers_at(line) is None and line.spans[-1][1] < x0

    def take(line, i: int) -> tuple[str, tuple[float, float], list]:
        return line.cells.pop(i), line.spans.pop(i), line.words.pop(i)

    for n, line in enumerate(lines):
        at = numbers_at(line)
        if at is None:
            continue
        first_number = line.spans[at][0]
        above = lines[n - 1] if n > 0 and near(lines[n - 1], line) else None
        below = lines[n + 1] if n + 1 < len(lines) and near(line, lines[n + 1]) else None
        if at == 0:  # no label: the text beside it, above if it begins an item, else below
            for side in (above, below):
                i = text_cell(side, None, first_number) if side else None
                if i is not None and (side is below or _PARAGRAPH_START.match(side.cells[i])):
                    text, span, words = take(side, i)
                    line.cells.insert(0, text)
                    line.spans.insert(0, span)
                    line.words.insert(0, words)
                    at = 1
                    break
            if at == 0:
                continue
            above = None if side is above else above
        label = at - 1
        x0 = line.spans[label][0]
        # The label's column may be a line or two away, past a line holding only a category's characters.
        if above is not None and not _PARAGRAPH_START.match(line.cells[label]):
            for side in (above, lines[n - 2] if n > 1 and near(lines[n - 2], above) else None):
                i = text_cell(side, x0, first_number) if side else None
                if i is not None:
                    text, _, words = take(side, i)
                    line.cells[label] = text + line.cells[label]
                    line.words[label] = words + line.words[label]
                    break
                if side is None or not aside(side, x0):
                    break
        if below is not None:
            for side in (below, lines[n + 2] if n + 2 < len(lines) and near(below, lines[n + 2]) else None):
                i = text_cell(side, x0, first_number) if side else None
                if i is not None:
                    # (text holding an item of its own further on is another row's label: "不予处3.要求…")
                    if not _PARAGRAPH_START.match(side.cells[i]) and not _ITEM_INSIDE.search(side.cells[i]):
                        text, _, words = take(side, i)
                        line.cells[label] += text
                        line.words[label] += words
                    break
                if side is None or not aside(side, x0):
                    break
    return [line for line in lines if line.cells]


_ITEM_INSIDE = re.compile(r".(?:\d+[.、．]|[（(][一二三四五六七八九十]+[）)])\D")  # an item's number past the start

REQUEST_COLUMNS = 7  # the requests table's cells a row: six kinds of applicant and the total
APPEAL_COLUMNS = 15  # the appeals table's row: reconsideration, and suits direct and after it, five each
_REQUESTS_HEADING = re.compile(r"收到和处理政府信息公开申请|申请情况")
_APPEALS_HEADING = re.compile(r"行政复议|行政诉讼")


def _requests_columns(lines: list, ink: _Ink | None, carried: list) -> None:
    """The requests table's rows put in their seven columns, and the appeals table's row in its fifteen.
    Many reports print a zero as an empty cell, and OCR boxes only what is printed: a row of five numbers
    says nothing, by itself, of which two cells are empty. A ruled row's cells are between its rules;
    otherwise the requests columns are where the table's numbers stand, over all its rows on the page (the
    union of their boxes), and where a column holds no number on the page, those of the page before
    (`carried`). See _in_columns. A row with a box over columns no cut explains, or two numbers in one,
    stays as read."""
    # From its heading, or from the top of a page it runs on to (the columns say whether it does).
    start = next((n for n, line in enumerate(lines) if len(line.cells) == 1
                  and _REQUESTS_HEADING.search(line.cells[0]) and len(line.cells[0]) <= 30), -1)
    end = next((n for n in range(start + 1, len(lines)) if len(lines[n].cells) == 1
                and _APPEALS_HEADING.search(lines[n].cells[0]) and len(lines[n].cells[0]) <= 30), len(lines))
    rows = [(line, _trailing_numbers(line)) for line in lines[start + 1 : end]]
    rows = [(line, at) for line, at in rows if at is not None]
    spans = [line.spans[i] for line, at in rows for i in range(at, len(line.cells))]
    page_columns = _columns([s for s in spans if not _spans_two(s, rows)])
    # A page of the table where a column holds no number takes the columns of the page before, where each
    # of its own stands in one of them (moved as far as its own stand from them: a scan's pages shift).
    if len(page_columns) == REQUEST_COLUMNS:
        carried[:] = page_columns
    elif carried and page_columns:
        matched = [[k for k, c in enumerate(carried) if _overlap(c, own) > 0] for own in page_columns]
        if all(len(m) == 1 for m in matched) and len({m[0] for m in matched}) == len(matched):
            shift = statistics.median((own[0] + own[1] - carried[m[0]][0] - carried[m[0]][1]) / 2
                                      for own, m in zip(page_columns, matched))
            page_columns = [(a + shift, b + shift) for a, b in carried]
    for line, at in rows:
        # A ruled table's rules say where the row's cells are, whatever its numbers; else the page's numbers
        # do, when they stand in seven columns (not when the table prints a subtotal column).
        ruled = _ruled_cells(line, at, ink, REQUEST_COLUMNS)
        columns = ruled or (page_columns if len(page_columns) == REQUEST_COLUMNS else None)
        if len(line.cells) - at == 1 and (at == 0 or ruled is None):
            continue  # one number alone may be a piece of the row below or above
        _in_columns(line, at, columns, REQUEST_COLUMNS, ink)
    # The appeals table's row of fifteen: placed by its rules, when ruled.
    for line in lines[end + 1 :]:
        at = _trailing_numbers(line)
        if at is not None:
            _in_columns(line, at, _ruled_cells(line, at, ink, APPEAL_COLUMNS), APPEAL_COLUMNS, ink)
            break


def _in_columns(line, at: int, columns: list | None, count: int, ink: _Ink | None) -> None:
    """A row's `count` cells from its numbers (from `at`) placed in their columns: a column no number stands
    in is an empty cell where the picture has no ink there, and a cell OCR missed ("?") where it has; a
    digit's look-alike is a reading. A row that holds all its cells needs no columns."""
    if len(line.cells) - at == count:
        placed = {k: _reading(line.cells[i], line.spans[i], line.words[i])
                  for k, i in enumerate(range(at, len(line.cells)))}
    elif columns is None or (placed := _placed(line, at, columns, ink)) is None:
        return
    label_end = line.spans[at - 1][1] if at else 0
    cells = []  # (cell, span, words) in column order
    for k in range(count):
        if k in placed:
            cell = placed[k]
        elif columns[k][0] > label_end:
            empty = ink is not None and not ink.inked(*columns[k], line)
            cell = ("" if empty else "?", columns[k], [])
        else:
            continue
        cells.append(cell)
    line.cells[at:], line.spans[at:], line.words[at:] = ([c[n] for c in cells] for n in range(3))


def _placed(line, at: int, columns: list, ink: _Ink | None) -> dict[int, tuple] | None:
    """The row's numbers by the column each stands in (None where a box covers two numbers' columns in a
    way no cut explains, or two numbers stand in one). A box reaching a quarter of a character into the
    next column, with ink there, covers both ("5106" read over 5 | 106, the rule between them lost)."""
    def covers(column, span) -> bool:
        over = _overlap(column, span)
        return over > 0.3 * min(column[1] - column[0], span[1] - span[0]) or (
            over > 0.25 * line.size and ink is not None
            and ink.inked(max(column[0], span[0]), min(column[1], span[1]), line))

    placed: dict[int, tuple[str, tuple[float, float], list]] = {}  # column → (cell, span, words)
    for i in range(at, len(line.cells)):
        x0, x1 = line.spans[i]
        hit = [k for k, c in enumerate(columns) if covers(c, (x0, x1))]
        if len(hit) > 1 and hit == list(range(hit[0], hit[-1] + 1)) and not placed.keys() & set(hit):
            cuts = [(columns[k][1] + columns[k + 1][0]) / 2 for k in hit[:-1]]
            pieces = _split_at(line.cells[i], line.words[i], (x0, x1), cuts)
            if pieces:
                placed.update(zip(hit, pieces))
                continue
        if len(hit) != 1 or hit[0] in placed:
            return None
        placed[hit[0]] = _reading(line.cells[i], line.spans[i], line.words[i])
    return placed


def _numbers_detection_missed(lines: list, ink: _Ink) -> None:
    """Detection misses a lone short number in a table row (a "0" in a narrow column, at 100 dpi), and a
    row of fifteen numbers can lose a third of them. Ink in a row of numbers that no box covers, as tall as
    a digit, is cut out and recognised alone; a number read there joins the row in its place (with
    confidence, as printed; without, as a reading for the arithmetic). Anything else read there is left."""
    for line in lines:
        at = _trailing_numbers(line)
        if at is None:
            continue
        start = line.spans[at - 1][1] + line.size / 2 if at else 0.0
        # Every box over the row's band covers its ink: a number of the line above or below reaching into
        # it is that line's, read there already.
        others = _boxes(lines, but=line)
        spans = [(b[0], b[2]) for b in others
                 if b[1] < line.top + 0.9 * line.size and b[3] > line.top + 0.1 * line.size]
        for x0, x1 in ink.uncovered(spans + line.spans[at:], start, line.top, line.size):
            cell = _read_again("?", [], (x0 - line.size / 3, x1 + line.size / 3), line, ink, others)
            if not cell[2]:
                continue  # no number read there
            k = next((i for i in range(at, len(line.cells)) if line.spans[i][0] > x0), len(line.cells))
            line.cells.insert(k, cell[0])
            line.spans.insert(k, (x0, x1))
            line.words.insert(k, cell[2])


def _boxes(lines: list, but) -> list[tuple[int, int, int, int]]:
    """The boxes of every token on the lines but one."""
    return [w["token"].box for line in lines if line is not but for words in line.words for w in words]


def _read_unread(lines: list, ink: _Ink) -> None:
    """Every number cell OCR was unsure of, or read nothing in where the picture has ink, read once more:
    cut out of the picture alone, between its rules (or short of the cells beside it), the rules whited
    out. Detection misses a lone digit in a narrow column and boxes a digit with the rule beside it ("0|");
    recognition of the cell alone reads it. A number read with confidence is taken as printed; one read
    without stays a reading for the arithmetic to confirm, where OCR had none."""
    for line in lines:
        unread = [i for i, cell in enumerate(line.cells) if unread_text(cell)]
        if not unread:
            continue
        spaces = ink.spaces_between_rules(line.top, line.top + line.size)
        middles = [(a + b) / 2 for a, b in line.spans]
        others = _boxes(lines, but=line)
        for i in unread:
            x0, x1 = line.spans[i]
            space = next(((a, b) for a, b in spaces if a <= middles[i] <= b), None)
            if space and not any(space[0] <= m <= space[1] for m in middles[:i] + middles[i + 1:]):
                span = space
            else:
                before = line.spans[i - 1][1] if i else x0 - line.size
                after = line.spans[i + 1][0] if i + 1 < len(line.spans) else x1 + line.size
                span = (max(x0 - line.size / 2, (before + x0) / 2), min(x1 + line.size / 2, (x1 + after) / 2))
            line.cells[i], _, line.words[i] = _read_again(line.cells[i], line.words[i], span, line, ink, others)


def _read_again(text: str, words: list, span: tuple[float, float], line, ink: _Ink, others: list) -> tuple:
    """Cell `span` of a line read alone (see _read_unread). Not where the cut would take in a piece of text
    of another line (`others`: their boxes): a row whose numbers stand at two heights would be read twice."""
    top, bottom = line.top - 0.2 * line.size, line.top + 1.2 * line.size
    if any(_overlap(span, (b[0], b[2])) > 0.3 * (b[2] - b[0])
           and _overlap((top, bottom), (b[1], b[3])) > 0.3 * (b[3] - b[1]) for b in others):
        return text, span, words
    got = ink.read(*span, top, bottom)
    if got is not None and (got[0] in _DASHES or got[0] == "一") and (not words or words[0]["text"] == "一"):
        # What detection missed, or read "一", is a dash printed for none: a blank, as printed. (Blank, not a
        # zero the sums would then force: and a 1 taken for a dash is a blank, never a wrong number.)
        return "—", span, []
    if got is None or not _NUMBER.match(got[0]) or len(got[0]) > MAX_NUMBER_DIGITS:
        return text, span, words
    number, confidence = got
    like = words[0]["token"] if words else next((w["token"] for ws in line.words for w in ws), None)
    if like is None:
        return text, span, words
    first = like.read if words else ""
    box = (int(span[0]), int(line.top), int(span[1]), int(line.top + line.size))
    if words and unread_text(words[0]["text"]):
        # The recogniser was unsure of these very digits: the cell alone read the same is taken only when
        # read with near certainty ("31" for a blurred 34 read again at 0.961), and read otherwise makes two
        # readings, which is none.
        if number != first:
            token = replace(like, read="")
        elif confidence >= CONFIRMED:
            token = Token(number, round(confidence, 4), box, like.page)
        else:
            return text, span, words
    elif confidence >= CERTAIN:  # nothing was read here, or a look-alike or a rule beside a digit was
        token = Token(number, round(confidence, 4), box, like.page)
    elif not first:
        token = Token("?" * len(number), round(confidence, 4), box, like.page, uncertain=True, read=number)
    else:
        return text, span, words
    return token.text, span, [{"text": token.text, "x0": span[0], "x1": span[1], "token": token}]


def _split_at(cell: str, words: list, span: tuple[float, float], cuts: list[float]) -> list | None:
    """A number boxed over neighbouring cells ("034" over 0 | 34: narrow columns), cut where the cells meet,
    as readings without confidence: the digits shared out by the box's width. The arithmetic must confirm
    them, or they stay blank."""
    if not words:
        return None
    read = words[0]["token"].read  # what OCR read, unsure of a digit
    # ("0o": two zeros, one read for a letter)
    digits = cell if cell.isdigit() else read if unread_text(cell) else _glyph_reading(cell) or ""
    if len(digits) <= len(cuts) or not digits.isdigit():
        return None
    at = [min(len(digits) - len(cuts) + n, max(n + 1, round(len(digits) * (x - span[0]) / (span[1] - span[0]))))
          for n, x in enumerate(cuts)]
    if at != sorted(set(at)):
        return None
    ends = [0, *at, len(digits)]
    edges = [span[0], *cuts, span[1]]
    return [_reading(digits[a:b], (edges[n], edges[n + 1]), words[:1], uncertain=True)
            for n, (a, b) in enumerate(zip(ends, ends[1:]))]


def _reading(cell: str, span: tuple[float, float], words: list, uncertain: bool = False) -> tuple:
    """A number cell as placed: a digit's look-alike ("o", "0|") and a number read by cutting a box are
    readings the arithmetic must confirm ("?" for each digit); a number read with confidence stays."""
    read = cell if uncertain else _glyph_reading(cell)
    if not read:
        return cell, span, words
    text = "?" * len(read)
    return text, span, [{**w, "token": replace(w["token"], text=text, uncertain=True, read=read)} for w in words[:1]]


def _ruled_cells(line, at: int, ink: _Ink | None, count: int) -> list[tuple[float, float]] | None:
    """The `count` cells of a table row between the rules drawn down through it, when the table is ruled:
    the spaces between rules right of the row's label (exactly `count`: a table with a column of its own,
    a subtotal, is not placed by them; with no label, the last `count`), holding every number of the row."""
    if ink is None:
        return None
    spaces = [(a, b) for a, b in ink.spaces_between_rules(line.top, line.top + line.size) if b - a > 0.5 * line.size]
    cells = [(a, b) for a, b in spaces if a >= line.spans[at - 1][1]] if at else spaces[-count:]
    if len(cells) != count:
        return None
    # (A number's box may reach over the rule it is printed against.)
    inside = lambda span: any(a <= (span[0] + span[1]) / 2 <= b for a, b in cells)
    return cells if all(inside(line.spans[i]) for i in range(at, len(line.cells))) else None


def _trailing_numbers(line) -> int | None:
    """Where the numbers at the end of a line start, a digit's look-alikes among them (None: the line ends in
    text)."""
    at = len(line.cells)
    while at > 0 and _number_like(line.cells[at - 1]):
        at -= 1
    return at if at < len(line.cells) and any(_numberish(c) for c in line.cells[at:]) else None


def _overlap(a, b) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def _spans_two(span, rows) -> bool:
    """A box that covers two numbers of another row: two cells boxed together, no column of its own."""
    return any(sum(_overlap(span, line.spans[i]) > 0 for i in range(at, len(line.cells))) >= 2 for line, at in rows)


def _columns(spans: list) -> list[tuple[float, float]]:
    """Boxes that overlap, merged: one interval per column."""
    out: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if out and x0 < out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [tuple(c) for c in out]


class _Ink:
    """Where a picture holds ink: dark pixels, against the page's own background (grey paper, a copier's
    toner). Asked only where the layout is in doubt."""

    def __init__(self, image):
        self.image = image  # a function giving the picture: rendered again only when a question is asked

    @functools.cached_property
    def grey(self):
        import numpy as np

        return np.asarray(self.image().convert("L"))

    @functools.cached_property
    def dark(self):
        import numpy as np

        return self.grey < min(200, int(np.median(self.grey)) - 60)

    def read(self, x0: float, x1: float, top: float, bottom: float) -> tuple[str, float] | None:
        """What the recogniser reads in one cell cut out of the picture, the table's rules whited out (a rule
        beside a digit reads as 1 or |): (text, confidence). Detection misses a lone digit in a narrow
        column, and boxes neighbouring cells as one; recognition alone reads the cell."""
        import numpy as np

        box = (slice(max(0, int(top)), max(0, int(bottom)) + 1), slice(max(0, int(x0)), max(0, int(x1)) + 1))
        grey, dark = self.grey[box].copy(), self.dark[box]
        if grey.size == 0:
            return None
        # (with the pixel either side of a rule: a rule drawn between pixels greys them both)
        for axis, rule in ((0, dark.mean(axis=0) > 0.85), (1, dark.mean(axis=1) > 0.85)):
            rule = rule | np.roll(rule, 1) | np.roll(rule, -1)
            if axis == 0:
                grey[:, rule] = 255
            else:
                grey[rule, :] = 255
        pad = max(4, grey.shape[0] // 3)
        framed = np.pad(grey, pad, constant_values=255)
        result = _ocr()(np.stack([framed] * 3, axis=-1), use_det=False, use_cls=False, use_rec=True)
        texts, scores = result.txts or (), result.scores or ()
        return (texts[0].strip(), float(scores[0])) if texts else None

    def _box(self, x0: float, x1: float, top: float, bottom: float):
        return self.dark[max(0, int(top)) : max(0, int(bottom)) + 1, max(0, int(x0)) : max(0, int(x1)) + 1]

    def inked(self, x0: float, x1: float, line) -> bool:
        """Some ink between x0 and x1 in the middle of a line, the table's rules aside (a blurred rule
        greys the cell beside it): a printed digit, not an empty cell."""
        box = self._box(x0, x1, line.top + 0.2 * line.size, line.top + 0.8 * line.size).copy()
        for a, b in self.rules_down(line.top, line.top + line.size):
            box[:, max(0, a - 2 - int(x0)) : max(0, b + 3 - int(x0))] = False
        return int(box.sum()) >= 4

    def uncovered(self, spans: list, start: float, top: float, size: float) -> list[tuple[int, int]]:
        """Pieces of ink on a line right of `start` that no box of `spans` covers: runs of inked columns
        (rules aside) closer than a third of a character, each a glyph."""
        import numpy as np

        band = self.dark[max(0, int(top + 0.1 * size)) : max(0, int(top + 0.9 * size)) + 1].copy()
        if band.shape[0] < 4:
            return []
        band[:, : max(0, int(start))] = False
        for a, b in self.rules_down(top, top + size):  # the table's rules, down and across, are no glyph
            band[:, max(0, a - 2) : b + 3] = False
        band[band.mean(axis=1) > 0.5] = False
        inked = band.any(axis=0)
        for x0, x1 in spans:
            inked[max(0, int(x0 - 0.2 * size)) : max(0, int(x1 + 0.2 * size)) + 1] = False
        xs = np.flatnonzero(inked)
        runs: list[list[int]] = []
        for x in xs:
            if runs and x - runs[-1][1] <= size / 3:
                runs[-1][1] = int(x)
            else:
                runs.append([int(x), int(x)])
        def glyph(a: int, b: int) -> bool:
            """As tall as a digit, and not a stroke running on out of the line (a rule's end, a border)."""
            rows = np.flatnonzero(band[:, a : b + 1].any(axis=1))
            if rows.size == 0 or rows[-1] - rows[0] < 0.4 * size:
                return False
            above = self.dark[max(0, int(top - 0.3 * size)) : max(0, int(top)), a : b + 1]
            below = self.dark[int(top + size) : int(top + 1.3 * size), a : b + 1]
            return not any(part.shape[0] and part.any(axis=1).all() for part in (above, below))

        return [(a, b) for a, b in runs if glyph(a, b)]

    def rules_down(self, top: float, bottom: float) -> list[tuple[int, int]]:
        """Where rules are drawn down through the whole band from top to bottom: each rule's first and last
        column, left to right."""
        box = self._box(0, self.dark.shape[1], top, bottom)
        if box.shape[0] < 4:
            return []
        xs = [int(x) for x in (box.mean(axis=0) >= 0.95).nonzero()[0]]
        runs = [[x, x] for x in xs[:1]]
        for x in xs[1:]:
            if x - runs[-1][1] <= 1:
                runs[-1][1] = x
            else:
                runs.append([x, x])
        return [(a, b) for a, b in runs]

    def spaces_between_rules(self, top: float, bottom: float) -> list[tuple[float, float]]:
        """The spaces between the rules drawn down through the band, two pixels clear of each rule (its
        run of dark columns takes in the grey a blurred rule spreads over its neighbours)."""
        rules = self.rules_down(top, bottom)
        return [(a[1] + 2, b[0] - 2) for a, b in zip(rules, rules[1:]) if b[0] - a[1] > 4]

    def rule_between(self, x0: float, x1: float, top: float, bottom: float) -> bool:
        """A table's rule drawn across the box: the lines above and below it are in different cells."""
        box = self._box(x0, x1, top, bottom)
        return box.size > 0 and bool((box.mean(axis=1) > 0.7).any())


def _alone_in_a_column(line, i: int, lines: list) -> bool:
    """Whether cell i of a line stands where numbers of three other lines stand, with no other cell of its
    line there."""
    span = line.spans[i]
    column = [s for other in lines if other is not line for c, s in zip(other.cells, other.spans)
              if _numberish(c) and _overlap(s, span) > 0]
    neighbours = [s for k, s in enumerate(line.spans) if k != i and any(_overlap(s, c) > 0 for c in column)]
    return len(column) >= 3 and not neighbours


def _missing_cells(lines: list, ink: _Ink | None = None) -> None:
    """A number detection missed would shift every later number of its row one column left: a wrong
    number in each. Where the table rows just above and below that hold more numbers than this row all
    hold one in a column (their number boxes overlap) and this row holds none there, the row gets a "?"
    cell in that column, which reads as no number (an empty cell, where the picture holds no ink there). So
    does a short piece of text among a row's numbers ("一" read for 1)."""
    def numbers(line) -> list[tuple[float, float]]:  # the row's cells from its first number (empty ones too)
        at = next((i for i, cell in enumerate(line.cells) if _numberish(cell)), None)
        if at is None or not all(_numberish(c) or c == "" or c in _DASHES for c in line.cells[at:]):
            return []
        return line.spans[at:]

    def overlaps(a, b) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    def neighbour(n: int, step: int):
        line = lines[n]
        for k in range(n + step, n + 4 * step, step):
            if not 0 <= k < len(lines):
                return None
            if abs(lines[k].top - line.top) > 5 * line.size:
                return None
            if len(numbers(lines[k])) >= 2:
                return lines[k]
        return None

    for line in lines:  # text among a row's numbers ("一" for 1, "。" for 0): no number, and said so
        at = next((i for i, cell in enumerate(line.cells) if _numberish(cell)), len(line.cells))
        last = max((i for i, cell in enumerate(line.cells) if _numberish(cell)), default=-1)
        for i in range(1, len(line.cells)):  # (the first cell may be a label's piece: "一" of 一、)
            cell = line.cells[i]
            # What the glyph looks like stays a reading without confidence, for the arithmetic to confirm.
            read = _glyph_reading(cell) or ""
            # After the row's last number only a digit's look-alike is a cell ("II" for 11, "o|" for 0); before
            # its first, only one standing alone in a column of numbers ("I" beside "1" is one number, 11).
            if i < at and not (read and _alone_in_a_column(line, i, lines)):
                continue
            if cell and cell not in _DASHES and not _numberish(cell) and (read or (i < last and len(cell) <= 2)):
                line.cells[i] = "?" * len(read) if read else "?"
                line.words[i] = [{**w, "token": replace(w["token"], text=line.cells[i], uncertain=True, read=read)}
                                 for w in line.words[i][:1]]
    for n, line in enumerate(lines):
        mine = numbers(line)
        if len(mine) < 2:
            continue
        # The rows around with more numbers than this one say where its columns are (a neighbour with no
        # more is itself short of cells, or of another table, and says nothing).
        around = [x for x in (neighbour(n, -1), neighbour(n, 1)) if x is not None and len(numbers(x)) > len(mine)]
        if not around:
            continue
        start = line.spans[len(line.cells) - len(mine) - 1][1] if len(line.cells) > len(mine) else 0
        for span in numbers(around[0]):
            if span[0] < start or any(overlaps(span, m) for m in mine):
                continue
            if all(any(overlaps(span, s) for s in numbers(x)) for x in around[1:]):
                at = next((i for i, s in enumerate(line.spans) if s[0] > span[0] and i >= len(line.cells) - len(mine)),
                          len(line.cells))
                empty = ink is not None and not ink.inked(*span, line)
                line.cells.insert(at, "" if empty else "?")
                line.spans.insert(at, span)
                line.words.insert(at, [])
                mine = numbers(line)


# ---- pages → images → raw OCR results (what the cache keeps) --------------------------------------------------

def _pdf_pages(data: bytes, pictures: list) -> tuple[list[list], list[str]]:
    return _ocr_pages([lambda p=p: _render(data, p) for p in pictures])


def _render(data: bytes, picture):
    """A picture of a PDF as OCR reads it: its page rendered at `_scale`, cut to its box if pasted."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise ReadError(f"PDF 的页面无法渲染为图片以进行文字识别（{e}）") from None
    try:
        page = pdf[picture.page - 1]
        if not picture.pasted:
            return _straightened(page.render(scale=_scale(picture), grayscale=True).to_pil())
        width, height = page.get_size()  # points
        x0, top, x1, bottom = picture.box  # crop: what to cut off left, bottom, right and top
        crop = (max(0.0, x0), max(0.0, height - bottom), max(0.0, width - x1), max(0.0, top))
        return _straightened(page.render(scale=_scale(picture), crop=crop, grayscale=True).to_pil())
    finally:
        pdf.close()


MAX_SKEW = 4.0  # degrees a page is looked for a tilt within; a page turned further is not a tilted scan
STRAIGHT = 0.3  # degrees of tilt a page is left with: a line of 1,000 px drifts 5 px, a third of a digit


def _straightened(image):
    """A page scanned or photographed at a tilt, turned straight. Rows of a table tilted by 1.5° drift a
    row's height across the page, and detection then puts numbers in the row above. The tilt is the one at
    which the page's dark pixels fall into the sharpest rows (text lines and rules), found on a small copy;
    a page within STRAIGHT of level is left as it is."""
    import numpy as np
    from PIL import Image

    grey = image.convert("L")
    small = grey.reduce(max(1, grey.width // 600))
    pixels = np.asarray(small, dtype=np.int16)
    ys, xs = np.nonzero(pixels < min(200, int(np.median(pixels)) - 60))
    if len(ys) < 200:
        return image

    def sharpness(degrees: float) -> float:
        rows = np.round(ys - xs * np.tan(np.radians(degrees))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float((counts.astype(np.float64) ** 2).sum())

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.25), key=sharpness)
    tilt = max(np.arange(coarse - 0.25, coarse + 0.26, 0.05), key=sharpness)
    if abs(tilt) < STRAIGHT:
        return image
    # (the rows line up when y - x·tan(tilt) is constant: turning the page by the tilt levels them)
    return grey.rotate(float(tilt), resample=Image.BICUBIC, expand=False, fillcolor=int(np.median(pixels)))


def _scale(picture) -> float:
    """Pixels per point a picture is rendered at: its own resolution within DPI, within MAX_PIXELS."""
    x0, top, x1, bottom = picture.box
    dpi = min(max(picture.dpi, DPI[0]), DPI[1])
    return min(dpi / 72, (MAX_PIXELS / max(1.0, (x1 - x0) * (bottom - top))) ** 0.5)


def _image_pages(data: bytes) -> tuple[list[list], list[str]]:
    return _ocr_pages([lambda i=i: _frame(data, i) for i in range(_frames(data))])


def _frames(data: bytes) -> int:

    with _opened(data) as image:
        return getattr(image, "n_frames", 1)


def _frame(data: bytes, index: int):
    """Page `index` of an image file, grey, at most MAX_PIXELS (a larger one is refused or scaled down)."""
    from PIL import Image

    with _opened(data) as image:
        image.seek(index)
        width, height = image.size
        if width * height > MAX_DECODE_PIXELS:
            raise ReadError(f"图片为 {width}×{height} 像素，大于任何扫描页面可能的尺寸，未读取")
        frame = image.convert("L")
        if width * height > MAX_PIXELS:
            scale = (MAX_PIXELS / (width * height)) ** 0.5
            frame = frame.resize((max(1, int(width * scale)), max(1, int(height * scale))), Image.LANCZOS)
        return _straightened(frame)


@contextlib.contextmanager
def _opened(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            yield image
    except Image.DecompressionBombError:
        raise ReadError("图片大于任何扫描页面可能的尺寸，未读取") from None
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ReadError(f"不是可读取的图片（{e}）：文件可能不完整或已损坏") from None


def _ocr_pages(pages: list) -> tuple[list[list], list[str]]:
    """Each page (a function giving its image) → its raw OCR pieces [text, score, box, [[char, confidence,
    x0, x1]…]], within the page and time budget; pages past it are left unread and named in the warnings.
    A long scan's table pages are read first, so that the budget, if it runs out, costs narrative."""
    import numpy as np

    out: list[list] = [[] for _ in pages]
    unread = list(range(MAX_PAGES, len(pages)))
    start = time.monotonic()
    images = [image() for image in pages[:MAX_PAGES]]
    inked = [_strokes(picture) >= MIN_STROKES for picture in images]
    if any(inked):  # a scan's size says nothing of what reading it costs: the worker pool is told this budget
        isolate.more_time(SECONDS + 20)
    for index in _tables_first(images):
        if time.monotonic() - start > SECONDS:
            unread.append(index)
            continue
        picture = images[index]
        if not inked[index]:  # a blank page, a frame or a stamp: the engine need not even load
            continue
        # Every step named: the engine keeps the last call's switches (a detection-only call by _tables_first).
        result = _ocr()(np.asarray(picture.convert("RGB")), use_det=True, use_cls=False, use_rec=True,
                        return_word_box=True, return_single_char_box=True)
        pieces = []
        for box, text, score, chars in zip(result.boxes if result.boxes is not None else [], result.txts or (),
                                           result.scores or (), result.word_results or ()):
            xs, ys = [int(p[0]) for p in box], [int(p[1]) for p in box]
            if max(ys) - min(ys) > 0.1 * picture.height:  # no line of text is this tall: a frame, a stamp, a photo
                continue
            pieces.append([text, round(float(score), 4), [min(xs), min(ys), max(xs), max(ys)],
                           [[c, round(float(conf), 4), int(min(p[0] for p in b)), int(max(p[0] for p in b))]
                            for c, conf, b in chars]])
        out[index] = pieces
    warnings = []
    if unread:
        why = f"只识别前 {MAX_PAGES} 页" if len(pages) > MAX_PAGES else ""
        if len(unread) > len(pages) - MAX_PAGES:
            why += ("，" if why else "") + f"OCR 用时已超过 {SECONDS:g} 秒"
        listed = "、".join(str(i + 1) for i in sorted(unread)[:20]) + ("……" if len(unread) > 20 else "")
        warnings.append(f"扫描件第 {listed} 页未识别（{why}）；其中的表格和文字缺失")
    return out, warnings


MIN_STROKES = 300  # one short line of text at 100 dpi has ~800; a frame drawn round nothing ~100


def _strokes(image) -> int:
    """How many times a row of pixels enters ink, over the page: text is thousands of strokes."""
    import numpy as np

    dark = np.asarray(image.convert("L")) < 128
    return int((dark[:, 1:] & ~dark[:, :-1]).sum())


def _tables_first(images: list) -> list[int]:
    """The order to read pages in: for a long scan (more pages than the budget surely covers), the pages
    with the most short pieces of text (a table's numbers), found by detection alone on a half-size copy,
    then the rest; a short scan in page order."""
    if len(images) <= 8:
        return list(range(len(images)))
    import numpy as np

    def short_pieces(image) -> int:
        small = image.reduce(2).convert("RGB")
        boxes = _ocr()(np.asarray(small), use_rec=False, use_cls=False).boxes
        return sum(1 for b in (boxes if boxes is not None else [])
                   if (max(p[0] for p in b) - min(p[0] for p in b)) < 3 * (max(p[1] for p in b) - min(p[1] for p in b)))

    counts = [short_pieces(image) for image in images]
    return sorted(range(len(images)), key=lambda i: (-counts[i] if counts[i] >= 20 else 0, i))


_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")
# Glyphs OCR reads for a digit in a table cell: a zero taken for a full stop or a letter, a one for 一.
_DIGIT_LOOKALIKES = {"。": "0", "o": "0", "O": "0", "〇": "0", "○": "0", "一": "1", "l": "1", "I": "1"}
# A table's rule read as part of a number beside it ("6|", "0]"): no digit.
_RULE_GLYPHS = set("|｜丨[]「」")


def _glyph_reading(text: str) -> str | None:
    """The digits a piece of OCR text may stand for when it is made of digits, their look-alikes and a
    table's rules ("o|" → "0", "1]" → "1"); None for any other text, and for a plain number."""
    kept = [c for c in text if c not in _RULE_GLYPHS and not c.isspace()]
    if not kept or len(kept) > MAX_NUMBER_DIGITS or _NUMBER.match(text):
        return None
    read = "".join(c if c.isdigit() else _DIGIT_LOOKALIKES.get(c, "") for c in kept)
    return read if len(read) == len(kept) and read.isascii() else None


MAX_NUMBER_DIGITS = 7  # a request count or a decision count; longer look-alike runs are text


# A cell printed with a dash for none (SCHEMA: a blank): a cell of its own among a row's numbers, never text.
_DASHES = {"-", "--", "—", "——", "–", "－", "―"}


def _number_like(cell: str) -> bool:
    """A number, a digit's look-alike, or a dash printed for none: a table cell, not a label's piece."""
    return _numberish(cell) or _glyph_reading(cell) is not None or cell in _DASHES


def _numberish(cell: str) -> bool:
    return bool(_NUMBER.match(cell)) or unread_text(cell)


def _tokens(pages: list[list], numbers: list[int] | None = None) -> list[list[Token]]:
    """Raw pieces → tokens. A piece is split where its characters stand apart (at a space, or a gap wider
    than half its height, a third between two digits): detection boxes two neighbouring table cells as one piece ("37 0") when their
    columns are close, and those are two numbers, never 370. Digits that end a piece of text and stand in a
    column of numbers, on a line that holds other numbers, are a cell of their own (a label and the first
    number boxed together: "…信息公开0")."""
    out = []
    for page, pieces in zip(numbers or range(1, len(pages) + 1), pages):  # the page each picture is on
        words: list[tuple[list, int, int]] = []  # characters, top, bottom
        for text, score, (x0, top, x1, bottom), chars in pieces:
            if not chars:
                chars = [[c, score, x0, x1] for c in text]
            parts: list[list] = [[]]
            for char in chars:
                if char[0].isspace():
                    parts.append([])
                    continue
                # Digits of one number stand closer than a third of the height; text may be spaced wider.
                apart = 0.3 if char[0].isdigit() and parts[-1] and parts[-1][-1][0].isdigit() else 0.5
                if parts[-1] and char[2] - parts[-1][-1][3] > apart * (bottom - top):
                    parts.append([])
                parts[-1].append(char)
            words += [(part, top, bottom) for part in parts if part]
        numbers = [(w, top, bottom) for w, top, bottom in words if _NUMBER.match("".join(c[0] for c in w))]
        tokens = []
        for chars, top, bottom in words:
            text = "".join(c[0] for c in chars)
            digits = len(text) - len(text.rstrip("0123456789"))
            if (0 < digits < len(text) and not _NUMBER.match(text) and text[-digits - 1] not in ".,，．-+%"
                    and _in_a_column(chars[-digits:], top, bottom, numbers)):
                tokens += [_token(chars[:-digits], top, bottom, page), _token(chars[-digits:], top, bottom, page)]
            else:
                tokens.append(_token(chars, top, bottom, page))
        out.append(tokens)
    return out


def _in_a_column(chars: list, top: int, bottom: int, numbers: list) -> bool:
    """Whether these characters stand where numbers of other lines stand (three at least), on a line that
    holds numbers of its own."""
    x0, x1 = chars[0][2], chars[-1][3]
    middle = (top + bottom) / 2
    same_line = [n for n in numbers if abs((n[1] + n[2]) / 2 - middle) < 0.5 * (bottom - top)]
    below_or_above = [n for n in numbers if n not in same_line and n[0][0][2] < x1 and x0 < n[0][-1][3]]
    return bool(same_line) and len(below_or_above) >= 3


def _token(chars: list, top: int, bottom: int, page: int) -> Token:
    # A table number read uncertainly is blanked; a digit in a label ("6.属于…") is no number.
    # Every digit of it goes, not only the uncertain one: a digit left in the cell would be read as a number.
    read = "".join(c[0] for c in chars)
    unsure = bool(_NUMBER.match(read)) and any(c[0].isdigit() and c[1] < CERTAIN for c in chars)
    text = re.sub(r"\d", "?", read) if unsure else read
    confidence = round(sum(c[1] for c in chars) / len(chars), 4)
    return Token(text, confidence, (chars[0][2], top, chars[-1][3], bottom), page, unsure, read if unsure else "")


# ---- the OCR cache ------------------------------------------------------------------------------------------

def cache_path() -> Path | None:
    """NIANBAO_OCR_CACHE names another cache file; set to "" it turns the cache off."""
    setting = os.environ.get("NIANBAO_OCR_CACHE")
    if setting is None:
        return paths.CACHE / "ocr.sqlite"
    return Path(setting) if setting else None


def _cached(data: bytes, what: str, run) -> tuple[list[list], list[str]]:
    """The raw OCR of `what` in the file `data` (each picture's pieces), from the cache or by running OCR. A
    result cut short by the time budget is not kept (a less busy machine may read it whole)."""
    key = hashlib.sha256(data).hexdigest() + " " + what + " " + engine_id()
    where = cache_path()
    db = None
    if where is not None:
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(where, timeout=30)
            db.execute("CREATE TABLE IF NOT EXISTS ocr (key TEXT PRIMARY KEY, result TEXT)")
            row = db.execute("SELECT result FROM ocr WHERE key = ?", (key,)).fetchone()
            if row:
                pages, warnings = json.loads(row[0])
                return pages, warnings
        except sqlite3.Error:  # a cache that cannot be used only costs time
            db = None
    try:
        pages, warnings = run()
        if db is not None and not warnings:
            try:
                with db:
                    db.execute("INSERT OR REPLACE INTO ocr VALUES (?, ?)", (key, json.dumps([pages, warnings])))
            except sqlite3.Error:
                pass
        return pages, warnings
    finally:
        if db is not None:
            db.close()
