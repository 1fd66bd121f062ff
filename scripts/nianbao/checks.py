"""The arithmetic a correct report satisfies (SCHEMA.md §5), as pure functions over a report's cells.

A blank cell is counted as zero here, and only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from . import schema


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
    return str(d.normalize()) if d != d.to_integral() else str(int(d))


def run_checks(value: Lookup, request_rows: tuple[str, ...]) -> list[Finding]:
    """All four arithmetic checks over one report. `value(table, row, col)` returns a cell's value or None."""
    findings = []

    def req(row, col):
        return _num(value("requests", row, col))

    outcome_rows = [r for r in schema.OUTCOME_ROWS if r in request_rows]
    for col in schema.REQUEST_COLS:
        parts = req("new_received", col.id) + req("carried_over", col.id)
        whole = req("total_handled", col.id) + req("carried_forward", col.id)
        if parts != whole:
            findings.append(Finding(
                "balance", "error", "requests", col=col.id, expected=_fmt(parts), actual=_fmt(whole),
                message=f"{col.label}：新收 + 上年结转 = {_fmt(parts)}，但办理总计 + 结转下年度 = {_fmt(whole)}",
            ))
        total = sum((req(r, col.id) for r in outcome_rows), Decimal(0))
        printed = req("total_handled", col.id)
        if total != printed:
            findings.append(Finding(
                "outcomes_sum", "error", "requests", col=col.id, expected=_fmt(total), actual=_fmt(printed),
                message=f"{col.label}：各项办理结果之和为 {_fmt(total)}，"
                        f"但（七）总计{_printed(value('requests', 'total_handled', col.id))}",
            ))
    for row_id in request_rows:
        parts = sum((req(row_id, c.id) for c in schema.REQUEST_COLS[:-1]), Decimal(0))
        printed = req(row_id, "total")
        if parts != printed:
            label = next(r.label for r in schema.REQUEST_ROWS if r.id == row_id)
            findings.append(Finding(
                "row_total", "error", "requests", row=row_id, expected=_fmt(parts), actual=_fmt(printed),
                message=f"「{label}」：六类申请人之和为 {_fmt(parts)}，但总计{_printed(value('requests', row_id, 'total'))}",
            ))
    for row in schema.APPEALS.rows:
        parts = sum((_num(value("appeals", row.id, c.id)) for c in schema.APPEAL_COLS[:-1]), Decimal(0))
        printed = _num(value("appeals", row.id, "total"))
        if parts != printed:
            findings.append(Finding(
                "appeals_total", "error", "appeals", row=row.id, expected=_fmt(parts), actual=_fmt(printed),
                message=f"{row.label}：维持、纠正、其他、尚未审结之和为 {_fmt(parts)}，"
                        f"但总计{_printed(value('appeals', row.id, 'total'))}",
            ))
    return findings
