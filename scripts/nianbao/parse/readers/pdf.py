"""PDF (exported from Word or WPS) → Document, with pdfplumber.

Ruled tables come from pdfplumber's table finder, one row of cells per table row; everything else on the
page is text, one row per paragraph. Both are merged in the order they stand on the page, so a table that
breaks across pages simply continues (page footers such as '- 3 -' and repeated header rows hold no labelled
numbers, and extraction skips them). Labels that wrap inside a cell, and row headers printed one character
per line, are joined back into one string.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from . import Document, ReadError, Unsupported, reader

# pdfminer warns, once a glyph, of font descriptors it works around ("Could not get FontBBox…", common in
# browser-made PDFs): nothing a reader of our log can act on. What makes a PDF unreadable is raised.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_PARAGRAPH_START = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．]|- ?\d+ ?-$)")


@reader(".pdf")
def read_pdf(path: Path, data: bytes) -> Document:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages: list[list[tuple[float, list[str]]]] = []  # each page's rows, with where they stand
            pictures: list[Picture] = []  # what OCR is to read: pages of a scan, tables pasted as pictures
            if not pdf.pages:  # pdfminer stops at a page tree that loops or leads nowhere: no page at all
                raise ReadError("PDF 的页面树损坏（循环引用或为空），没有可读的页面")
            for number, page in enumerate(pdf.pages, 1):
                pages.append(_page_rows(page) if page.chars else [])
                if not page.chars and page.images:
                    pictures.append(Picture(number, max(_dpi(image) for image in page.images),
                                            (0, 0, float(page.width), float(page.height))))
                elif page.images:
                    pictures += [Picture(number, _dpi(image), (image["x0"], image["top"], image["x1"], image["bottom"]),
                                         pasted=True) for image in page.images if _pasted_table(page, image)]
            chars = sum(len(page.chars) for page in pdf.pages)
    except (PdfminerException, PSException) as e:
        # pdfplumber wraps what pdfminer raises on opening; pages parsed later raise pdfminer's own errors.
        cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
        if isinstance(cause, PDFPasswordIncorrect):
            raise ReadError("加密的 PDF，需要密码") from None
        if isinstance(cause, MemoryError) or "allocate" in str(cause):  # zlib's own out-of-memory error
            raise ReadError("此 PDF 中的压缩数据解压后超过单个文件可用的内存") from None
        raise ReadError(f"不是可读取的 PDF（{cause}）：文件可能不完整或已损坏") from None
    if not pictures:
        if not chars:
            raise Unsupported("没有文字：PDF 的页面上既没有文字也没有图片")
        return Document(path, "pdf", [row for rows in pages for _, row in rows])
    from . import ocr

    return ocr.read_pdf_pictures(path, data, pages, pictures)


@dataclass(frozen=True)
class Picture:
    """A picture OCR is to read: a whole page of a scan, or a picture pasted into a text page."""

    page: int  # 1-based
    dpi: float  # the resolution the picture was made at
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in points: the page's, or the picture's on it
    pasted: bool = False  # a picture on a text page, not a whole page


def _dpi(image: dict) -> float:
    return image["srcsize"][0] * 72 / max(1.0, image["width"])


# A table pasted into a report as a picture covers a good part of the page; logos, seals and QR codes less.
MIN_PICTURE_SHARE = 0.1


def _pasted_table(page, image: dict) -> bool:
    """A picture on a text page that may hold a table: large, wide, and with no text over it (a scan that
    carries its own OCR text layer is read from that text)."""
    width, height = image["x1"] - image["x0"], image["bottom"] - image["top"]
    if width * height < MIN_PICTURE_SHARE * page.width * page.height or width < 0.4 * page.width:
        return False
    return not any(image["x0"] <= (c["x0"] + c["x1"]) / 2 <= image["x1"]
                   and image["top"] <= (c["top"] + c["bottom"]) / 2 <= image["bottom"] for c in page.chars)


def _page_rows(page) -> list[tuple[float, list[str]]]:
    """The page's table rows and text paragraphs, top to bottom, with where each stands (points from the
    page's top)."""
    # A one-column "table" is a framed text box: its lines are prose, read as text below.
    tables = [t for t in page.find_tables() if len(t.columns) >= 2]
    placed: list[tuple[float, list[str]]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract()):
            placed.append((row.bbox[1], _table_row(cells)))
    boxes = [t.bbox for t in tables]

    def outside_tables(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    placed.extend((top, cells) for top, cells, _ in _paragraphs(_lines(text_page.extract_words())))
    placed.sort(key=lambda item: item[0])  # stable: rows of one table keep their order
    return [(top, [cell.translate(_UNIFIED) for cell in cells]) for top, cells in placed if any(cells)]


# A PDF's text layer may map a common character to a radical of the same shape ("⼈⺠政府" for 人民政府): fonts
# exported by some browsers and office suites do. Each radical is put back as the character it stands for:
# the Kangxi radicals by NFKC, the CJK Radicals Supplement by Unicode's EquivalentUnifiedIdeograph.txt (18.0,
# U+2E81–U+2EF3; U+2E80 has no equivalent).
_RADICALS_SUPPLEMENT = (
    "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 ⺕𫜹 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 "
    "⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫 ⺦丬 ⺧牛 ⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 ⺲罒 ⺳㓁 ⺴冗 "
    "⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑 ⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝 ⻊𧾷 ⻋车 ⻌辶 ⻍辶 "
    "⻎辶 ⻏邑 ⻐钅 ⻑長 ⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 "
    "⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯 ⻮齿 ⻯竜 ⻰龙 ⻱龜 ⻲亀 ⻳龟"
)
_UNIFIED = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)} | {
    ord(pair[0]): pair[1:] for pair in _RADICALS_SUPPLEMENT.split()}


