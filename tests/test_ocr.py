"""Scanned reports read by OCR (RapidOCR's bundled models, one thread): the project's own fixture scanned at
100 dpi (tests/fixtures/scans, made by make_scan_fixtures.py), a page of it as a PNG file, and a real report
from ../shared turned into a scan at test time. A scan must never give a wrong number: a cell is right, or
blank and flagged."""

import csv
import json
import shutil
import sqlite3
import struct
import subprocess
import sys
import zlib
from decimal import Decimal

import pytest
from conftest import FIXTURES, requires_shared
from nianbao import paths
from nianbao.parse.extract import extract_report
from nianbao.parse.readers import ReadError, ocr, read_document
from nianbao.parse.registry import Registry
from nianbao.run.dataset import parse_corpus

SCANS = FIXTURES / "scans"
SCAN = SCANS / "official_2021_100dpi.pdf"
PAGE = SCANS / "official_2021_requests_100dpi.png"
PASTED = SCANS / "pasted_table_2021.pdf"  # a text PDF whose requests table is a picture
EXPECTED = json.loads((FIXTURES / "official_2021.json").read_text(encoding="utf-8"))


def cells(expected: dict):
    return [(t, r, c, want) for t, rows in expected["cells"].items() for r, cols in rows.items()
            for c, want in cols.items()]


def wrong_and_blank(report, expected: dict) -> tuple[list, list]:
    wrong, blank = [], []
    for table, row, col, want in cells(expected):
        got = report.value(table, row, col)
        if got is None:
            blank.append((table, row, col)) if want is not None else None
        elif want is None or Decimal(got) != Decimal(str(want)):
            wrong.append((table, row, col, want, got))
    return wrong, blank


def test_scanned_pdf_reads_cell_for_cell():
    doc = read_document(SCAN)
    assert (doc.format, doc.read_by) == ("pdf", "ocr")
    report = extract_report(doc)
    assert (report.template, report.year, report.title) == ("gov2021", 2024, EXPECTED["title"])
    wrong, blank = wrong_and_blank(report, EXPECTED)
    assert wrong == []
    assert len(blank) <= 0.02 * len(cells(EXPECTED)), blank
    assert any("收到政府信息公开申请" in s.text for s in report.sections if s.number == 1)
    # Every cell keeps the OCR tokens it was read from, with their confidence and box.
    assert len(doc.tokens) == len(doc.rows) and all(len(t) == len(r) for t, r in zip(doc.tokens, doc.rows))
    row = next(i for i, r in enumerate(doc.rows) if r[0] == "一、本年新收政府信息公开申请数量")
    assert doc.rows[row][1:] == ["451", "394", "6", "3", "4", "104", "962"]
    first = doc.tokens[row][1][0]
    assert (first.text, first.page) == ("451", 2) and first.confidence > 0.9 and first.box[2] > first.box[0]


