"""The data contract of ../shared/spec/SCHEMA.md as data: templates, tables, row and column ids, labels.

Everything that knows an official label lives here: extraction matches rows with `Row.pattern`, the
pages print `Row.label`, the data dictionary lists both. Patterns run on `normalize()`d text with the
item numbering removed (`strip_numbering()`), so （一）, (一), 一、, 1., １． all look the same.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

TEMPLATES = ("gov2021", "gov2019")
TABLES = ("proactive", "requests", "appeals")


@dataclass(frozen=True)
class Col:
    id: str
    label: str


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    cols: tuple[Col, ...]
    # Regex that a row-label cell matches (anchored at the start of the stripped label).
    pattern: str
    # Regex that finds the label inside run-together text; defaults to `pattern` without anchors.
    inline: str = ""

    def inline_pattern(self) -> str:
        return self.inline or self.pattern.lstrip("^").rstrip("$")


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    rows: tuple[Row, ...]

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    tables: dict[str, Table] = field(default_factory=dict)

    def row(self, table: str, row_id: str) -> Row:
        """A row of this template's table; for `requests`, `other` and its sub-rows are both known, since a
        report may print （六） either way."""
        rows = REQUEST_ROWS if table == "requests" else self.tables[table].rows
        return next(r for r in rows if r.id == row_id)


# ---- requests: 三、收到和处理政府信息公开申请情况 ----------------------------------------------------

REQUEST_COLS = (
    Col("natural_person", "自然人"),
    Col("commercial", "商业企业"),
    Col("research", "科研机构"),
    Col("nonprofit", "社会公益组织"),
    Col("legal_service", "法律服务机构"),
    Col("other_org", "其他"),
    Col("total", "总计"),
)
# Group headings of the outcome rows, for the pages (row id prefix → heading).
OUTCOME_GROUPS = (
    ("denied_", "（三）不予公开"),
    ("unavailable_", "（四）无法提供"),
    ("rejected_", "（五）不予处理"),
    ("other_", "（六）其他处理"),
)


def _req(row_id: str, label: str, pattern: str, inline: str = "") -> Row:
    return Row(row_id, label, REQUEST_COLS, pattern, inline)


REQUEST_ROWS = (
    _req("new_received", "一、本年新收政府信息公开申请数量", r"^本年新收"),
    _req("carried_over", "二、上年结转政府信息公开申请数量", r"^上年结转"),
    _req("granted", "（一）予以公开", r"^予以公开"),
    _req("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", r"^部分公开"),
    _req("denied_state_secret", "1.属于国家秘密", r"^属于国家秘密"),
    # Real reports print typos here: 其他法律行政止公开, 其他法律法规禁止公开.
    _req("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", r"^其他法律\S{0,6}?止公开"),
    _req("denied_security_stability", "3.危及“三安全一稳定”", r"^危及\W?三安全一稳定"),
    _req("denied_third_party", "4.保护第三方合法权益", r"^保护第三方"),
    _req("denied_internal_affairs", "5.属于三类内部事务信息", r"^属于三类内部事务"),
    _req("denied_process_info", "6.属于四类过程性信息", r"^属于四类过程性"),
    _req("denied_enforcement_case", "7.属于行政执法案卷", r"^属于行政执法案卷"),
    _req("denied_admin_query", "8.属于行政查询事项", r"^属于行政查询"),
    _req("unavailable_not_held", "1.本机关不掌握相关政府信息", r"^本机关不掌握"),
    _req("unavailable_needs_creation", "2.没有现成信息需要另行制作", r"^没有现成信息"),
    _req("unavailable_unclear", "3.补正后申请内容仍不明确", r"^补正后申请内容"),
    _req("rejected_complaint", "1.信访举报投诉类申请", r"^信访举报投诉"),
    _req("rejected_duplicate", "2.重复申请", r"^重复申请"),
    _req("rejected_publication", "3.要求提供公开出版物", r"^要求提供公开出版物"),
    _req("rejected_excessive", "4.无正当理由大量反复申请", r"^无正当理由大量反复"),
    _req("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", r"^要求行政机关确认"),
    _req(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"^申请人无正当理由逾期不补正",
    ),
    _req(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"^申请人逾期未按收费",
    ),
    _req("other_misc", "3.其他", r"^其他$", inline=r"3\.其他(?!处理|法律|对外)"),
    _req("other", "（六）其他处理", r"^其他处理$"),
    # （七） is often left off; a bare 总计 elsewhere (a column heading) holds no numbers and anchors nothing.
    _req("total_handled", "（七）总计", r"^总计$", inline=r"(?:\(七\))?(?:总计|合计)(?!\d*[件个])"),
    _req("carried_forward", "四、结转下年度继续办理", r"^结转下年度"),
)
OTHER_SUBROWS = ("other_no_correction", "other_unpaid_fee", "other_misc")
# Rows whose sum is （七）总计 (SCHEMA.md §5 outcomes_sum).
OUTCOME_ROWS = tuple(r.id for r in REQUEST_ROWS[2:-2])

REQUESTS_2021 = Table(
    "requests", "三、收到和处理政府信息公开申请情况", tuple(r for r in REQUEST_ROWS if r.id != "other")
)
REQUESTS_2019 = Table(
    "requests", "三、收到和处理政府信息公开申请情况", tuple(r for r in REQUEST_ROWS if r.id not in OTHER_SUBROWS)
)

# ---- appeals: 四、政府信息公开行政复议、行政诉讼情况 ----------------------------------------------------

APPEAL_COLS = (
    Col("upheld", "结果维持"),
    Col("corrected", "结果纠正"),
    Col("other", "其他结果"),
    Col("pending", "尚未审结"),
    Col("total", "总计"),
)
APPEALS = Table(
    "appeals",
    "四、政府信息公开行政复议、行政诉讼情况",
    (
        Row("review", "行政复议", APPEAL_COLS, r"^行政复议$"),
        Row("suit_direct", "行政诉讼 · 未经复议直接起诉", APPEAL_COLS, r"^未经复议直接起诉$"),
        Row("suit_after_review", "行政诉讼 · 复议后起诉", APPEAL_COLS, r"^复议后起诉$"),
    ),
)

# ---- proactive: 二、主动公开政府信息情况 ----------------------------------------------------------------

_DOCS_2021 = (Col("issued", "本年制发件数"), Col("repealed", "本年废止件数"), Col("in_force", "现行有效件数"))
_DECISIONS_2021 = (Col("decisions", "本年处理决定数量"),)
PROACTIVE_2021 = Table(
    "proactive",
    "二、主动公开政府信息情况",
    (
        Row("regulations", "规章", _DOCS_2021, r"^规章"),
        Row("normative_documents", "行政规范性文件", _DOCS_2021, r"^(行政)?规范性文件"),
        Row("licensing", "行政许可", _DECISIONS_2021, r"^行政许可"),
        Row("punishment", "行政处罚", _DECISIONS_2021, r"^行政处罚"),
        Row("coercion", "行政强制", _DECISIONS_2021, r"^行政强制"),
        Row("fees", "行政事业性收费", (Col("amount_10k_yuan", "本年收费金额（单位：万元）"),), r"^行政事业性收费"),
    ),
)

_DOCS_2019 = (Col("new_made", "本年新制作数量"), Col("new_published", "本年新公开数量"), Col("total_published", "对外公开总数量"))
_ITEMS_2019 = (Col("previous_items", "上一年项目数量"), Col("change", "本年增/减"), Col("decisions", "处理决定数量"))
PROACTIVE_2019 = Table(
    "proactive",
    "二、主动公开政府信息情况",
    (
        Row("regulations", "规章", _DOCS_2019, r"^规章"),
        Row("normative_documents", "规范性文件", _DOCS_2019, r"^(行政)?规范性文件"),
        Row("licensing", "行政许可", _ITEMS_2019, r"^行政许可"),
        Row("other_services", "其他对外管理服务事项", _ITEMS_2019, r"^其他对外管理服务事项"),
        Row("punishment", "行政处罚", _ITEMS_2019, r"^行政处罚"),
        Row("coercion", "行政强制", _ITEMS_2019, r"^行政强制"),
        Row("fees", "行政事业性收费", _ITEMS_2019[:2], r"^行政事业性收费"),
        Row(
            "procurement",
            "政府集中采购",
            (Col("procurement_items", "采购项目数量"), Col("procurement_amount", "采购总金额")),
            r"^政府集中采购",
        ),
    ),
)

TEMPLATE_BY_ID = {
    "gov2021": Template(
        "gov2021",
        "国办公开办函〔2021〕30号格式",
        {"proactive": PROACTIVE_2021, "requests": REQUESTS_2021, "appeals": APPEALS},
    ),
    "gov2019": Template(
        "gov2019",
        "国办公开办函〔2019〕60号格式（试行）",
        {"proactive": PROACTIVE_2019, "requests": REQUESTS_2019, "appeals": APPEALS},
    ),
}

# Labels that only one template prints (SCHEMA.md §1). Decided from labels, never from the year.
TEMPLATE_MARKERS = {
    "gov2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正"),
    "gov2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "政府集中采购"),
}
REQUESTS_TABLE_MARKER = "本年新收政府信息公开申请数量"

# Headings that open each table's part of a report (normalized text).
TABLE_HEADINGS = {
    "proactive": r"主动公开政府信息(情况)?$",
    "requests": r"收到和处理政府信息公开申请(情况)?$",
    "appeals": r"行政(法)?复议.{0,2}行政诉讼(情况)?$",
}
# What ends the appeals part: the next narrative heading.
AFTER_TABLES_HEADING = r"(存在的主要问题|主要问题|改进情况|其他需要报告)"

SECTION_NUMERALS = "一二三四五六"


_WS = re.compile(r"\s+")
_NUMBERING = re.compile(
    r"^(?:第二十条第\([一二三四五六七八九十]+\)项|[一二三四五六七八九十]+[、.:]|\([一二三四五六七八九十\d]+\)|\d+[.、]|[、.])+"
)


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), no white space of any kind, one set of quotes."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return _WS.sub("", text)


def strip_numbering(label: str) -> str:
    """The label without its item numbering: （一）予以公开 → 予以公开; 1.属于国家秘密 → 属于国家秘密."""
    return _NUMBERING.sub("", label)


_ITEM_MARK = re.compile(r"\([一二三四五六七八九十]+\)|(?<!\d)\d{1,2}[.、](?!\d)")


def match_row(table: Table, cell: str) -> Row | None:
    """The row whose label this cell is, or None. `cell` is already normalized.

    A label may carry a fragment of a neighbouring header in front of its own item number (a row header
    printed one character per line, as in '三、本(一)予以公开'): if the whole cell names no row, the text after
    its last item number is tried."""
    row = _match_label(table, strip_numbering(cell))
    if row is None:
        marks = list(_ITEM_MARK.finditer(cell))
        if marks and marks[-1].start() > 0:
            row = _match_label(table, cell[marks[-1].end() :])
    return row


def _match_label(table: Table, label: str) -> Row | None:
    if not label or len(label) > 60:
        return None
    for row in table.rows:
        if re.search(row.pattern, label):
            return row
    return None
