"""The statistic tables read from any flattening: a stream of words aligned to the template.

However a converter or a crawler printed a table, it reaches us as words with separators between them: a
table cell, a tab, spaces or U+3000, a line end, a run of blank lines, or nothing at all. The template is a
known sequence of rows, each with its number of cells and the arithmetic that ties them. The row labels
anchor the stream; the numbers between one label and the next are that row's cells (and those of template
rows whose label is missing). Every reading of them that the cell counts allow is enumerated (decode.py):
digits run together are split, and empty cells that left no trace are restored where the separators allow
one. The arithmetic then keeps the readings that fit. One reading gives the cells; several leave them blank
with the readings named; none leaves them blank with a finding.

Separators are evidence, not law. An explicit cell boundary hides no empty cell (empty cells print as empty
cells), though a row may lose its trailing ones; a run of blank lines longer than the table's usual one
hides empty cells; spaces may hide any number; digits glued together hide none. A reading that keeps every
printed number whole is preferred to one that splits digits, unless only a split satisfies the arithmetic.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from .. import schema
from . import decode
from .checks import Finding
from .readers import Document
from .values import Value, parse_value, unread_text

NONE, SPACE, CELL, LINE = range(4)  # separator strengths, weakest first
EMPTY = "\x00"  # an empty table cell, in the compact text


# ---- the stream ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Word:
    text: str  # NFKC, no white space; EMPTY for an empty table cell
    sep: int  # the separator before it
    gap: int  # blank lines before it (its row's first word only)
    cell: int  # index of the printed cell it comes from
    row: int  # index of the Document row
    digits: bool = True  # holds a digit: a word without one is only text to the tables


@dataclass
class Stream:
    """A document's words, and their texts joined into one compact string for finding labels."""

    words: list[Word]
    cells: list[str]  # every printed cell's text
    row_starts: list[int]  # offset of each Document row in compact
    has_gaps: bool  # blank lines were recorded (text formats)
    reads: dict[int, str] = field(default_factory=dict)  # printed cell → what OCR read where it was unsure
    scanned_rows: set[int] = field(default_factory=set)  # Document rows OCR read
    compact: str = ""
    starts: list[int] = field(default_factory=list)  # offset of each word in compact

    def __post_init__(self):
        at = 0
        for w in self.words:
            self.starts.append(at)
            at += len(w.text)
        self.compact = "".join(w.text for w in self.words)

    def word_at(self, offset: int) -> int:
        """Index of the word holding compact[offset] (the last word for an offset past the end)."""
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


# Page furniture and converter inventions that are no cells: page numbers, "数据1"-style column names.
_FOOTER_ROW = re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|"
                         r"\d{1,4}\s*/\s*\d{1,4})$")
# Inline, only the unmistakable form: "— 3 —" inside a line may be three cells (empty, 3, empty).
_FOOTER_INLINE = re.compile(r"第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?")
_INVENTED_HEADER = re.compile(r"^(?:数据|列|字段|Column|column|Col|col)\d{1,2}$")
_CELL_COMMA = re.compile(r",(?!\d{3}(?:\D|$))")  # a comma that is no thousands separator
_DIGIT_COMMA = re.compile(r"(?<=\d)，(?=\d)")  # a full-width comma between numbers: never a thousands separator


def build_stream(doc: Document, skip_rows: frozenset[int] = frozenset(), rows: range | None = None) -> Stream:
    """The words of the document's rows (of `rows` only, if given: the tables' part of a long report)."""
    words: list[Word] = []
    cells: list[str] = []
    reads: dict[int, str] = {}
    scanned_rows: set[int] = set()
    row_starts: list[int] = []
    offset = 0
    for i, row in enumerate(doc.rows):
        row_starts.append(offset)
        if i in skip_rows or (rows is not None and i not in rows) or _FOOTER_ROW.match(" ".join(row).strip()):
            continue
        gap = doc.gaps[i] if i < len(doc.gaps) else 0
        first = True
        tokens = doc.tokens[i] if doc.tokens and i < len(doc.tokens) else ()
        scanned = any(tokens)  # a row OCR read (a scan's page, a table pasted as a picture)
        if scanned:
            scanned_rows.add(i)
        for j, cell in enumerate(row):
            cells.append(cell)
            # OCR boxes every table number on its own: digits inside a piece of text are an item number whose
            # "." was lost or a garbled word ("不3要本提供"), never a cell.
            text_cell = scanned and parse_value(cell).value is None
            if j < len(tokens) and any(t.uncertain for t in tokens[j]):
                reads[len(cells) - 1] = "".join(t.read for t in tokens[j] if t.uncertain)
            # U+3000 is white space to split().
            text = _DIGIT_COMMA.sub(" ", cell) if "，" in cell else cell
            text = _FOOTER_INLINE.sub(" ", text) if "页" in text else text
            text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\ufeff", "")
            parts = (_CELL_COMMA.sub(" ", text) if "," in text else text).split()
            if parts and all(_INVENTED_HEADER.match(q) for q in parts):
                continue  # a column name a converter made up: no cell of the table
            if not parts and len(row) > 1:
                parts = [EMPTY]
            for k, part in enumerate(parts):
                words.append(Word(part, SPACE if k else (CELL if j else LINE), gap if first else 0, len(cells) - 1, i,
                                  not text_cell and bool(_DIGIT.search(part))))
                offset += len(part)
                first = False
    return Stream(words, cells, row_starts, bool(doc.gaps), reads, scanned_rows)


# ---- pieces: the numbers of a stretch of the stream ----------------------------------------------------

