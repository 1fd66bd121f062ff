"""The checks of SCHEMA.md §5, as pure functions over a report's cells: the four arithmetic checks a correct
report satisfies (errors), and the narrative and cross-year checks (warnings).

A blank cell is counted as zero here, and only here. A row left blank because its digits have several
readings (`undecided`) is not checked at all: its zeros would be invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from .. import schema
from .values import within_bounds


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # "error" for the report's own arithmetic, "warning" for everything else
    table: str = ""
    row: str = ""
    col: str = ""
    expected: str = ""
    actual: str = ""
    message: str = ""

    @property
    def key(self) -> str:
        """'requests.balance.total': the form the gold files use."""
        return f"{self.table}.{self.check}.{self.col or self.row}"


Lookup = Callable[[str, str, str], "str | None"]


def _num(value: str | None) -> Decimal:
    try:
        return Decimal(value) if value else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _printed(value: str | None) -> str:
    return f"印为 {value}" if value else "空白（按 0 计）"


def _fmt(d: Decimal) -> str:
    # Not via int(): a number of thousands of digits in a report's text would pass Python's limit for int → str.
    return str(d.normalize()) if d != d.to_integral() else format(d.to_integral_value(), "f")


Cell = tuple[str, str, str]  # (table, row, col)


@dataclass(frozen=True)
class Identity:
    """One equation a correct report satisfies: the sum of `parts` equals the sum of `whole`."""

    check: str
    table: str
    row: str
    col: str
    parts: tuple[Cell, ...]
    whole: tuple[Cell, ...]


def identities(request_rows: tuple[str, ...]) -> list[Identity]:
    """SCHEMA.md §5's four arithmetic checks as equations over cells: balance and outcomes_sum column by
    column, row_total row by row, appeals_total per appeals row."""
    out = []
    outcome_rows = [r for r in schema.OUTCOME_ROWS if r in request_rows]
    for col in schema.REQUEST_COLS:
        cell = lambda row: ("requests", row, col.id)  # noqa: E731
        out.append(Identity("balance", "requests", "", col.id, (cell("new_received"), cell("carried_over")),
                            (cell("total_handled"), cell("carried_forward"))))
        out.append(Identity("outcomes_sum", "requests", "", col.id, tuple(map(cell, outcome_rows)),
                            (cell("total_handled"),)))
    for row_id in request_rows:
        out.append(Identity("row_total", "requests", row_id, "",
                            tuple(("requests", row_id, c.id) for c in schema.REQUEST_COLS[:-1]),
                            (("requests", row_id, "total"),)))
    for row in schema.APPEALS.rows:
        out.append(Identity("appeals_total", "appeals", row.id, "",
                            tuple(("appeals", row.id, c.id) for c in schema.APPEAL_COLS[:-1]),
                            (("appeals", row.id, "total"),)))
    return out


def run_checks(value: Lookup, request_rows: tuple[str, ...], undecided=frozenset(),
               unknown: frozenset[Cell] = frozenset()) -> list[Finding]:
    """All four arithmetic checks over one report. `value(table, row, col)` returns a cell's value or None;
    `undecided` holds the (table, row) pairs to leave out, `unknown` the cells a scan left unread (a blank
    that is no zero)."""
    findings = []
    for eq in identities(request_rows):
        cells = eq.parts + eq.whole
        if any(c[:2] in undecided or c in unknown for c in cells):
            continue
        parts = sum((_num(value(*c)) for c in eq.parts), Decimal(0))
        whole = sum((_num(value(*c)) for c in eq.whole), Decimal(0))
        if parts != whole:
            # Many reports leave the requests table's 总计 column unfilled in rows that print their applicants:
            # where such a blank is in the sum, that may be why it fails. Said so, and a warning, not an error
            # of the report's arithmetic (the summary tables add up the applicants for such a row too).
            blanks = sum(_total_left_blank(c, value) for c in cells)
            caveat = "报告可能未填写总计，不一定是算术错误"
            message = _message(eq, parts, whole, value) + (
                "" if not blanks else f"；{caveat}" if eq.check == "row_total"  # (its message says the total is blank)
                else f"（其中 {blanks} 行有数字而“总计”空白，按 0 计；{caveat}）")
            findings.append(Finding(eq.check, "warning" if blanks else "error", eq.table, eq.row, eq.col,
                                    expected=_fmt(parts), actual=_fmt(whole), message=message))
    return findings


def _total_left_blank(cell: Cell, value: Lookup) -> bool:
    """A requests row's 总计 left blank while the row prints some of its applicants."""
    table, row, col = cell
    return (table == "requests" and col == "total" and value(*cell) is None
            and any(value(table, row, c.id) is not None for c in schema.REQUEST_COLS[:-1]))


