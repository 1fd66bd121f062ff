"""Cells a scan left unread, recovered from the report's arithmetic (parse/recover.py): what it may fill, and
what it must leave blank."""

from nianbao import schema
from nianbao.parse.checks import identities
from nianbao.parse.recover import recover_unread
from nianbao.parse.values import Value

ROWS = tuple(r.id for r in schema.REQUEST_ROWS)
COLS = [c.id for c in schema.REQUEST_COLS]


def requests_table(rows: dict[str, list], others_zero: bool = True) -> dict:
    """Cells from rows of 7 printed values: an int is printed, "?x" is unread with OCR's reading x, "?" is
    unread with no reading, None is blank. The other rows print zeros, or (`others_zero` false) nothing."""
    cells = {}
    for row in ROWS if others_zero else rows:
        values = rows.get(row, [0] * len(COLS))
        for col, v in zip(COLS, values):
            if isinstance(v, str) and v.startswith("?"):
                cells[("requests", row, col)] = Value("?" * max(1, len(v) - 1), None, readable=False, read=v[1:])
            else:
                cells[("requests", row, col)] = Value("" if v is None else str(v), None if v is None else str(v))
    return cells


def recover(cells, undecided=frozenset()):
    before = {k for k, v in cells.items() if v.unread}
    recover_unread(cells, identities(ROWS), set(undecided))
    return {k[1:]: cells[k].value for k in before if not cells[k].unread}


def test_the_filled_cells_are_named_by_their_labels_in_one_finding_per_table():
    cells = requests_table({"denied_admin_query": [105, "?0", 0, 0, "?0", 0, 105]})
    (finding,) = recover_unread(cells, identities(ROWS), set())
    assert (finding.check, finding.table) == ("ocr_by_arithmetic", "requests")
    assert "8.属于行政查询事项·商业企业 = 0" in finding.message and "法律服务机构 = 0" in finding.message


def test_one_equation_confirms_what_ocr_read():
    cells = requests_table({"granted": [12, 3, "?0", 0, 0, 1, 16]})
    assert recover(cells) == {("granted", "research"): "0"}
    assert cells[("requests", "granted", "research")].value == "0"


def test_one_equation_does_not_overrule_what_ocr_read():
    # The row forces 4 where OCR read 0 without confidence: a report's own slip in another cell would do the
    # same, so one equation is not enough.
    cells = requests_table({"granted": [12, 3, "?0", 0, 0, 1, 20]})
    assert recover(cells) == {}
    assert cells[("requests", "granted", "research")].unread


def test_a_cell_with_no_reading_needs_two_equations_that_agree():
    alone = requests_table({"granted": [12, 3, "?", 0, 0, 1, 16]}, others_zero=False)
    assert recover(alone) == {}
    # Its column as well: new + carried = handled + forward, and the outcome rows sum to the total handled.
    both = requests_table({
        "new_received": [12, 3, 4, 0, 0, 1, 20], "carried_over": [0, 0, 0, 0, 0, 0, 0],
        "granted": [12, 3, "?", 0, 0, 1, 20], "total_handled": [12, 3, 4, 0, 0, 1, 20],
        "carried_forward": [0, 0, 0, 0, 0, 0, 0],
    })
    assert recover(both) == {("granted", "research"): "4"}


def test_equations_that_disagree_leave_the_cell_blank():
    cells = requests_table({
        "new_received": [12, 3, 4, 0, 0, 1, 20], "carried_over": [0, 0, 0, 0, 0, 0, 0],
        "granted": [12, 3, "?", 0, 0, 1, 21], "total_handled": [12, 3, 4, 0, 0, 1, 20],
        "carried_forward": [0, 0, 0, 0, 0, 0, 0],
    })
    assert recover(cells) == {}


def test_unknowns_that_must_all_be_zero_are_zero():
    cells = requests_table({"denied_admin_query": [105, "?0", 0, 0, "?0", 0, 105]})
    assert recover(cells) == {("denied_admin_query", "commercial"): "0", ("denied_admin_query", "legal_service"): "0"}


def test_two_unknowns_in_one_equation_stay_blank_even_when_the_readings_fit():
    # 0 + 4 = 4 as read, but so is 1 + 3: no equation decides, and OCR was unsure of both.
    cells = requests_table({"new_received": [3001, 53, 0, "?0", 61, "?4", 3119]}, others_zero=False)
    assert recover(cells) == {}


def test_a_negative_or_fractional_number_is_never_forced():
    cells = requests_table({"granted": [12, 3, "?", 0, 0, 1, 10]})
    assert recover(cells) == {}


def test_a_row_that_prints_no_number_counts_for_nothing():
    # Its label not found, its cells blank: not zeros for the column equations to use.
    cells = requests_table({"granted": [12, 3, "?", 0, 0, 1, 16], "total_handled": [None] * 7})
    assert recover(cells) == {}


def test_rows_left_undecided_take_no_part():
    cells = requests_table({"granted": [12, 3, "?0", 0, 0, 1, 16]})
    assert recover(cells, {("requests", "granted")}) == {}


def test_a_solved_cell_lets_the_next_equation_solve_another():
    # The row total is unread too: its column gives it (as OCR read it); then the row and the research
    # column both give the cell OCR read nothing in.
    cells = requests_table({
        "new_received": [12, 3, 2, 0, 0, 1, 18], "carried_over": [0, 0, 0, 0, 0, 0, 0],
        "granted": [12, 3, "?", 0, 0, 1, "?18"], "total_handled": [12, 3, 2, 0, 0, 1, 18],
        "carried_forward": [0, 0, 0, 0, 0, 0, 0],
    })
    assert recover(cells) == {("granted", "research"): "2", ("granted", "total"): "18"}


def test_a_zero_where_ocr_saw_no_number_takes_two_equations():
    # The reader leaves a cell unread only where the picture has ink: printed, not empty. With nothing
    # read, one equation is not enough (a lost number could break it); the row's and the column's are.
    cells = requests_table({"granted": [12, 3, "?", 0, 0, 1, 16]})
    assert recover(cells) == {("granted", "research"): "0"}
    alone = requests_table({"granted": [12, 3, "?", 0, 0, 1, 16]}, others_zero=False)
    assert recover(alone) == {}


def test_readings_no_equation_forces_alone_are_kept_when_every_equation_through_them_holds():
    # A table of zeros JPEG'd: every zero of a row read "o" or "0|", so no equation has a single unknown.
    # With every reading put in, the rows' and the columns' equations all hold: the readings stand.
    read_as_o = ["?0", "?0", 0, "?0", 0, "?0", 0]
    zeros = requests_table({"granted": read_as_o, "total_handled": read_as_o})
    columns = ("natural_person", "commercial", "nonprofit", "other_org")
    assert recover(zeros) == {(row, c): "0" for row in ("granted", "total_handled") for c in columns}
    # A digit misread the same way twice in a row ("6 … 6" read "0 … 0") holds the row's equation, but
    # not the column's: nothing is kept.
    misread = requests_table({
        "new_received": [6, 0, 0, 0, 0, 0, 6], "carried_over": [0, 0, 0, 0, 0, 0, 0],
        "granted": ["?0", 0, 0, 0, 0, 0, "?0"], "total_handled": [6, 0, 0, 0, 0, 0, 6],
    })
    assert recover(misread) == {}
