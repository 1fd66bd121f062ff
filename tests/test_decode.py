"""Run-together digits: every reading is found, the template's arithmetic chooses, and nothing is guessed."""

from nianbao import schema
from nianbao.parse import align, decode
from nianbao.parse.checks import run_checks
from nianbao.parse.extract import extract_report
from nianbao.parse.readers import read_document


def readings(pieces, count):
    """Every reading of pieces printed glued or set apart by white space, no empty cell hidden."""
    return decode.readings_with_blanks(pieces, count, [range(1)] * (len(pieces) + 1), split=True)


def read(pieces, cells, fits, sep=align.SPACE):
    """One row read by the aligner from pieces set apart by `sep` (the first glued to its label)."""
    stretch = align.Stretch([align.Piece(p, sep if k else align.NONE, 0) for k, p in enumerate(pieces)], align.NONE)
    row = schema.Row("r", "", tuple(schema.Col(f"c{i}", "") for i in range(cells)), "")
    return align.read_row(stretch, row, align.GapModel(), fits).options


def test_readings_respect_boundaries_and_leading_zeros():
    assert readings(["000"], 3) == [("0", "0", "0")]
    assert readings(["35", "-15"], 2) == [("35", "-15")]
    # '00' can only be two zeros; white space is always a boundary.
    found = readings(["200", "000121"], 7)
    assert ("20", "0", "0", "0", "0", "1", "21") in found and ("2", "0", "0", "0", "0", "0", "121") in found
    assert all(len(r) == 7 and not any(len(x) > 1 and x[0] == "0" for x in r) for r in found)
    assert readings(["5", "00"], 2) == []
    assert readings(["1" * 40], 7) is None  # too many to search: reported, never guessed


def test_row_total_picks_the_one_reading():
    fits = decode.sums_to_last(6)
    assert read(["21710000218"], 7, fits) == [("217", "1", "0", "0", "0", "0", "218")]
    assert read(["200", "000121"], 7, fits) == [("20", "0", "0", "0", "0", "1", "21")]
    # A stray space inside a number: no reading fits with it as a boundary, so it is read without it.
    assert read(["2", "17", "10000218"], 7, fits) == [("217", "1", "0", "0", "0", "0", "218")]


def test_appeals_line_splits_where_every_group_adds_up():
    found = read(["10203120001200000"], 15, decode.groups_sum(5))
    assert found == [("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0")]


def test_rows_left_with_several_readings_are_decided_across_rows():
    options = {"granted": [("1", "0", "1"), ("0", "1", "1")]}
    known = {"total_handled": ("1", "0", "1")}
    same = lambda rows: rows["granted"] == rows["total_handled"]  # noqa: E731
    assert decode.choose_jointly(options, known, [same]) == {"granted": ("1", "0", "1")}
    assert decode.choose_jointly(options, {}, [lambda rows: True]) == {}  # still two: undecided


def flattened(tmp_path, requests_line, appeals="000000000000000", proactive="规章000行政规范性文件12"):
    text = (
        "某区2023年政府信息公开工作年度报告\n一、总体情况 本年度共收到申请若干件。"
        f"二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数{proactive}"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0 "
        "三、收到和处理政府信息公开申请情况 申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        f"{requests_line}"
        f"四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计{appeals}"
        "五、存在的主要问题及改进情况 无。"
    )
    path = tmp_path / "flat.txt"
    path.write_text(text, encoding="utf-8")
    return extract_report(read_document(path))


ZERO = "0000000"


def requests_line(**rows):
    labels = [
        ("new_received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"),
        ("granted", "三、本年度办理结果（一）予以公开"), ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ("denied_state_secret", "（三）不予公开1.属于国家秘密"), ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
        ("unavailable_not_held", "（四）无法提供1.本机关不掌握相关政府信息"),
        ("other_misc", "（六）其他处理3.其他"), ("total_handled", "（七）总计"), ("carried_forward", "四、结转下年度继续办理"),
    ]
    return "".join(label + rows.get(row, ZERO) for row, label in labels)


def test_flattened_page_is_decoded_with_glued_item_numbers(tmp_path):
    # '…3200000' is followed by the next item's number '2.': it belongs to the label, not the digits.
    r = flattened(tmp_path, requests_line(new_received="320000032", granted="320000032", total_handled="320000032"))
    assert not r.problem
    assert r.value("requests", "new_received", "natural_person") == "32"
    assert r.value("requests", "new_received", "total") == "32"
    assert r.value("requests", "granted", "total") == "32"
    assert r.value("requests", "denied_state_secret", "total") == "0"
    assert r.year == 2023
    assert r.value("proactive", "regulations", "in_force") == "0"
    # '12' cannot fill three cells: where its digits belong is unknown, so the row stays blank.
    assert r.value("proactive", "normative_documents", "issued") is None
    assert any(f.check == "ambiguous_digits" and f.row == "normative_documents" for f in r.findings)
    assert not any(f.check == "ambiguous_digits" and f.table == "requests" for f in r.findings)
    assert r.value("appeals", "suit_after_review", "total") == "0"


def test_flattened_row_with_two_readings_stays_blank_and_names_them(tmp_path):
    # '1101102' fits both 1/10/1/1/0/0/… and 11/0/1/1/0/… : the row's total alone cannot tell, and the column
    # sums cannot either when the same row is the only outcome and 总计 is itself ambiguous.
    line = requests_line(new_received="11000011", granted="11000011", total_handled="11000011")
    r = flattened(tmp_path, line)
    warnings = [f for f in r.findings if f.check == "ambiguous_digits" and f.table == "requests"]
    for f in warnings:
        assert r.value("requests", f.row, "total") is None
        assert r.cells[("requests", f.row, "total")].raw == "11000011"
        assert "/" in f.message
    # With several readings fitting every constraint, nothing is filled and the arithmetic checks stay quiet.
    assert {f.row for f in warnings} == {"new_received", "granted", "total_handled"}
    assert run_checks(r.value, r.row_ids["requests"], r.undecided) == []


def test_signed_change_cells_and_subtotal_column(tmp_path):
    path = tmp_path / "subtotal.txt"
    header = "二、主动公开政府信息情况\n规章\t1\t0\t3\n三、收到和处理政府信息公开申请情况\n"
    rows = ["一、本年新收政府信息公开申请数量\t5\t3\t1\t0\t2\t0\t0\t8",
            "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\t0",
            "（一）予以公开\t5\t3\t1\t0\t2\t0\t0\t8",
            "（七）总计\t5\t3\t1\t0\t2\t0\t0\t8",
            "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\t0"]
    path.write_text("某局2023年政府信息公开工作年度报告\n本年制发件数\t本年废止件数\t现行有效件数\n" + header + "\n".join(rows)
                    + "\n四、政府信息公开行政复议、行政诉讼情况\n" + "\t".join("0" * 15) + "\n", encoding="utf-8")
    r = extract_report(read_document(path))
    # 法人或其他组织 subtotal (3 = 1+0+2+0+0) printed after 自然人: dropped, the rest lines up.
    assert [r.value("requests", "new_received", c) for c in
            ("natural_person", "commercial", "research", "nonprofit", "legal_service", "other_org", "total")] == \
        ["5", "1", "0", "2", "0", "0", "8"]
    assert not [f for f in r.findings if f.check == "extra_cells"]