def _message(eq: Identity, parts: Decimal, whole: Decimal, value: Lookup) -> str:
    total = _printed(value(*eq.whole[-1]))
    if eq.check == "balance":
        label = next(c.label for c in schema.REQUEST_COLS if c.id == eq.col)
        return f"{label}：新收 + 上年结转 = {_fmt(parts)}，但办理总计 + 结转下年度 = {_fmt(whole)}"
    if eq.check == "outcomes_sum":
        label = next(c.label for c in schema.REQUEST_COLS if c.id == eq.col)
        return f"{label}：各项办理结果之和为 {_fmt(parts)}，但（七）总计{total}"
    if eq.check == "row_total":
        label = next(r.label for r in schema.REQUEST_ROWS if r.id == eq.row)
        return f"「{label}」：六类申请人之和为 {_fmt(parts)}，但总计{total}"
    label = next(r.label for r in schema.APPEALS.rows if r.id == eq.row)
    return f"{label}：维持、纠正、其他、尚未审结之和为 {_fmt(parts)}，但总计{total}"


# ---- beyond the report's own tables (warnings) ----------------------------------------------------------

# What the narrative restates: (label, pattern on normalized text, table, cells whose sum is the figure; a
# figure may equal any of the alternatives).
_RECEIVED = ((("new_received", "total"),), (("new_received", "total"), ("carried_over", "total")))
_NARRATIVE_FIGURES = (
    ("收到申请", r"(?:收到|受理)(?:了)?(?:[^。；;，,\d]{0,24}?申请[^。；;，,\d]{0,4}?|共)(\d+)件", "requests", _RECEIVED),
    ("收到申请", r"(?:收到|受理)(?:了)?(\d+)件(?:政府信息公开)?申请", "requests", _RECEIVED),
    ("办结", r"(?<!公开)(?<!不予)(?<!同意)(?<!办理)(?:办结|答复)(?:了)?[^。；;，,\d]{0,12}?(\d+)件", "requests",
     ((("total_handled", "total"),),)),
    ("结转下年度", r"(?:结转下|转下)[^。；;，,\d]{0,10}?(\d+)件", "requests", ((("carried_forward", "total"),),)),
    ("行政复议", r"行政复议(?:案件|数为|共)?(\d+)件", "appeals", ((("review", "total"),),)),
    ("行政诉讼", r"行政诉讼(?:案件|数为|共)?(\d+)件", "appeals",
     ((("suit_direct", "total"), ("suit_after_review", "total")),)),
)


def text_vs_table(narrative: str, value: Lookup) -> list[Finding]:
    """Figures the narrative restates (收到申请N件, 办结N件, 行政复议N件 …) against the tables."""
    text = schema.normalize(narrative)
    findings = []
    seen = set()
    for label, pattern, table, alternatives in _NARRATIVE_FIGURES:
        for m in re.finditer(pattern, text):
            if not within_bounds(m.group(1)):  # no figure has so many digits: garbage, not a claim to check
                continue
            said = Decimal(m.group(1))
            sums = []
            for cells in alternatives:
                printed = [value(table, row, col) for row, col in cells]
                if any(v is None for v in printed):
                    break  # the table leaves a cell blank: nothing to compare
                sums.append(sum(map(_num, printed), Decimal(0)))
            if len(sums) < len(alternatives) or said in sums or (label, said) in seen:
                continue
            seen.add((label, said))
            quote = m.group(0)
            findings.append(Finding(
                "text_vs_table", "warning", table, row=alternatives[0][0][0], col="total",
                expected=_fmt(sums[0]), actual=_fmt(said),
                message=f"正文称「{quote}」，与表格不符：表格中为 {_fmt(sums[0])} 件",
            ))
    return findings


def carry_chain(carried_over: Lookup, previous_forward: Lookup, previous_year: int) -> list[Finding]:
    """carried_over(Y) against carried_forward(Y−1) of the same agency, column by column."""
    findings = []
    for col in schema.REQUEST_COLS:
        this, last = carried_over("requests", "carried_over", col.id), previous_forward("requests", "carried_forward", col.id)
        if this is None or last is None or _num(this) == _num(last):
            continue
        findings.append(Finding(
            "carry_chain", "warning", "requests", "carried_over", col.id, expected=last, actual=this,
            message=f"{col.label}：上年结转印为 {this}，但 {previous_year} 年报告的“结转下年度继续办理”为 {last}",
        ))
    return findings
