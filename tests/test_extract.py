"""Each layout the shipped reports use, read from the real sample files, checked cell by cell."""

from conftest import sample
from nianbao.parse.extract import extract_report
from nianbao.parse.readers import read_document
from nianbao.parse.readers.text import rows_from_lines


def extract(name):
    return extract_report(read_document(sample(name)))


def test_tab_rows_with_missing_cells_keep_blanks_blank():
    r = extract("seed_000_9677d3c1872ed6d0.txt")
    assert (r.template, r.year, r.published) == ("gov2021", 2025, "2026-01-19")
    # 一、 prints six numbers and no 总计: the total stays blank, not 0.
    assert r.value("requests", "new_received", "natural_person") == "5"
    assert r.value("requests", "new_received", "total") is None
    # 三级 rows print five numbers: left-aligned, the rest blank.
    assert r.value("requests", "denied_state_secret", "legal_service") == "0"
    assert r.value("requests", "denied_state_secret", "total") is None
    assert r.value("requests", "unavailable_not_held", "total") == "3"
    assert r.value("proactive", "fees", "amount_10k_yuan") == "606.91"
    assert r.value("proactive", "licensing", "decisions") == "71"


def test_one_cell_per_line_tables():
    r = extract("seed_002_5b55b1c1d9ddb321.txt")
    assert r.value("requests", "new_received", "natural_person") == "8"
    assert r.value("requests", "new_received", "total") == "8"
    assert [r.value("proactive", "normative_documents", c) for c in ("issued", "repealed", "in_force")] == ["6", "0", "11"]


def test_gov2019_table_with_words_in_cells_and_blank_appeals():
    r = extract("seed_003_b895455aa8998ba0.txt")
    assert r.template == "gov2019"
    licensing = r.cells[("proactive", "licensing", "change")]
    assert (licensing.value, licensing.raw) == ("36", "增加 36 件")
    assert r.row_ids["requests"].count("other") == 1 and "other_misc" not in r.row_ids["requests"]
    # The five 行政复议 cells are printed blank (leading tabs), the ten 行政诉讼 cells as 0.
    assert all(r.value("appeals", "review", c) is None for c in ("upheld", "total"))
    assert r.value("appeals", "suit_after_review", "total") == "0"


def test_pipe_tables_broken_by_a_converter():
    r = extract("kiro_003.md")
    # Rows printed without their labels are placed by template order between labelled rows.
    assert r.value("requests", "partially_granted", "natural_person") == "0"
    assert [r.value("requests", "denied_internal_affairs", c) for c in ("natural_person", "total")] == ["1", "1"]
    assert [r.value("requests", "other_no_correction", c) for c in ("natural_person", "commercial", "total")] == ["8", "2", "10"]
    assert r.value("requests", "other_misc", "total") == "4"
    assert r.value("requests", "carried_forward", "total") is None  # printed empty
    assert r.value("proactive", "licensing", "decisions") == "97"  # "行政许可 97" on one line
    assert r.value("proactive", "normative_documents", "issued") == "13"  # labelled 规范性文件 in a gov2021 table
    assert r.value("appeals", "review", "upheld") == "1"


def test_markdown_tables_split_per_row_group():
    r = extract("kiro_005.txt")
    assert r.value("requests", "new_received", "total") == "713"
    assert r.value("requests", "other_unpaid_fee", "natural_person") == "7"  # under a header with wrong labels
    assert [r.value("appeals", row, "total") for row in ("review", "suit_direct", "suit_after_review")] == ["61", "3", "10"]
    assert r.value("proactive", "fees", "amount_10k_yuan") == "4068.208"


def test_html_table_with_nbsp_blanks_and_units():
    r = extract("shjs_001.html")
    assert (r.template, r.year, r.published) == ("gov2019", 2019, "2020-01-31")
    assert r.value("requests", "new_received", "total") == "859"
    assert r.value("requests", "new_received", "research") is None  # &nbsp;
    amount = r.cells[("proactive", "procurement", "procurement_amount")]
    assert (amount.value, amount.unit) == ("251000", "元")


def test_label_typo_and_group_header_row():
    r = extract("seed_004_1a1a63d5f29059ac.txt")
    assert r.value("requests", "denied_prohibited_by_law", "total") == "0"  # printed 其他法律法规禁止公开
    assert "denied_prohibited_by_law" in r.row_ids["requests"]
    assert not r.findings


def test_run_together_cells_are_split_by_the_template_arithmetic():
    r = extract("pingtan_018.txt")
    assert r.template == "gov2021" and r.year == 2024 and not r.problem
    # 一、 is printed '21710000218': 217·1·0·0·0·0·218, the only reading whose six kinds sum to the total.
    assert [r.value("requests", "new_received", c) for c in ("natural_person", "commercial", "total")] == ["217", "1", "218"]
    # The appeals line '21317000001324019' (17 digits, 15 cells): the one split where every group adds up.
    assert [r.value("appeals", "review", c) for c in ("upheld", "corrected", "other", "pending", "total")] == ["2", "1", "3", "1", "7"]
    assert r.value("appeals", "suit_after_review", "total") == "19"
    # 行政规范性文件 '6233440' has several readings and no arithmetic to choose: blank, raw kept, warning.
    assert r.value("proactive", "normative_documents", "issued") is None
    assert r.cells[("proactive", "normative_documents", "issued")].raw == "6233440"
    warning = next(f for f in r.findings if f.check == "ambiguous_digits")
    assert warning.row == "normative_documents" and "62/33/440" in warning.message


def test_pre2019_report_is_recognised_by_its_labels():
    r = extract("pingtan_012.txt")
    assert (r.template, r.year) == ("pre2019", 2018)
    assert any(s.text for s in r.sections)


def test_other_processing_printed_as_one_row_in_a_2021_table(tmp_path):
    lines = [
        "2023年某局政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t0",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3",
        "三、本年度办理结果\t（一）予以公开\t1\t0\t0\t0\t0\t0\t1",
        "\t（六）其他处理\t2\t0\t0\t0\t0\t0\t2",
        "\t（七）总计\t3\t0\t0\t0\t0\t0\t3",
        "四、政府信息公开行政复议、行政诉讼情况",
        "\t".join(["0"] * 15),
        "五、存在的主要问题及改进情况",
    ]
    path = tmp_path / "one_row.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    r = extract_report(read_document(path))
    assert r.template == "gov2021"
    assert "other" in r.row_ids["requests"] and "other_misc" not in r.row_ids["requests"]
    assert r.value("requests", "other", "total") == "2"


def test_text_reader_drops_only_merged_label_blanks():
    rows = rows_from_lines(["一、标签\t\t5\t0", "\t\t\t1\t2", "\tA", "\t", "\t3", ""])
    assert rows[0] == ["一、标签", "5", "0"]
    assert rows[1] == ["", "", "", "1", "2"]  # leading blanks are real cells
    assert rows[2] == ["A", "", "3"]  # one cell per tab-indented line