_BLANK_WORDS = {EMPTY, "-", "--", "—", "——", "–", "/", "无", "空", "－"}
_DIGIT = re.compile(r"\d")
_DECREASE = re.compile(r"(减少|^减)$")  # 减少 5 printed for -5 in a 本年增/减 cell
_TOKEN = re.compile(r"(?P<num>[-+]?\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>万元|元|件|项|个|条)?|(?P<text>[^\d+\-]+|.)", re.S)
# Words that make a number glued before them prose ("2024年", "收到3人次"), not a cell.
_PROSE_AFTER = set("年月日时人次家份余多起宗名天号批类部篇期页倍%")


@dataclass(slots=True)
class Piece:
    text: str  # the number as printed, without thousands separators ("21710000218", "+82"); "" for empty
    sep: int  # the strongest separator since the previous piece
    gap: int  # blank lines in that separator
    unit: str = ""
    before: str = ""  # text between the previous piece and this one (header words, a note)
    raw: str = ""  # the printed cell, when this is its only number
    unreadable: bool = False  # a cell of words between two numbers of a row: a cell, but no number
    row: int = -1
    read: str = ""  # an unreadable cell of a scan: what OCR read there without confidence
    scanned: bool = False  # read by OCR: the gaps between its boxes say nothing of empty cells between them

    @property
    def blank(self) -> bool:
        return self.text == ""

    @property
    def printed(self) -> bool:
        """A number is printed here, read or not (a cell a scan left unread, "?")."""
        return self.text != "" or (self.unreadable and unread_text(self.raw))


@dataclass(slots=True)
class Stretch:
    pieces: list[Piece] = field(default_factory=list)
    end_sep: int = LINE  # the separator after the last piece
    end_gap: int = 0
    raw: str = ""  # the numbers as printed, for a finding


def pieces_between(stream: Stream, start: int, end: int) -> Stretch:
    """The numbers in compact[start:end], with the separators and the text seen before each."""
    out = Stretch()
    if start >= end or not stream.words:
        return out
    sep, gap, text = NONE, 0, ""
    first = stream.word_at(start)
    per_cell: Counter[int] = Counter()
    cell_of: list[int] = []
    after_last: tuple[int, int] | None = None  # the separator right after the last piece
    for i in range(first, len(stream.words)):
        word, w_start = stream.words[i], stream.starts[i]
        if out.pieces and after_last is None and w_start > start:
            after_last = (word.sep, word.gap)
        if w_start >= end:
            out.end_sep, out.end_gap = after_last or (max(sep, word.sep), word.gap if word.sep >= sep else gap)
            break
        if w_start >= start and word.sep >= sep:  # a word cut at `start` is glued to the label before it
            sep, gap = word.sep, word.gap
        part = word.text[max(0, start - w_start) : end - w_start]
        cut_at_end = end - w_start < len(word.text)  # the stretch ends inside this word: glued to what follows
        if part == word.text and part in _BLANK_WORDS:
            out.pieces.append(Piece("", sep, gap, before=text, row=word.row))
            cell_of.append(word.cell)
            sep, gap, text, after_last = NONE, 0, "", None
            continue
        if not word.digits and (part != word.text or word.sep != CELL or _DIGIT.search(stream.cells[word.cell])):
            text += part  # words only: text before the next number
            sep, gap = NONE, 0
            continue
        if part == word.text and word.sep == CELL and not _DIGIT.search(stream.cells[word.cell]):
            # A cell of words among the numbers of a row ("不详"): kept in its place if a number follows it.
            out.pieces.append(Piece("", sep, gap, before=text, raw=stream.cells[word.cell].strip(), unreadable=True,
                                    row=word.row, read=stream.reads.get(word.cell, "")))
            cell_of.append(word.cell)
            sep, gap, text, after_last = NONE, 0, "", None
            continue
        if part.isascii() and part.isdigit() and not _DECREASE.search(text):  # the common case: one number
            out.pieces.append(Piece(part, sep, gap, "", text, row=word.row))
            cell_of.append(word.cell)
            per_cell[word.cell] += 1
            sep, gap, text, after_last = NONE, 0, "", None
            if cut_at_end:
                out.end_sep, out.end_gap = NONE, 0
                break
            continue
        for m in _TOKEN.finditer(part):
            if m.group("num") is None:
                text += m.group("text")
                sep, gap = NONE, 0  # what follows is glued to this text
                continue
            after, beyond = part[m.end() : m.end() + 1], part[m.end() + 1 : m.end() + 2]
            # Digits glued to prose ("2024年", "3人次") or an item number ("3.", "2、") are no cell.
            if (not m.group("unit") and after in _PROSE_AFTER and after) or (after and after in ".、" and not beyond.isdigit()):
                text += m.group(0)
                sep, gap = NONE, 0
                continue
            number = m.group("num").replace(",", "")
            if _DECREASE.search(text) and number[0] not in "+-":
                number = "-" + number
            out.pieces.append(Piece(number, sep, gap, m.group("unit") or "", text, row=word.row))
            cell_of.append(word.cell)
            per_cell[word.cell] += 1
            sep, gap, text, after_last = NONE, 0, "", None
        if out.pieces and after_last is None and text:
            after_last = (NONE, 0)  # words glued after the last number
        if cut_at_end:
            out.end_sep, out.end_gap = after_last or (NONE, 0)
            break
    else:
        out.end_sep, out.end_gap = after_last or (LINE, 0)
    # A cell of words after a number of its row ("不详") holds its column; so does a cell OCR could not read
    # ("?"), wherever it stands, even in a row of which OCR read no number with confidence. Other word cells
    # are labels, headers or notes. (A cell more than a row has at its end is trimmed when the row is read.)
    keep = [not p.unreadable or unread_text(p.raw) or any(q.row == p.row and not q.blank for q in out.pieces[:k])
            for k, p in enumerate(out.pieces)]
    out.pieces = [p for p, ok in zip(out.pieces, keep) if ok]
    cell_of = [c for c, ok in zip(cell_of, keep) if ok]
    for piece, cell in zip(out.pieces, cell_of):
        piece.scanned = piece.row in stream.scanned_rows
        if not piece.unreadable:
            piece.raw = stream.cells[cell].strip() if per_cell[cell] == 1 and not piece.blank else piece.text
    out.raw = " ".join(p.text or "空" for p in out.pieces)
    return out


