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
around it), lest the rest of its row shift one column. What OCR reads with confidence stays as read, even
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
            f"dpi {DPI} max_pixels {MAX_PIXELS} rec_min_width {REC_MIN_WIDTH} pieces v1")


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
    laid_out = [_picture_rows(tokens, 0.0, 1.0, lambda i=i: _frame(data, i)) for i, tokens in enumerate(pages)]
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
    for picture, tokens in zip(pictures, read):
        rows, marked = _picture_rows(tokens, picture.box[1], _scale(picture), lambda p=picture: _render(data, p))
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


def _picture_rows(tokens: list[Token], top: float, scale: float, image=None) -> tuple[list, int]:
    """One picture's tokens laid out as rows of cells, each with where it stands on its page (`top` + pixels
    / `scale`: points on a PDF page); and how many cells OCR read nothing in. `image()` gives the picture
    OCR read, to look for ink where a cell holds no number."""
    from .pdf import _lines, _paragraphs

    # Lines are found by the boxes' middles, every box taken as tall as a typical line: a piece boxed
    # taller than its line (a category printed down the side) must not start a line of its own.
    height = statistics.median([t.box[3] - t.box[1] for t in tokens]) if tokens else 0
    words = [{"text": t.text, "x0": t.box[0], "x1": t.box[2], "top": (t.box[1] + t.box[3] - height) / 2,
              "bottom": (t.box[1] + t.box[3] + height) / 2, "token": t,
              "alone": _numberish(t.text) or _glyph_reading(t.text) is not None}  # each number a cell of its own
             for t in tokens]
    ink = _Ink(image) if image is not None else None
    lines = _wrapped_labels(_rejoin_rows(_lines(words)), ink)
    missing = _requests_columns(lines, ink) + _missing_cells(lines, ink)
    return [(top + line_top / scale, cells, [[w["token"] for w in ws] for ws in cell_words])
            for line_top, cells, cell_words in _paragraphs(lines)], missing


def _rejoin_rows(lines: list) -> list:
    """A table row whose cells sit at different heights (its label wraps over lines; some cells are aligned
    to the top, others to the middle) is seen as two lines, each with some of the row's numbers. The
    numbers at the end of the lower line join the upper line's when their columns do not overlap and the
    lines stand within a line of each other; the label's continuation stays behind as a line of its own."""
    out: list = []
    for line in lines:
        above = out[-1] if out else None
        numbers = [i for i, cell in enumerate(line.cells) if _numberish(cell)]
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
        at = next((i for i, cell in enumerate(line.cells) if _numberish(cell)), None)
        return at if at is not None and all(_numberish(c) for c in line.cells[at:]) else None

    def near(upper, lower) -> bool:
        if not 0 < lower.top - upper.top <= 1.6 * max(upper.size, lower.size):
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
                    if not _PARAGRAPH_START.match(side.cells[i]):
                        text, _, words = take(side, i)
                        line.cells[label] += text
                        line.words[label] += words
                    break
                if side is None or not aside(side, x0):
                    break
    return [line for line in lines if line.cells]


REQUEST_COLUMNS = 7  # the requests table's cells a row: six kinds of applicant and the total
_REQUESTS_HEADING = re.compile(r"收到和处理政府信息公开申请|申请情况")
_APPEALS_HEADING = re.compile(r"行政复议|行政诉讼")


def _requests_columns(lines: list, ink: _Ink | None = None) -> int:
    """The requests table's rows put in its seven columns. Many reports print a zero as an empty cell, and
    OCR boxes only what is printed: a row of five numbers says nothing, by itself, of which two cells are
    empty. The columns are where the table's numbers stand, over all its rows (the union of their boxes);
    found seven, each row's numbers go to theirs. A column a row holds no number in is an empty cell where
    the picture has no ink there, and a cell OCR missed ("?") where it has. A row with a box over two
    columns, or two numbers in one, stays as read. Returns how many cells OCR missed."""
    # From its heading, or from the top of a page it runs on to (the columns say whether it does).
    start = next((n for n, line in enumerate(lines) if len(line.cells) == 1
                  and _REQUESTS_HEADING.search(line.cells[0]) and len(line.cells[0]) <= 30), -1)
    end = next((n for n in range(start + 1, len(lines)) if len(lines[n].cells) == 1
                and _APPEALS_HEADING.search(lines[n].cells[0]) and len(lines[n].cells[0]) <= 30), len(lines))
    rows = [(line, _trailing_numbers(line)) for line in lines[start + 1 : end]]
    rows = [(line, at) for line, at in rows if at is not None]
    spans = [line.spans[i] for line, at in rows for i in range(at, len(line.cells))]
    columns = _columns([s for s in spans if not _spans_two(s, rows)])
    if len(columns) != REQUEST_COLUMNS:
        return 0  # the columns are not clear (or the table prints a subtotal column): the rows stay as read
    missed = 0
    for line, at in rows:
        if len(line.cells) - at in (1, REQUEST_COLUMNS):
            continue  # all its cells; or one number alone, which may be a piece of the row below or above
        placed: dict[int, int] = {}  # column → the row's cell in it
        for i in range(at, len(line.cells)):
            x0, x1 = line.spans[i]
            hit = [k for k, c in enumerate(columns) if _overlap(c, (x0, x1)) > 0.3 * min(c[1] - c[0], x1 - x0)]
            if len(hit) != 1 or hit[0] in placed:
                break  # a box over two columns, or two numbers in one: no column says where it goes
            placed[hit[0]] = i
        else:
            label_end = line.spans[at - 1][1] if at else 0
            placed_cells = []  # (cell, span, words) in column order
            for k, column in enumerate(columns):
                if k in placed:
                    i = placed[k]
                    placed_cells.append((line.cells[i], line.spans[i], line.words[i]))
                elif column[0] > label_end:
                    empty = ink is not None and not ink.inked(*column, line.top + 0.2 * line.size,
                                                              line.top + 0.8 * line.size)
                    placed_cells.append(("" if empty else "?", column, []))
                    missed += not empty
            line.cells[at:] = [c for c, _, _ in placed_cells]
            line.spans[at:] = [s for _, s, _ in placed_cells]
            line.words[at:] = [w for _, _, w in placed_cells]
    return missed