def test_a_table_pasted_as_a_picture_into_a_text_pdf_is_read_where_it_stands():
    doc = read_document(PASTED)
    assert (doc.format, doc.read_by) == ("pdf", "ocr")
    report = extract_report(doc)
    wrong, blank = wrong_and_blank(report, EXPECTED)
    assert wrong == []
    assert len(blank) <= 0.02 * len(cells(EXPECTED)), blank
    lines = ["".join(r) for r in doc.rows]
    heading = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理政府信息公开申请情况"))
    appeals = next(i for i, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    row = next(i for i, r in enumerate(doc.rows) if r[0] == "一、本年新收政府信息公开申请数量")
    assert heading < row < appeals  # spliced where the picture stands, between the text around it
    assert doc.rows[row][1:] == ["451", "394", "6", "3", "4", "104", "962"]
    assert doc.tokens[row][1][0].page == 2 and not any(doc.tokens[heading])  # the heading is the PDF's text
    # Chromium's text layer maps 人 and 民 to radicals (U+2F08, U+2EA0): read back as the characters they are.
    assert doc.rows[0][0].startswith("示例县人民政府2024年")


def test_ocr_results_are_cached_by_file_engine_and_resolution():
    read_document(SCAN)  # from the cache if an earlier test read it
    where = ocr.cache_path()
    import hashlib

    digest = hashlib.sha256(SCAN.read_bytes()).hexdigest()
    with sqlite3.connect(where) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM ocr") if k.startswith(digest)]
    assert len(keys) == 1 and ocr.engine_id() in keys[0] and "rapidocr 3.10.0" in keys[0]


NO_NETWORK = r"""
import json, socket, sys
from pathlib import Path

def refuse(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
        raise RuntimeError(f"network access during OCR: {event} {args!r}")

sys.addaudithook(refuse)
from nianbao.parse.readers import read_document

doc = read_document(Path(sys.argv[1]))
try:  # the hook is live: a connection attempt now fails
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    live = False
except RuntimeError:
    live = True
print(json.dumps({"read_by": doc.read_by, "format": doc.format, "rows": doc.rows, "hook_live": live}))
"""


def test_ocr_touches_no_network(tmp_path):
    """In a process that fails on any socket connect or name lookup, OCR (models loaded cold, no cache) runs."""
    env = {**__import__("os").environ, "NIANBAO_OCR_CACHE": "", "PYTHONPATH": str(paths.PACKAGE.parent)}
    run = subprocess.run([sys.executable, "-c", NO_NETWORK, str(PAGE)], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["hook_live"] and (out["read_by"], out["format"]) == ("ocr", "png")
    assert ["一、本年新收政府信息公开申请数量", "451", "394", "6", "3", "4", "104", "962"] in out["rows"]
    assert ["二、上年结转政府信息公开申请数量", "1", "0", "1", "1", "1", "4", "8"] in out["rows"]


def test_pages_past_the_budget_are_left_unread_with_a_warning(monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR_CACHE", "")
    monkeypatch.setattr(ocr, "MAX_PAGES", 1)
    doc = read_document(SCAN)
    assert doc.read_by == "ocr" and {t.page for row in doc.tokens for cell in row for t in cell} == {1}
    assert any("第 2、3 页未识别（只识别前 1 页）" in w for w in doc.warnings)


def test_an_image_too_large_for_a_page_is_refused_before_it_is_decoded(tmp_path):
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0))
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    with pytest.raises(ReadError, match="大于任何扫描页面可能的尺寸"):
        read_document(bomb)


def parsed(tmp_path, files: dict) -> dict[str, dict]:
    """reports.csv, by file name, of a reports folder holding `files` (name → bytes)."""
    src = tmp_path / "reports"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    parse_corpus(src, tmp_path / "csv", Registry.load(paths.SOURCES, paths.AGENCIES))
    with (tmp_path / "csv" / "reports.csv").open(encoding="utf-8", newline="") as fh:
        return {r["source_file"]: r for r in csv.DictReader(fh)}


def test_a_scanned_report_gets_its_row_marked_as_read_by_ocr(tmp_path):
    rows = parsed(tmp_path, {"示例局 2024 扫描件.pdf": SCAN.read_bytes(),
                             "blank scan.pdf": (FIXTURES / "scanned.pdf").read_bytes()})
    scan = rows["示例局 2024 扫描件.pdf"]
    assert (scan["read_by"], scan["year"], scan["template"]) == ("ocr", "2024", "gov2021")
    assert scan["status"] in ("ok", "warnings"), scan["status_reason"]
    blank = rows["blank scan.pdf"]
    assert (blank["status"], blank["read_by"]) == ("unsupported", "")
    assert "扫描图像中没有文字" in blank["status_reason"]


def test_a_text_copy_is_shown_before_a_scan_of_the_same_report(tmp_path):
    # An unread cell fails no check: by the checks alone, a scan with blanks would win over the text copy.
    rows = parsed(tmp_path, {"a scan.pdf": SCAN.read_bytes(), "z text.pdf": (FIXTURES / "official_2021.pdf").read_bytes()})
    text, scan = rows["z text.pdf"], rows["a scan.pdf"]
    assert (text["read_by"], scan["read_by"]) == ("text", "ocr")
    assert scan["superseded_by"] == text["report_id"] and not text["superseded_by"]


@requires_shared
def test_a_real_report_scanned_at_100_dpi_has_no_wrong_cell(tmp_path):
    from nianbao.measure.scans import image_only_pdf

    gold = json.loads((paths.GOLD / "kiro_002.json").read_text(encoding="utf-8"))
    scan = tmp_path / "kiro_002 scan.pdf"
    scan.write_bytes(image_only_pdf((paths.CORPUS_REPORTS / gold["file"]).read_bytes(), 100))
    report = extract_report(read_document(scan))
    assert (report.template, report.year) == (gold["template"], gold["year"])
    wrong, blank = wrong_and_blank(report, gold)
    assert wrong == []
    assert len(blank) <= 0.05 * len(cells(gold)), blank


def test_a_long_scan_reads_its_table_pages_first():
    from PIL import Image

    table = Image.open(PAGE).convert("L")
    blank = Image.new("L", table.size, 255)
    pages = [blank] * 6 + [table] + [blank] * 3
    order = ocr._tables_first(pages)
    assert order[0] == 6 and sorted(order) == list(range(10))
    # Finding them takes detection alone; the pages are then read in full (the engine keeps its last switches).
    read, _ = ocr._ocr_pages([lambda page=page: page for page in pages])
    assert any("本年新收" in piece[0] for piece in read[6])


# Layouts no corpus file has, printed by Chromium and scanned: the official figures, or (sparse) the same with
# every zero printed as an empty cell, as many reports print them. Each family breaks OCR its own way:
# - ruled, narrow columns at 100 dpi JPEG'd: a digit read with the rule beside it ("0|"), or two cells'
#   numbers boxed as one across the rule between them ("5106" for 5 | 106);
# - merged group cells (the official template), narrow columns under upright headings: detection misses
#   lone zeros, which only recognition of the cell alone reads;
# - a sparse ruled table: a column that holds no number on a page, placed by the rules;
# - rules under rows only, blurred: a row's numbers at two heights beside a wrapping label;
# - no rules at all: the label of the row under one printed empty is no continuation of its label.
# - a page tilted by 1.8°: rows drift a row's height across it until it is turned straight.
# - zeros printed as a dash ("—", a blank in SCHEMA): a cell of its own, never a label's piece.
LAYOUTS = [("ruled", "", 100, "jpeg"), ("merged_groups", "0", 100, "jpeg"), ("wrapped_labels", "", 150, ""),
           ("rows_ruled", "0", 100, "blur"), ("borderless", "", 150, ""), ("ruled", "0", 150, "tilt"),
           ("borderless", "—", 100, "jpeg")]


@pytest.mark.skipif(not shutil.which("chromium"), reason="printing the layout needs Debian's chromium")
@pytest.mark.parametrize("family,zero,dpi,how", LAYOUTS)
def test_scans_of_layouts_never_seen_have_no_wrong_cell(tmp_path, family, zero, dpi, how):
    from nianbao.measure.flatten import Labelled
    from nianbao.measure.scans import image_only_pdf, print_pdfs, printed_html

    # What each cell prints (a zero as `zero`), and what it must read as: a dash and an empty cell are blank.
    shown = {(t, r, c): None if want is None else zero if want == 0 else str(want) for t, r, c, want in cells(EXPECTED)}
    printed = {k: None if v in (None, "", "—") else v for k, v in shown.items()}
    lab = Labelled("layout", EXPECTED["template"], EXPECTED["year"], "示例县人民政府", shown)
    (pdf,) = print_pdfs([printed_html(lab, family, 0)], shutil.which("chromium"))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_only_pdf(pdf, dpi, how))
    report = extract_report(read_document(scan))
    wrong, right = [], 0
    for (table, row, col), want in printed.items():
        got = report.value(table, row, col)
        if got is not None and (want is None or Decimal(got) != Decimal(want)):
            wrong.append((table, row, col, want, got))
        right += (got is None) == (want is None) and (got is None or Decimal(got) == Decimal(want))
    assert wrong == []
    # Empty cells are told from missed ones by the ink in the picture: they are read as empty, not flagged.
    assert right >= 0.97 * len(printed)


