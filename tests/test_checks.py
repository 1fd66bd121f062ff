from nianbao import schema
from nianbao.checks import run_checks


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