def _trailing_numbers(line) -> int | None:
    """Where the numbers at the end of a line start (None: the line ends in text)."""
    at = len(line.cells)
    while at > 0 and _numberish(line.cells[at - 1]):
        at -= 1
    return at if at < len(line.cells) else None


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
    def dark(self):
        import numpy as np

        pixels = np.asarray(self.image().convert("L"), dtype=np.int16)
        return pixels < min(200, int(np.median(pixels)) - 60)

    def _box(self, x0: float, x1: float, top: float, bottom: float):
        return self.dark[max(0, int(top)) : max(0, int(bottom)) + 1, max(0, int(x0)) : max(0, int(x1)) + 1]

    def inked(self, x0: float, x1: float, top: float, bottom: float) -> bool:
        """Some ink in the box: a printed digit, not an empty cell."""
        return int(self._box(x0, x1, top, bottom).sum()) >= 4

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


def _missing_cells(lines: list, ink: _Ink | None = None) -> int:
    """A number detection missed would shift every later number of its row one column left: a wrong
    number in each. Where the table rows just above and below that hold more numbers than this row all
    hold one in a column (their number boxes overlap) and this row holds none there, the row gets a "?"
    cell in that column, which reads as no number (an empty cell, where the picture holds no ink there). So does a short piece of text among a row's numbers ("一" read
    for 1). Returns how many cells were marked."""
    def numbers(line) -> list[tuple[float, float]]:  # the row's cells from its first number (empty ones too)
        at = next((i for i, cell in enumerate(line.cells) if _numberish(cell)), None)
        if at is None or not all(_numberish(c) or c == "" for c in line.cells[at:]):
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

    marked = 0
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
            if not _numberish(cell) and (read or (i < last and len(cell) <= 2)):
                line.cells[i] = "?" * len(read) if read else "?"
                line.words[i] = [{**w, "token": replace(w["token"], text=line.cells[i], uncertain=True, read=read)}
                                 for w in line.words[i][:1]]
                marked += 1
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
                empty = ink is not None and not ink.inked(*span, line.top + 0.2 * line.size, line.top + 0.8 * line.size)
                line.cells.insert(at, "" if empty else "?")
                line.spans.insert(at, span)
                line.words.insert(at, [])
                mine = numbers(line)
                marked += not empty
    return marked


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
            return page.render(scale=_scale(picture), grayscale=True).to_pil()
        width, height = page.get_size()  # points
        x0, top, x1, bottom = picture.box  # crop: what to cut off left, bottom, right and top
        crop = (max(0.0, x0), max(0.0, height - bottom), max(0.0, width - x1), max(0.0, top))
        return page.render(scale=_scale(picture), crop=crop, grayscale=True).to_pil()
    finally:
        pdf.close()


def _scale(picture) -> float:
    """Pixels per point a picture is rendered at: its own resolution within DPI, within MAX_PIXELS."""
    x0, top, x1, bottom = picture.box
    dpi = min(max(picture.dpi, DPI[0]), DPI[1])
    return min(dpi / 72, (MAX_PIXELS / max(1.0, (x1 - x0) * (bottom - top))) ** 0.5)


def _image_pages(data: bytes) -> tuple[list[list], list[str]]:
    return _ocr_pages([lambda i=i: _frame(data, i) for i in range(_frames(data))])


def _frames(data: bytes) -> int:
    from PIL import Image

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
        return frame


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