def _table_row(cells: list[str | None]) -> list[str]:
    """Cells of one table row; text wrapped inside a cell is joined (Chinese needs no space at a wrap).
    pdfplumber gives None for grid positions a merged cell covers: they are no cells at all."""
    out = [re.sub(r"\s*\n\s*", "", cell).strip() for cell in cells if cell is not None]
    filled = [c for c in out if c]
    # A row holding one piece of text (a caption or a heading inside the table frame) reads as a line.
    return filled if len(filled) == 1 else out


@dataclass
class _Line:
    top: float
    size: float  # about one character's width: the font size
    cells: list[str]
    spans: list[tuple[float, float]]  # each cell's x0, x1
    words: list[list[dict]]  # each cell's words (the OCR reader keeps their tokens)

    @property
    def x1(self) -> float:
        return self.spans[-1][1]

    def number_spans(self) -> list[tuple[float, float]]:
        return [span for cell, span in zip(self.cells, self.spans) if _NUMBER.match(cell)]


_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")


def _lines(words: list[dict]) -> list[_Line]:
    """Words → lines (by their vertical position) → cells (split where the gap is wider than a character).

    This reads tables drawn without rules: their columns are far apart, while the words of a sentence
    (numbers in running text included) sit a space apart at most."""
    groups: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if groups and abs(word["top"] - groups[-1][0]["top"]) <= 0.4 * (word["bottom"] - word["top"]):
            groups[-1].append(word)
        else:
            groups.append([word])
    _nearest_line(groups)
    out: list[_Line] = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        size = max(w["bottom"] - w["top"] for w in group)
        line = _Line(group[0]["top"], size, [group[0]["text"]], [(group[0]["x0"], group[0]["x1"])], [[group[0]]])
        for before, word in zip(group, group[1:]):
            gap = word["x0"] - before["x1"]
            if gap > size or before.get("alone") or word.get("alone"):  # OCR: a number is a cell of its own
                line.cells.append(word["text"])
                line.spans.append((word["x0"], word["x1"]))
                line.words.append([word])
            else:  # one cell: a space only between two Latin letters or digits
                glue = " " if gap > 0.15 * size and before["text"][-1].isascii() and word["text"][0].isascii() else ""
                line.cells[-1] += glue + word["text"]
                line.spans[-1] = (line.spans[-1][0], word["x1"])
                line.words[-1].append(word)
        if out and _continues_row(out[-1], line):
            _merge_numbers(out[-1], line)
        else:
            out.append(line)
    return out


def _nearest_line(groups: list[list[dict]]) -> None:
    """An OCR number (a word "alone") grouped with the line above although it stands nearer the numbers of
    the next one goes to that one, where it has room: a ruled row centres its numbers beside a label
    wrapping over lines, and the numbers' boxes stand between two of the label's lines."""
    def numbers_top(group: list[dict], but: dict) -> float | None:
        tops = [w["top"] for w in group if w.get("alone") and w is not but]
        return sum(tops) / len(tops) if tops else None

    for upper, lower in zip(groups, groups[1:]):
        for word in [w for w in upper if w.get("alone")]:
            below, own = numbers_top(lower, word), numbers_top(upper, word)
            own = own if own is not None else upper[0]["top"]
            if (below is not None and abs(word["top"] - below) < abs(word["top"] - own)
                    and not any(w["x0"] < word["x1"] and word["x0"] < w["x1"] for w in lower)):
                upper.remove(word)
                lower.append(word)
    groups[:] = [group for group in groups if group]


def _continues_row(previous: _Line, line: _Line) -> bool:
    """A line of numbers alone whose columns the line above leaves empty: the rest of the same table row,
    printed lower because its cells are aligned differently (a tall row, a label wrapping over lines)."""
    numbers = line.number_spans()
    if len(numbers) != len(line.cells) or not previous.number_spans():
        return False
    return not any(a0 < b1 and b0 < a1 for a0, a1 in numbers for b0, b1 in previous.number_spans())


def _merge_numbers(previous: _Line, line: _Line) -> None:
    cells = sorted(zip(previous.cells + line.cells, previous.spans + line.spans, previous.words + line.words),
                   key=lambda c: c[1][0])
    previous.cells, previous.spans, previous.words = ([c[i] for c in cells] for i in range(3))


def _paragraphs(lines: list[_Line]) -> list[tuple[float, list[str], list[list[dict]]]]:
    """Join the lines of a paragraph: a line of prose that reaches the right margin continues on the next
    line, unless that one starts a heading or a numbered item. Table lines (several cells) stay apart.
    Each row comes with its top and its cells' words."""
    right = max((line.x1 for line in lines), default=0)
    out: list[tuple[float, list[str], list[list[dict]]]] = []
    previous_full = False
    for line in lines:
        prose = len(line.cells) == 1
        if out and previous_full and prose and not _PARAGRAPH_START.match(line.cells[0]):
            out[-1][1][0] += line.cells[0]
            out[-1][2][0].extend(line.words[0])
        else:
            out.append((line.top, list(line.cells), [list(words) for words in line.words]))
        previous_full = prose and line.x1 >= right - 2 * line.size
    return out