def test_a_digit_read_as_its_look_alike_or_with_a_rule_beside_it_is_a_reading_to_confirm():
    # JPEG'd narrow columns: a zero read "o", "。" or with the table's rule glued on ("o|", "0]").
    assert [ocr._glyph_reading(t) for t in ("o|", "0]", "。", "6|", "II")] == ["0", "0", "0", "6", "11"]
    # Text, and a number read as printed, are none.
    assert [ocr._glyph_reading(t) for t in ("其他", "1.属于", "123", "|", "一、")] == [None] * 5


def test_ink_no_box_covers_is_a_glyph_only_where_it_stands_in_its_line():
    # A white page with a table's rule down through a line, a border ending inside the line, and a digit's
    # stroke in it: only the stroke is ink a number may be read from.
    from PIL import Image
    import numpy as np

    page = np.full((200, 300), 255, dtype=np.uint8)
    page[:, 100:102] = 0  # a rule down the whole table
    page[60:112, 200:202] = 0  # a border running on above the line and ending inside it
    page[104:118, 150:153] = 0  # a digit "1", inside the line only
    ink = ocr._Ink(lambda: Image.fromarray(page))
    assert ink.rules_down(100, 120) == [(100, 101)]
    assert ink.uncovered([], 0, 100, 20) == [(150, 152)]
    assert ink.uncovered([(145, 160)], 0, 100, 20) == []  # a box covers it: read there already


def test_a_digit_boxed_again_inside_its_number_is_no_cell_of_its_own():
    number = ocr.Token("106", 0.99, (1036, 1020, 1073, 1046), 1)
    again = ocr.Token("?", 0.61, (1062, 1021, 1070, 1045), 1, uncertain=True, read="6")
    beside = ocr.Token("958", 0.99, (1086, 1020, 1119, 1046), 1)
    assert ocr._without_nested([number, again, beside]) == [number, beside]


def test_a_number_boxed_over_three_cells_is_cut_into_readings_where_the_cells_meet():
    token = ocr.Token("0034", 0.99, (681, 10, 751, 30), 1)
    words = [{"text": "0034", "token": token}]
    pieces = ocr._split_at("0034", words, (681, 751), [695, 721])
    assert [(text, w[0]["token"].read, w[0]["token"].uncertain) for text, _, w in pieces] == [
        ("?", "0", True), ("?", "0", True), ("??", "34", True)]


def test_a_tilted_page_is_turned_straight_and_a_level_one_left_as_it_is():
    from PIL import Image

    from nianbao.measure.scans import page_images

    (page, *_) = page_images(SCAN.read_bytes(), 100)
    assert ocr._straightened(page) is page
    for degrees in (1.8, -2.5):
        turned = ocr._straightened(page.rotate(degrees, resample=Image.BICUBIC, fillcolor=255))
        assert turned is not page and ocr._straightened(turned) is turned  # within STRAIGHT of level