# ---- labels: where each template row starts ---------------------------------------------------------------

_CHINESE_NUMBERING = re.compile(r"(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)+")


@dataclass(slots=True)
class Label:
    row: schema.Row
    index: int  # the row's place in the template
    start: int  # where the label (with its item number) starts in compact
    end: int  # where the label's pattern match ends
    line: int = -1  # the Document row its end is printed on


@functools.cache
def _label_pattern(row: schema.Row) -> tuple[re.Pattern, str]:
    """A row label's pattern for running text, and its official item number ("2.", "(一)")."""
    norm = schema.normalize(row.label)
    return re.compile(row.inline_pattern()), norm[: len(norm) - len(schema.strip_numbering(norm))]


def find_labels(stream: Stream, rows: tuple[schema.Row, ...], start: int, end: int) -> list[Label]:
    """Every printed label of the template's rows in compact[start:end], in reading order."""
    text = stream.compact
    found: list[Label] = []
    for index, row in enumerate(rows):
        pattern, prefix = _label_pattern(row)
        for m in pattern.finditer(text, start, end):
            begin = m.start()
            if prefix and text[max(start, begin - len(prefix)) : begin] == prefix:
                begin -= len(prefix)
            numbering = [g for g in _CHINESE_NUMBERING.finditer(text, max(start, begin - 12), begin) if g.end() == begin]
            if numbering:
                begin = numbering[0].start()
            found.append(Label(row, index, begin, m.end(), stream.words[stream.word_at(m.end() - 1)].row))
    found.sort(key=lambda lab: (lab.start, -lab.end))
    kept: list[Label] = []
    for lab in found:  # one label inside another is part of it ("其他" in "其他处理")
        if kept and lab.start < kept[-1].end:
            continue
        kept.append(lab)
    return kept


# ---- readings of one row ---------------------------------------------------------------------------------

ANY = range(0, 99)
NO = range(0, 1)
UNKNOWN_GAP = -1  # a table's last row runs into the next heading: its blank lines say nothing of its cells


