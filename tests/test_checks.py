from nianbao import schema
from nianbao.parse.checks import carry_chain, run_checks, text_vs_table


def lookup(cells):
    return lambda table, row, col: cells.get((table, row, col))


def consistent():
    cells = {}
    for col in schema.REQUEST_COLS:
        n = "3" if col.id in ("natural_person", "total") else "0"
        cells[("requests", "new_received", col.id)] = n
        cells[("requests", "granted", col.id)] = n
        cells[("requests", "total_handled", col.id)] = n
    return cells


ROWS = tuple(r.id for r in schema.REQUESTS_2021.rows)


def test_consistent_report_has_no_findings():
    assert run_checks(lookup(consistent()), ROWS) == []


def test_each_rule_names_the_failing_column_or_row():
    cells = consistent()
    cells[("requests", "total_handled", "total")] = "4"
    cells[("appeals", "review", "upheld")] = "1"
    found = {f.key: f for f in run_checks(lookup(cells), ROWS)}
    assert set(found) == {"requests.balance.total", "requests.outcomes_sum.total", "requests.row_total.total_handled",
                          "appeals.appeals_total.review"}
    assert (found["requests.balance.total"].expected, found["requests.balance.total"].actual) == ("3", "4")
    assert all(f.severity == "error" for f in found.values())


def test_blank_counts_as_zero_only_inside_checks():
    cells = consistent()
    cells[("requests", "new_received", "total")] = None
    found = {f.key: f for f in run_checks(lookup(cells), ROWS)}
    assert "requests.row_total.new_received" in found
    assert "空白" in found["requests.row_total.new_received"].message


def test_narrative_figures_against_the_tables():
    cells = consistent()
    cells[("requests", "carried_over", "total")] = "1"
    value = lookup(cells)
    # 收到 may count new requests alone or with last year's carried over ones; both agree here.
    assert text_vs_table("本年度共收到政府信息公开申请3件，办结3件。", value) == []
    assert text_vs_table("全区收到政府信息公开申请4件。", value) == []
    found = text_vs_table("区政府办代表区政府受理政府信息公开申请17件。同意公开答复1件。", value)
    assert [(f.check, f.row, f.expected, f.actual) for f in found] == [("text_vs_table", "new_received", "3", "17")]
    assert found[0].severity == "warning" and "受理政府信息公开申请17件" in found[0].message
    # 行政复议 restated against a blank appeals table: nothing to compare, no warning.
    assert text_vs_table("发生行政复议2件。", value) == []


def test_carry_chain_compares_with_last_years_carried_forward():
    this = lookup({("requests", "carried_over", "total"): "1", ("requests", "carried_over", "natural_person"): "1"})
    last = lookup({("requests", "carried_forward", "total"): "3", ("requests", "carried_forward", "natural_person"): "1"})
    found = carry_chain(this, last, 2022)
    assert [(f.check, f.col, f.expected, f.actual, f.severity) for f in found] == [("carry_chain", "total", "3", "1", "warning")]
    assert "2022" in found[0].message


def test_a_total_column_left_blank_is_said_so_and_is_no_error():
    # 攀枝花 2025's kind: the applicants printed, 总计 not filled in; the balance fails only through the blank.
    cells = consistent()
    for row in ("new_received", "granted", "total_handled"):
        cells[("requests", row, "total")] = None
    cells[("requests", "total_handled", "total")] = "3"
    found = {f.key: f for f in run_checks(lookup(cells), ROWS)}
    assert found["requests.balance.total"].severity == "warning"
    assert "有数字而“总计”空白" in found["requests.balance.total"].message
    assert found["requests.row_total.new_received"].severity == "warning"
