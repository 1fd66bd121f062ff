"""Derived indicators: each a numerator over a denominator, both kept, so every rate can be checked by hand.

They read only the requests and appeals tables, whose rows mean the same in the 2019 and 2021 templates.
The proactive table is never compared across templates (行政事业性收费 counts items in one, 万元 in the other).
Totals a report leaves blank fall back to the sum of their parts, as on the summary tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

Cells = dict[tuple[str, str, str], str]
SMALL_NUMBER = 10  # a rate whose denominator is below this carries a caveat


def number(value: str) -> Decimal | None:
    return Decimal(value) if value not in ("", None) else None


def sum_known(values) -> Decimal | None:
    """The sum of the values that are known; None when none is."""
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) if values else None


def row_total(c: Cells, table: str, row: str) -> Decimal | None:
    """The printed 总计 of a row, or the sum of its parts where the report left 总计 blank."""
    printed = number(c.get((table, row, "total"), ""))
    if printed is not None:
        return printed
    return sum_known(number(v) for (t, r, col), v in c.items() if t == table and r == row and col != "total")


def rows_total(c: Cells, prefix: str) -> Decimal | None:
    """Sum of the requests rows whose id starts with prefix (denied_, unavailable_, rejected_ …)."""
    rows = dict.fromkeys(r for (t, r, _) in c if t == "requests" and r.startswith(prefix))
    return sum_known(row_total(c, "requests", r) for r in rows)


def appeal(c: Cells, row: str, col: str) -> Decimal | None:
    return number(c.get(("appeals", row, col), ""))


def _decided(c: Cells, rows: tuple[str, ...]) -> Decimal | None:
    """Cases decided: total minus still pending (尚未审结), over the given appeals rows."""
    parts = [(appeal(c, r, "total"), appeal(c, r, "pending") or Decimal(0)) for r in rows]
    return sum_known(t - p for t, p in parts if t is not None)


SUITS = ("suit_direct", "suit_after_review")


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    numerator: str  # in words, as on the definitions page
    denominator: str
    note: str
    num: Callable[[Cells], Decimal | None]
    den: Callable[[Cells], Decimal | None]


def _handled(c: Cells) -> Decimal | None:
    return row_total(c, "requests", "total_handled")


INDICATORS = (
    Indicator("disclosure_rate", "公开率", "予以公开 + 部分公开", "办理结果（七）总计",
              "办结的申请中，全部或部分公开了所申请信息的比例。",
              lambda c: sum_known([row_total(c, "requests", "granted"), row_total(c, "requests", "partially_granted")]),
              _handled),
    Indicator("denial_rate", "不予公开率", "（三）不予公开各项之和", "办理结果（七）总计",
              "以国家秘密、第三方权益、过程性信息等理由不予公开的比例。",
              lambda c: rows_total(c, "denied_"), _handled),
    Indicator("unavailable_rate", "无法提供率", "（四）无法提供各项之和", "办理结果（七）总计",
              "因本机关不掌握、需另行制作或申请不明确而无法提供的比例。",
              lambda c: rows_total(c, "unavailable_"), _handled),
    Indicator("not_held_rate", "本机关不掌握率", "（四）1.本机关不掌握相关政府信息", "办理结果（七）总计",
              "无法提供中最常见的一类：申请的信息不在本机关。",
              lambda c: row_total(c, "requests", "unavailable_not_held"), _handled),
    Indicator("rejected_rate", "不予处理率", "（五）不予处理各项之和", "办理结果（七）总计",
              "信访举报投诉、重复申请、大量反复申请等不作为政府信息公开申请处理的比例。",
              lambda c: rows_total(c, "rejected_"), _handled),
    Indicator("carry_forward_rate", "结转率", "四、结转下年度继续办理", "（本年新收 + 上年结转）",
              "当年未办结、结转到下一年度的申请所占比例。",
              lambda c: row_total(c, "requests", "carried_forward"),
              lambda c: sum_known([row_total(c, "requests", "new_received"), row_total(c, "requests", "carried_over")])),
    Indicator("natural_person_share", "自然人申请占比", "本年新收申请中的自然人", "本年新收申请总计",
              "申请人结构：个人申请占新收申请的比例，其余来自企业、科研机构、社会组织等。",
              lambda c: number(c.get(("requests", "new_received", "natural_person"), "")),
              lambda c: row_total(c, "requests", "new_received")),
    Indicator("review_correction_rate", "行政复议纠错率", "行政复议结果纠正", "（行政复议总计 − 尚未审结）",
              "已审结的行政复议中，结果被纠正的比例。",
              lambda c: appeal(c, "review", "corrected"), lambda c: _decided(c, ("review",))),
    Indicator("suit_correction_rate", "行政诉讼纠错率", "行政诉讼（直接起诉 + 复议后起诉）结果纠正",
              "（行政诉讼总计 − 尚未审结）",
              "已审结的行政诉讼中，结果被纠正的比例。",
              lambda c: sum_known(appeal(c, r, "corrected") for r in SUITS), lambda c: _decided(c, SUITS)),
    Indicator("dispute_rate", "争议率", "（行政复议总计 + 行政诉讼总计）", "办理结果（七）总计",
              "办结的申请引起行政复议或行政诉讼的比例（复议、诉讼可能针对往年的答复，比例仅作参考）。",
              lambda c: sum_known(appeal(c, r, "total") for r in ("review", *SUITS)), _handled),
)


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    numerator: Decimal | None
    denominator: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def small(self) -> bool:
        return self.denominator is not None and self.denominator < SMALL_NUMBER


def compute(c: Cells) -> list[Value]:
    return [Value(i, i.num(c), i.den(c)) for i in INDICATORS]
