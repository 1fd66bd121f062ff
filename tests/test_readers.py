"""The PDF and Word readers on the project's own fixtures (tests/fixtures, made from the official 2021 template
by make_office_fixtures.py), and on the real PDFs in ../shared when it is there."""

import json
from decimal import Decimal

import pytest
from conftest import FIXTURES, requires_shared
from nianbao import paths
from nianbao.parse.extract import arithmetic_findings, extract_report
from nianbao.parse.readers import ReadError, Unsupported, read_document

EXPECTED = json.loads((FIXTURES / "official_2021.json").read_text(encoding="utf-8"))


def wrong_cells(report):
    return [
        (table, row, col, want, report.value(table, row, col))
        for table, rows in EXPECTED["cells"].items()
        for row, cols in rows.items()
        for col, want in cols.items()
        if report.value(table, row, col) is None or Decimal(report.value(table, row, col)) != Decimal(str(want))
    ]


@pytest.mark.parametrize("name", ["official_2021.docx", "official_2021.pdf"])
def test_filled_official_template_reads_cell_for_cell(name):
    doc = read_document(FIXTURES / name)
    report = extract_report(doc)
    assert (report.template, report.year, report.title) == ("gov2021", 2024, EXPECTED["title"])
    assert wrong_cells(report) == []
    assert report.findings == []
    # Narrative paragraphs survive as text, with the table rows out of them.
    assert any("收到政府信息公开申请" in s.text for s in report.sections if s.number == 1)


def test_pdf_requests_table_breaks_across_pages_and_keeps_every_row():
    import pdfplumber

    with pdfplumber.open(FIXTURES / "official_2021.pdf") as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    first = next(i for i, t in enumerate(texts) if "本年新收" in t)
    last = next(i for i, t in enumerate(texts) if "结转下年度继续办理" in t)
    assert last > first  # the fixture really splits the table over two pages
    report = extract_report(read_document(FIXTURES / "official_2021.pdf"))
    assert len(report.row_ids["requests"]) == 25


def test_pdf_table_without_rules_is_read_from_word_positions():
    report = extract_report(read_document(FIXTURES / "borderless_2021.pdf"))
    wrong = wrong_cells(report)
    cells = sum(len(cols) for rows in EXPECTED["cells"].values() for cols in rows.values())
    assert len(wrong) <= 0.05 * cells, wrong
    # A row the fallback cannot line up is never silently wrong: the report's own arithmetic flags it.
    flagged = {f.row for f in arithmetic_findings(report) if f.check == "row_total"}
    assert {row for _, row, *_ in wrong} <= flagged


def test_scanned_page_without_text_is_unsupported_with_a_reason():
    """A picture of a page holding no text (a frame drawn on white): OCR finds nothing to read."""
    with pytest.raises(Unsupported, match="扫描图像中没有文字：1 页都没有可识别的内容"):
        read_document(FIXTURES / "scanned.pdf")


@pytest.mark.parametrize("name, data, message", [
    ("cut.pdf", None, "PDF"),
    ("random.pdf", b"%PDF-1.4\n\x00\x01\x02garbage", "PDF"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
])
def test_damaged_files_raise_a_clear_read_error(tmp_path, name, data, message):
    if data is None:  # a real PDF cut off in the middle
        whole = (FIXTURES / "official_2021.pdf").read_bytes()
        data = whole[: len(whole) // 3]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError, match=message):
        extract_report(read_document(path))


def test_docx_merged_cells_are_read_once():
    doc = read_document(FIXTURES / "official_2021.docx")
    new_received = next(row for row in doc.rows if row and row[0].startswith("一、本年新收"))
    assert new_received.count("一、本年新收政府信息公开申请数量") == 1
    assert len([c for c in new_received if c]) == 8  # the label (merged over 3 columns) and 7 numbers


@requires_shared
@pytest.mark.parametrize("name", ["govnb_001.pdf", "kiro_001.pdf", "kiro_002.pdf"])
def test_real_pdfs_read_their_tables(name):
    report = extract_report(read_document(paths.CORPUS_REPORTS / name))
    assert report.template == "gov2021" and not report.problem
    assert report.value("requests", "new_received", "total") is not None