@dataclass
class GapModel:
    """A table printed one cell per line: its usual blank lines between two cells and before a row's label,
    and how many more one empty cell adds (`steps`: one more blank line, or a line of its own and the usual
    run; where the document does not tell which, both). Without blank lines recorded, line ends are plain
    boundaries."""

    base_cell: int | None = None
    base_row: int | None = None
    steps: tuple[int, ...] = (1,)
    lines_hide_cells: bool = False  # one cell per line with no blank lines recorded: any line end may hide some

    @property
    def one_per_line(self) -> bool:
        return self.base_cell is not None or self.lines_hide_cells

    def slot(self, sep: int, gap: int, last: bool = False, row_start: bool = False):
        """How many empty cells may hide at a separator (`last`: after a row's last piece; `row_start`: before
        the first piece of a row printed after its headers, not after its label)."""
        if sep == LINE and self.lines_hide_cells:
            return ANY
        if sep == LINE and self.base_cell is not None:
            if gap == UNKNOWN_GAP or ((last or row_start) and self.base_row is None):
                return ANY
            extra = gap - ((self.base_row if last or row_start else self.base_cell) or 0)
            if extra <= 0:
                return NO
            return sorted({extra // s for s in self.steps if extra % s == 0}) or range(1, 99)
        if sep == SPACE:
            return ANY
        if last and sep in (CELL, LINE):
            return ANY  # a row of cells may lose its trailing ones
        return NO


# Words that name one column of a proactive row: a number printed right after one of them, away from the
# rest of its row (a converter fragment such as `废止 3`), belongs to that column.
COLUMN_WORDS = {
    "issued": ("制发",), "repealed": ("废止",), "in_force": ("现行有效",), "decisions": ("处理决定",),
    "new_made": ("新制作",), "new_published": ("新公开",), "total_published": ("公开总数", "对外公开总"),
    "previous_items": ("上一年",), "change": ("增/减", "增减"), "procurement_items": ("采购项目",),
    "procurement_amount": ("采购总金额",),
}

Fits = Callable[[decode.Reading], bool] | None


@dataclass(slots=True)
class RowRead:
    """What a stretch of the stream says about one template row."""

    row: schema.Row
    options: list[decode.Reading] | None  # the readings left; None: too many to enumerate
    pieces: list[Piece]
    raw: str
    tried: list[decode.Reading] = field(default_factory=list)  # every reading the print allows, fitting or not

    @property
    def decided(self) -> decode.Reading | None:
        return self.options[0] if self.options and len(self.options) == 1 else None


def read_row(stretch: Stretch, row: schema.Row, gaps: GapModel, fits: Fits, unlabelled: bool = False,
             prefer: Fits = None) -> RowRead:
    """The readings of one row's stretch that its separators allow and its own arithmetic (`fits`) keeps;
    `prefer` only chooses among several readings, it never rules one out."""
    fixed: dict[int, Piece] = {}
    pieces: list[Piece] = []
    for k, piece in enumerate(stretch.pieces):
        named = {i for i, col in enumerate(row.cols) for w in COLUMN_WORDS.get(col.id, ()) if w in piece.before} \
            if piece.before else set()
        if k and len(named) == 1 and not named & fixed.keys() and len(row.cols) > 1:
            fixed[named.pop()] = piece
        else:
            pieces.append(piece)
    cells = len(row.cols) - len(fixed)
    while len(pieces) > cells and pieces[-1].blank:
        pieces.pop()
    while len(pieces) > cells and pieces[0].blank:
        pieces.pop(0)
    texts = [p.text for p in pieces]
    slots = [gaps.slot(p.sep, p.gap, row_start=unlabelled and k == 0) for k, p in enumerate(pieces)]
    slots.append(gaps.slot(stretch.end_sep, stretch.end_gap, last=True))
    if pieces and pieces[0].sep == LINE and any(p.sep == SPACE for p in pieces[1:]):
        slots[0] = ANY  # numbers set apart by spaces: empty cells may have been dropped before the first too
    scanned = bool(pieces) and all(p.scanned for p in pieces)
    if scanned and len(texts) < cells:
        slots = [ANY] * len(slots)  # OCR found fewer numbers than cells: the empty ones may be anywhere

    def complete(reading: decode.Reading) -> decode.Reading:
        if not fixed:
            return reading
        rest = iter(reading)
        return tuple(fixed[i].text if i in fixed else next(rest) for i in range(len(row.cols)))

    # Numbers printed with nothing between them (a whole row, or a number glued to the one before it): a
    # converter dropped separators, so keeping a run whole is no likelier than splitting it. A row printed
    # with nothing between any of its cells is taken to print every cell; in a row set apart by spaces, empty
    # cells may have been dropped anywhere, inside a run too.
    glued = bool(pieces) and all(p.sep == NONE for p in pieces)
    dropped_separators = glued or any(p.sep == NONE for p in pieces[1:])
    spaced = not glued and any(p.sep == SPACE for p in pieces)
    if glued:
        slots = [NO] * len(slots)
    if len(texts) == cells and all(t == "" or decode.is_number(t) for t in texts):
        whole = [complete(tuple(texts))]  # exactly the row's cells, as printed: nothing to enumerate
    else:
        whole = decode.readings_with_blanks(texts, cells, slots, split=False)
        whole = [complete(r) for r in whole] if whole is not None else None
    options = tried = whole
    # Splitting digits only adds cells: worth trying only where the print has fewer numbers than cells; in a
    # row OCR read, not beside a cell it left unread (its digits unknown, no split can be checked).
    checkable = not (scanned and any(p.unreadable for p in pieces))
    if whole is not None and len(texts) < cells and checkable and (dropped_separators or not whole
                                                                   or (fits and not any(map(fits, whole)))):
        split = decode.readings_with_blanks(texts, cells, slots, split=True, inner=spaced)
        if split is None:
            options = None
        else:
            split = tried = [complete(r) for r in split]
            fitting = [r for r in split if fits(r)] if fits else split
            # A split is a reading, not the print: where the row has arithmetic, it must satisfy it. A whole
            # reading that does not is kept as printed (the report's own arithmetic fails).
            printed = set(whole)
            options = fitting or [r for r in split if r in printed]
            if dropped_separators and not fits and whole:
                options = split
    if fits and options is not None and not any(map(fits, options)) and 1 < len(texts) < cells \
            and "" not in texts and all(p.sep == SPACE for p in pieces[1:]):
        # Too few numbers, none read to fit: a stray space inside a number, read without it where that fits.
        # (A row printed with all its cells is certain, its sums as they are.)
        joined = [complete(r) for r in decode.readings_with_blanks(["".join(texts)], cells, [NO, NO], True) or []]
        options = [r for r in joined if fits(r)] or options
    if options and fits and len(options) > 1:
        options = [r for r in options if fits(r)] or options
    if options and prefer and len(options) > 1:
        options = [r for r in options if prefer(r)] or options
    if options:
        options = list(dict.fromkeys(options))
    ordered = [fixed[i] if i in fixed else None for i in range(len(row.cols))]
    rest = iter(pieces)
    return RowRead(row, options, [p or next(rest, Piece("", NONE, 0)) for p in ordered], stretch.raw, tried or [])


def row_values(read: RowRead, reading: decode.Reading) -> list[Value]:
    """A decided reading as printed values: the printed cell's text where a piece is one cell."""
    whole = len(read.pieces) == len(reading) and all(p.text == x for p, x in zip(read.pieces, reading))
    out = []
    for i, text in enumerate(reading):
        piece = read.pieces[i] if whole else None
        unit = read.pieces[-1].unit if read.pieces and i == len(reading) - 1 and text else (piece.unit if piece else "")
        if piece and piece.unreadable:
            out.append(Value(piece.raw, None, readable=False, read=piece.read))
        elif not text:
            out.append(Value(piece.raw if piece else "", None))
        else:
            out.append(Value(piece.raw if piece else text, text.lstrip("+"), unit if unit in ("元", "万元") else ""))
    return out


def split_rows(stretch: Stretch, rows: list[schema.Row]) -> list[Stretch] | None:
    """A stretch that holds several template rows (their labels missing), cut into one stretch per row:
    at the cell counts when the numbers are exactly the rows' cells and each cut falls on a boundary (a line
    end, or words between), else at the boundaries when there are exactly as many as rows."""
    pieces = stretch.pieces
    sizes = [len(r.cols) for r in rows]

    def boundary(p: Piece) -> bool:  # a line end, or words between two numbers (a label we cannot anchor on)
        return p.sep >= LINE or bool(p.before)

    if len(pieces) == sum(sizes):
        cuts, at = [], 0
        for size in sizes[:-1]:
            at += size
            cuts.append(at)
        if all(boundary(pieces[c]) for c in cuts):
            return _cut(stretch, cuts)
    cuts = [i for i, p in enumerate(pieces) if i and boundary(p)]
    if len(cuts) == len(rows) - 1:
        return _cut(stretch, cuts)
    return None


def _cut(stretch: Stretch, cuts: list[int]) -> list[Stretch]:
    bounds = [0, *cuts, len(stretch.pieces)]
    parts = []
    for k in range(len(bounds) - 1):
        chunk = stretch.pieces[bounds[k] : bounds[k + 1]]
        last = k == len(bounds) - 2
        nxt = stretch.pieces[bounds[k + 1]] if not last else None
        parts.append(Stretch(chunk, nxt.sep if nxt else stretch.end_sep, nxt.gap if nxt else stretch.end_gap,
                             " ".join(p.text or "空" for p in chunk)))
    return parts


# ---- the three tables -------------------------------------------------------------------------------------

_INLINE_TABLE_HEADINGS = {
    "proactive": r"二、主动公开政府信息情况",
    "requests": r"三、收到和处理政府信息公开申请情况",
    "appeals": r"四、政府信息公开行政(?:法)?复议.{0,2}行政诉讼情况",
}
_INLINE_END = re.compile(r"五、" + schema.AFTER_TABLES_HEADING)
# A prose line with more row labels than this is a whole page flattened into one line, not prose.
PROSE_MAX_LABELS = 4
_ALL_LABELS = [re.compile(r.inline_pattern()) for t in schema.TEMPLATE_BY_ID.values()
               for r in t.tables["proactive"].rows] + [re.compile(r.inline_pattern()) for r in schema.REQUEST_ROWS]


@dataclass
class TablesRead:
    cells: dict[tuple[str, str], list[Value]] = field(default_factory=dict)  # (table, row) → its values
    row_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    undecided: set[tuple[str, str]] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    problem: str = ""


def read_tables(doc: Document, norm: list[list[str]], template: schema.Template,
                table_spans: dict[str, slice] | None) -> TablesRead:
    """The three tables of a report, read by aligning its stream to the template."""
    spans = table_spans
    inside = range(min(s.start for s in spans.values()), max(s.stop for s in spans.values())) if spans else None
    prose = frozenset(i for i in inside or () if len(norm[i]) == 1 and _is_prose(norm[i][0]))
    stream = build_stream(doc, prose, inside)
    out = TablesRead()
    regions = _regions(stream, spans, len(doc.rows))
    if regions is None:
        out.problem = "未找到申请情况表（三、收到和处理政府信息公开申请情况）"
        return out
    rows = {"proactive": template.tables["proactive"].rows, "requests": schema.REQUEST_ROWS}
    labels = {t: find_labels(stream, rows[t], *regions[t]) for t in rows}
    reads: dict[str, dict[str, RowRead]] = {}
    gaps = {}
    for table_id in rows:
        table = template.tables[table_id]
        found, (start, end) = labels[table_id], regions[table_id]
        bounds = [lab.start for lab in found] + [end]
        reaches = [pieces_between(stream, lab.end, bounds[k + 1]) for k, lab in enumerate(found)]
        gaps[table_id] = gap_model(reaches[:-1], stream.has_gaps)  # the last one runs into the next heading
        items = _items(pieces_between(stream, start, bounds[0]), found, reaches, gaps[table_id].one_per_line,
                       {len(r.cols) for r in rows[table_id]})
        row_ids = _rows_used(table, {lab.row.id for lab in labels[table_id]})
        out.row_ids[table_id] = row_ids
        reads[table_id] = _read_items(out, table_id, items, row_ids, template, gaps[table_id])
    _decide_requests(reads["requests"], out.row_ids["requests"])
    for table_id, by_row in reads.items():
        for read in by_row.values():
            _keep(out, table_id, read)
        if labels[table_id]:
            _unread(out, table_id, [template.row(table_id, r) for r in out.row_ids[table_id]])
    appeals = pieces_between(stream, *regions["appeals"])
    if appeals.end_sep == LINE:
        appeals.end_gap = UNKNOWN_GAP
    # Its first number starts a row after the headers: only the gaps between its numbers say how it is laid out.
    appeals_gaps = gap_model([Stretch(appeals.pieces[1:], LINE, UNKNOWN_GAP)], stream.has_gaps,
                             gaps["requests"].base_row)
    _read_appeals(out, appeals, appeals_gaps, _appeals_text(doc, table_spans))
    if appeals.pieces:
        _unread(out, "appeals", schema.APPEALS.rows)
    return out


TABLE_NAMES = {"proactive": "主动公开政府信息情况表", "requests": "收到和处理政府信息公开申请情况表",
               "appeals": "行政复议、行政诉讼情况表"}


def _unread(out: TablesRead, table_id: str, rows: list[schema.Row]) -> None:
    """A table whose labels were found but most of whose cells could not be placed is said to be unread (a
    table the agency printed blank is read: its cells were placed, as blanks)."""
    total = sum(len(r.cols) for r in rows)
    placed = sum(len(r.cols) for r in rows if (table_id, r.id) in out.cells and (table_id, r.id) not in out.undecided)
    placed += sum(v.value is not None for r in rows if (table_id, r.id) in out.undecided
                  for v in out.cells.get((table_id, r.id), []))
    if placed * 2 < total:
        out.findings.append(Finding("table_unread", "warning", table_id, message=(
            f"{TABLE_NAMES[table_id]}未能读出：{total} 个单元格中只有 {placed} 个能确定对应的栏目，其余留空；"
            "请以原文为准")))


def _appeals_text(doc: Document, spans: dict[str, slice] | None) -> str:
    """What the report prints under the appeals heading, for a table it replaced by a sentence."""
    if spans is None:
        return ""
    rows = doc.rows[spans["appeals"]][1:]
    return " ".join(" ".join(c for c in row if c) for row in rows).strip()


def _is_prose(line: str) -> bool:
    return len(line) >= 20 and "。" in line and sum(bool(p.search(line)) for p in _ALL_LABELS) <= PROSE_MAX_LABELS


def _regions(stream: Stream, spans: dict[str, slice] | None, n_rows: int) -> dict[str, tuple[int, int]] | None:
    """Each table's stretch of the compact text: from the table headings on lines of their own, else (a page
    flattened into one line) from the headings found inline."""
    def offset(row: int) -> int:
        return stream.row_starts[row] if row < n_rows else len(stream.compact)

    if spans is not None:
        return {t: (offset(s.start), offset(s.stop)) for t, s in spans.items()}
    text = stream.compact
    found = {t: re.search(p, text) for t, p in _INLINE_TABLE_HEADINGS.items()}
    if found["requests"] is None:
        return None
    appeals_at = found["appeals"].end() if found["appeals"] else len(text)
    end = _INLINE_END.search(text, appeals_at)
    return {
        "proactive": (found["proactive"].end() if found["proactive"] else 0, found["requests"].start()),
        "requests": (found["requests"].end(), found["appeals"].start() if found["appeals"] else len(text)),
        "appeals": (appeals_at, end.start() if end else len(text)),
    }


def gap_model(stretches: list[Stretch], has_gaps: bool, base_row: int | None = None) -> GapModel:
    """A table's blank lines, from its rows' stretches. They are evidence only where cells come one per line:
    where most numbers start a line."""
    pieces = [p for s in stretches for p in s.pieces]
    inner = Counter(p.gap for p in pieces if p.sep == LINE)
    if sum(inner.values()) * 2 <= len(pieces):
        return GapModel()
    if not has_gaps:  # one cell per line, and nothing says where an empty cell was: it may have been anywhere
        return GapModel(lines_hide_cells=True)
    ends = Counter(s.end_gap for s in stretches if s.pieces and s.end_sep == LINE and s.end_gap != UNKNOWN_GAP)
    # The usual run is the shortest one seen more than once: most tables have two printed cells side by side
    # and a row ending in a printed cell, whatever share of their cells is empty.
    base_cell = _shortest(inner)
    base_row = _shortest(ends) if ends else base_row  # None: a table of one row, its row gaps unknown
    excess = {g - base_cell for g in inner if g > base_cell} | {g - base_row for g in ends if g > base_row}
    steps = tuple(s for s in sorted({1, base_cell + 1}) if all(e % s == 0 for e in excess)) or (1,)
    return GapModel(base_cell, base_row, steps)


def _shortest(counts: Counter) -> int:
    repeated = [g for g, n in counts.items() if n > 1]
    return min(repeated or counts)


@dataclass(slots=True)
class Item:
    """A stretch of numbers in reading order: printed with its label (`label`), or a row without one."""

    stretch: Stretch
    label: Label | None = None


def _items(head: Stretch, labels: list[Label], reaches: list[Stretch], one_per_line: bool,
           widths: set[int]) -> list[Item]:
    """The region cut into the numbers each label holds and the rows of numbers printed without a label.

    `reaches[k]` holds the numbers from label k to the next one. A label holds those of its own line (in a
    table of one cell per line, all of them); later lines of numbers are rows without a label, as are those
    before the first label (`head`)."""
    items: list[Item] = []

    def free_rows(rows: list[Stretch]) -> None:
        # A row of empty cells is a row when it has a template row's width; else header leftovers.
        items.extend(Item(r) for r in rows if any(p.printed for p in r.pieces) or len(r.pieces) in widths)

    free_rows(_by_row(head))
    for lab, reach in zip(labels, reaches):
        rows = ([reach] if reach.pieces else []) if one_per_line else _by_row(reach)
        if rows and (one_per_line or rows[0].pieces[0].row == lab.line):
            items.append(Item(rows.pop(0), lab))
        free_rows(rows)
    if items and items[-1].stretch.end_sep == LINE:
        items[-1].stretch.end_gap = UNKNOWN_GAP
    return items


def _by_row(stretch: Stretch) -> list[Stretch]:
    """A stretch cut at the Document rows its numbers come from."""
    rows: list[Stretch] = []
    for piece in stretch.pieces:
        if rows and rows[-1].pieces[-1].row == piece.row:
            rows[-1].pieces.append(piece)
            continue
        if rows:
            rows[-1].end_sep, rows[-1].end_gap = piece.sep, piece.gap
        rows.append(Stretch([piece]))
    if rows:
        rows[-1].end_sep, rows[-1].end_gap = stretch.end_sep, stretch.end_gap
    for row in rows:
        row.raw = " ".join(p.text or "空" for p in row.pieces)
    return rows


Group = tuple[list[schema.Row], Stretch]


def _read_items(out: TablesRead, table_id: str, items: list[Item], row_ids: tuple[str, ...],
                template: schema.Template, gaps: GapModel) -> dict[str, RowRead]:
    """Labelled stretches are read as their rows; rows printed without a label fill, in template order, the
    template rows between the labelled rows around them, when their number says which is which."""
    pinned = {}
    for item in items:
        if item.label and item.label.row.id in row_ids and item.label.row.id not in pinned:
            pinned[item.label.row.id] = item
    if table_id == "requests":
        _drop_subtotal_column([item.stretch for item in pinned.values()])
    groups: list[Group] = []
    free: list[Stretch] = []
    last = -1  # template index of the last labelled row, in reading order
    last_group: Group | None = None

    def settle(next_index: int) -> None:
        gap_rows = [template.row(table_id, r) for r in row_ids[last + 1 : next_index] if r not in pinned]
        if free:
            groups.extend(_fill(out, table_id, gap_rows, list(free), last_group))
        elif gap_rows and last_group and split_rows(last_group[1], last_group[0] + gap_rows):
            last_group[0].extend(gap_rows)  # a labelled row's stretch also holds the rows whose labels are missing
        free.clear()

    for item in items:
        if item.label is None:
            free.append(item.stretch)
            continue
        row_id = item.label.row.id
        if row_id not in row_ids:
            continue
        if pinned[row_id] is not item:
            out.findings.append(Finding("duplicate_row", "warning", table_id, row_id,
                                        message="此行印了两次；采用第一次的数字"))
            continue
        index = row_ids.index(row_id)
        settle(index if index > last else last + 1)
        last_group = ([item.label.row], item.stretch)
        groups.append(last_group)
        last = max(last, index)
    settle(len(row_ids))
    reads: dict[str, RowRead] = {}
    for rows, stretch in _misaligned(out, table_id, groups, row_ids):
        for row, part in zip(rows, [stretch] if len(rows) == 1 else split_rows(stretch, rows) or []):
            fits, prefer = _row_arithmetic(table_id, row)
            reads[row.id] = read_row(part, row, gaps, fits, prefer=prefer)
    return reads


def _misaligned(out: TablesRead, table_id: str, groups: list[Group], row_ids: tuple[str, ...]) -> list[Group]:
    """A labelled row holding a whole row of numbers more than its cells, with no row missing to take them:
    labels and numbers have slipped apart (a tall label cell printed after its row's numbers). The slip may run
    on: each next row may hold its predecessor's numbers, up to a row that holds fewer or more than its own,
    or a row printed with no number at all (it took the last slipped ones). Those rows are left blank and
    flagged rather than read one row off."""
    kept, slipping, previous = [], False, -2
    for rows, stretch in groups:
        cells = sum(len(r.cols) for r in rows)
        numbers = sum(p.printed for p in stretch.pieces)
        surplus = len(rows) == 1 and numbers - cells >= len(rows[0].cols) > 1
        index = row_ids.index(rows[0].id)
        slipping = slipping and index == previous + 1
        previous = row_ids.index(rows[-1].id)
        if slipping or surplus:
            for row in rows:
                out.undecided.add((table_id, row.id))
                out.cells[(table_id, row.id)] = [Value(stretch.raw, None)] * len(row.cols)
                out.findings.append(Finding("unplaced_row", "warning", table_id, row.id, actual=stretch.raw, message=(
                    f"行名与数字错位：此处印有“{stretch.raw}”，前后几行的数字与行名对不上，无法确定哪行数字属于哪一行；留空")))
            slipping = surplus or (slipping and numbers == cells)
            continue
        kept.append((rows, stretch))
    return kept


def _fill(out: TablesRead, table_id: str, gap_rows: list[schema.Row], free: list[Stretch],
          before: Group | None) -> list[Group]:
    """Rows of numbers without a label, for the template rows whose labels are missing between two labelled
    rows: one each when their count matches; cut by the cells' count when their numbers do; the rest of a
    labelled row (a row broken over lines) when no row is missing."""
    if before is not None:  # a labelled row broken over lines takes its rest first
        rows, stretch = before
        while free and (not gap_rows or len(stretch.pieces) + len(free[0].pieces) <= len(rows[0].cols)):
            stretch.pieces += free[0].pieces
            stretch.end_sep, stretch.end_gap = free[0].end_sep, free[0].end_gap
            free.pop(0)
        stretch.raw = " ".join(p.text or "空" for p in stretch.pieces)
        if not free:
            return []
    if not any(p.printed for s in free for p in s.pieces):
        return []  # rows of empty cells only, with no template row to hold them: header leftovers
    lone = [s for s in free if len(s.pieces) == 1]
    for candidates in (free, [s for s in free if s not in lone] if lone and len(free) > len(lone) else None):
        if candidates is None:
            continue
        if len(candidates) == len(gap_rows):
            return [([row], s) for row, s in zip(gap_rows, candidates)]
        pieces = [p for s in candidates for p in s.pieces]
        joined = Stretch(pieces, candidates[-1].end_sep, candidates[-1].end_gap, " ".join(p.text or "空" for p in pieces))
        if gap_rows and len(pieces) == sum(len(r.cols) for r in gap_rows) and split_rows(joined, gap_rows):
            return [(gap_rows, joined)]
    if not gap_rows:
        return []  # numbers outside every row with no row missing: column numbers, notes, not cells
    numbers = sum(p.printed for s in free for p in s.pieces)
    out.undecided.update((table_id, r.id) for r in gap_rows)  # their zeros would be invented: no sums over them
    out.findings.append(Finding(
        "unplaced_row", "warning", table_id, gap_rows[0].id,
        message=f"有 {len(free)} 行数字（共 {numbers} 个）没有行名，无法与格式中的行对应（此处缺 {len(gap_rows)} 行）；"
                "这些数字未采用，相应单元格留空"))
    return []


def _row_arithmetic(table_id: str, row: schema.Row) -> tuple[Fits, Fits]:
    """The row's own arithmetic, and a tie-break that is no rule of the template."""
    if table_id == "requests":
        return decode.sums_to_last(len(schema.REQUEST_COLS) - 1), None
    if [c.id for c in row.cols] == ["previous_items", "change", "decisions"]:
        # A tie no accident makes: 97·+82·179 read where 97 + 82 = 179.
        return None, lambda r: all(r) and decode.number(r[0]) + decode.number(r[1]) == decode.number(r[2])
    return None, None


def _drop_subtotal_column(stretches: list[Stretch]) -> None:
    """Some requests tables print a 法人或其他组织 subtotal beside its five kinds (8 numbers a row instead of 7).
    It is recognised by its arithmetic, before or after the five, and dropped: it is not a template cell."""
    width = len(schema.REQUEST_COLS)
    wide = [s for s in stretches if len(s.pieces) == width + 1 and all(not p.blank for p in s.pieces)]
    if not wide or len(wide) * 2 < len(stretches):
        return
    for at, parts in ((1, slice(2, 7)), (6, slice(1, 6))):
        holds = sum(decode.number(s.pieces[at].text) == sum(decode.number(p.text) for p in s.pieces[parts])
                    for s in wide)
        if holds * 2 > len(wide):  # a majority: one wrong subtotal must not shift every other row
            for s in wide:
                del s.pieces[at]
            return


def _decide_requests(reads: dict[str, RowRead], row_ids: tuple[str, ...]) -> None:
    """Rows left with several readings: the balance and outcome identities across rows choose."""
    several = {r: read.options for r, read in reads.items() if read.options and len(read.options) > 1}
    if not several:
        return
    known = {r: read.decided for r, read in reads.items() if read.decided}
    for row_id, reading in decode.choose_jointly(several, known, _request_identities(row_ids)).items():
        reads[row_id].options = [reading]


def _request_identities(row_ids: tuple[str, ...]):
    """SCHEMA.md §5 balance and outcomes_sum, column by column, over rows given as readings."""
    outcome_rows = [r for r in schema.OUTCOME_ROWS if r in row_ids]
    columns = range(len(schema.REQUEST_COLS))

    def cell(rows, row_id, i):
        reading = rows.get(row_id, ())
        return decode.number(reading[i] if i < len(reading) else "")

    def balance(rows):
        return all(cell(rows, "new_received", i) + cell(rows, "carried_over", i)
                   == cell(rows, "total_handled", i) + cell(rows, "carried_forward", i) for i in columns)

    def outcomes_sum(rows):
        return all(sum(cell(rows, r, i) for r in outcome_rows) == cell(rows, "total_handled", i) for i in columns)

    return [balance, outcomes_sum]


def _rows_used(table: schema.Table, labelled: set[str]) -> tuple[str, ...]:
    """The template's rows; a report printing （六）其他处理 as one row uses `other` for its three sub-rows."""
    ids = [r.id for r in table.rows]
    if table.id != "requests":
        return tuple(ids)
    subrows = set(schema.OTHER_SUBROWS)
    if "other" in labelled and not labelled & subrows:
        first = min(ids.index(r) for r in subrows if r in ids) if subrows & set(ids) else ids.index("other")
        ids = [r for r in ids if r not in subrows and r != "other"]
        ids.insert(first, "other")
    elif labelled & subrows and "other" in ids:
        at = ids.index("other")
        ids[at : at + 1] = list(schema.OTHER_SUBROWS)
    return tuple(ids)


def _keep(out: TablesRead, table_id: str, read: RowRead) -> None:
    out.cells[(table_id, read.row.id)] = _values(read)
    if read.decided is None:
        out.undecided.add((table_id, read.row.id))
        out.findings.append(ambiguous(table_id, read.row.id, read))


def _values(read: RowRead) -> list[Value]:
    """The decided reading's values; with several readings left, the cells on which they all agree, the others
    blank with the row's raw text."""
    if read.decided is not None:
        return row_values(read, read.decided)
    undecided = Value(read.raw, None)
    if not read.options:
        return [undecided] * len(read.row.cols)
    agreed = row_values(read, read.options[0])
    return [v if len({r[i] for r in read.options}) == 1 else undecided for i, v in enumerate(agreed)]


def ambiguous(table: str, row: str, read: RowRead) -> Finding:
    if read.options:
        how = f"可读作 {decode.describe(read.options)}"
    elif read.options is None:
        how = "可能的读法过多"
    elif read.tried:
        how = f"可读作 {decode.describe(read.tried)}，但没有一种符合本行的合计"
    else:
        how = "无法对应到本行的各栏"
    where = f"「{read.row.label}」" if read.row.label else TABLE_NAMES[table]  # the appeals table is one line
    return Finding("ambiguous_digits", "warning", table, row, actual=read.raw,
                   message=f"{where}的数字印为“{read.raw}”，{how}；仅凭本报告无法确定，故留空")


APPEALS_LINE = schema.Row("appeals", "", schema.APPEAL_COLS * len(schema.APPEALS.rows), "")


def _read_appeals(out: TablesRead, stretch: Stretch, gaps: GapModel, sentence: str) -> None:
    """The appeals table is one line of 15 numbers in print (three groups of five), wherever it was broken."""
    rows = schema.APPEALS.rows
    out.row_ids["appeals"] = tuple(r.id for r in rows)
    width = len(schema.APPEAL_COLS)
    if not stretch.pieces:
        out.findings.append(Finding("table_not_printed", "warning", "appeals", message=(
            "报告未印出行政复议、行政诉讼情况表" + (f"，只写明：“{sentence[:120]}”" if sentence else "")
            + "；相应单元格留空，不作 0 处理")))
        return
    read = read_row(stretch, APPEALS_LINE, gaps, decode.groups_sum(width), unlabelled=True)
    if read.decided is None:
        out.undecided.update(("appeals", r.id) for r in rows)
        out.findings.append(ambiguous("appeals", "", read))
    values = _values(read)
    for i, row in enumerate(rows):
        out.cells[("appeals", row.id)] = values[i * width : (i + 1) * width]
