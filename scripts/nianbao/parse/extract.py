"""Document → Report: template, metadata, narrative sections and the three tables as canonical cells.

Template-driven: the official row labels (schema.py) are the anchors. A table row is any row of cells
that holds numbers; its label is the last text cell before the first number. The same code therefore
reads HTML, Word and PDF tables, tab-separated text, pipe tables and tables printed one cell per line.
A page flattened into one line of text is cut at the labels instead (`inline_tables`), and digits that a
converter ran together are split by the template's arithmetic (decode.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import schema
from . import align
from .checks import Finding, identities, run_checks, text_vs_table
from .recover import recover_unread, unsure_findings
from .readers import Document
from .values import Value


@dataclass
class Section:
    number: int  # 1–6 for 一…六, 0 for the text before 一
    heading: str
    text: str


@dataclass
class Report:
    template: str
    year: int | None = None
    title: str = ""
    published: str = ""
    sections: list[Section] = field(default_factory=list)
    cells: dict[tuple[str, str, str], Value] = field(default_factory=dict)
    row_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    undecided: set[tuple[str, str]] = field(default_factory=set)  # (table, row) left blank: ambiguous digits
    problem: str = ""  # why the tables could not be read; non-empty means the report failed

    def value(self, table: str, row: str, col: str) -> str | None:
        cell = self.cells.get((table, row, col))
        return cell.value if cell else None


# A whole report's narrative runs to 5,000–30,000 characters. Past this a section is padding or garbage, and
# would swell sections.csv, the page and the search index (and exceed common CSV readers' field limit).
MAX_SECTION_CHARS = 100_000


def extract_report(doc: Document) -> Report:
    rows = [[cell.strip() for cell in row] for row in doc.rows]
    norm = [[schema.normalize(cell) for cell in row] for row in rows]
    report = Report(template=detect_template("\n".join("".join(r) for r in norm)))
    report.title = find_title(rows)
    report.year = find_year(report.title, doc.text)
    report.published = find_published(norm)
    report.sections = find_sections(rows, norm)
    for section in report.sections:
        if len(section.text) > MAX_SECTION_CHARS:
            report.findings.append(Finding("long_text", "warning", message=(
                f"第 {section.number} 部分正文有 {len(section.text):,} 字，远超一份年报的篇幅；"
                f"数据中只保留前 {MAX_SECTION_CHARS:,} 字，全文见原始文件")))
            section.text = section.text[:MAX_SECTION_CHARS]
    if report.template in schema.TEMPLATES:
        extract_tables(report, doc, norm)
        unreadable = doc.text.count("\ufffd")
        if unreadable:
            report.findings.append(Finding("unreadable_bytes", "warning", message=(
                f"文件中有 {unreadable} 处字节无法按其编码解码，已显示为 �；相关文字或数字可能缺失")))
    return report


def arithmetic_findings(report: Report) -> list[Finding]:
    """The four arithmetic checks of SCHEMA.md §5 over the report, leaving out rows it could not decide."""
    unknown = frozenset(key for key, v in report.cells.items() if v.unread)
    return run_checks(report.value, report.row_ids.get("requests", ()), report.undecided, unknown)


def checked_findings(report: Report) -> list[Finding]:
    """Everything found in one report: extraction warnings, its own arithmetic, narrative against tables."""
    narrative = "\n".join(s.text for s in report.sections)
    return report.findings + arithmetic_findings(report) + text_vs_table(narrative, report.value)


# ---- template and metadata ---------------------------------------------------------------------------


def detect_template(norm_text: str) -> str:
    scores = {t: sum(marker in norm_text for marker in markers) for t, markers in schema.TEMPLATE_MARKERS.items()}
    # Two markers at least: one alone (政府集中采购, say) also turns up in the narrative of older reports.
    if max(scores.values()) >= 2:
        return "gov2021" if scores["gov2021"] > scores["gov2019"] else "gov2019"
    if schema.REQUESTS_TABLE_MARKER in norm_text:  # the requests table, its format's markers mostly missing:
        # one marker inside the table decides (（六）'s sub-items are 2021's), else the older format.
        return "gov2021" if scores["gov2021"] > scores["gov2019"] else "gov2019"
    if "政府信息公开" in norm_text and "年度报告" in norm_text:
        return "pre2019"
    return "unknown"


_TITLE_FIELD = re.compile(r"^标题\s*[:：]\s*(.+)$")


def find_title(rows: list[list[str]]) -> str:
    """The report's title: a 标题 field, else the first line naming the annual report (it may wrap once)."""
    head = [" ".join(c for c in row if c) for row in rows[:40]]
    for line in head:
        m = _TITLE_FIELD.match(line)
        if m:
            return _clean_title(m.group(1))
    for i, line in enumerate(head):
        flat = schema.normalize(line)
        if "政府信息公开" in flat and len(flat) <= 60:
            if "报告" in flat:
                return _clean_title(line)
            if i + 1 < len(head) and schema.normalize(head[i + 1]).startswith(("年度报告", "报告")):
                return _clean_title(line + head[i + 1])
    return ""


def _clean_title(title: str) -> str:
    return " ".join(title.strip().lstrip("#").split())


_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_IN_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")


def find_year(title: str, text: str) -> int | None:
    m = _YEAR_IN_TITLE.search(title) or _YEAR_IN_PERIOD.search(text)
    return int(m.group(1)) if m else None


_PUBLISHED_FIELD = re.compile(r"(?:发布时间|发布日期|成文日期)[:：]?(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_DATE_LINE = re.compile(r"^\(?(\d{4})年(\d{1,2})月(\d{1,2})日\)?$")


def find_published(norm: list[list[str]]) -> str:
    """A 发布日期 field, else the last date that stands on a line of its own (the signature date)."""
    found = ""
    for row in norm:
        line = "".join(row)
        m = _PUBLISHED_FIELD.search(line)
        if m:
            return _iso(*m.groups())
        m = _DATE_LINE.match(line)
        if m:
            found = _iso(*m.groups())
    return found


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


# ---- narrative sections ------------------------------------------------------------------------------

_HEADING = re.compile(r"^([一二三四五六])、")
_INLINE_HEADING = re.compile(
    r"([一二三四五六])、(总体情况|概述|主动公开政府信息情况|收到和处理政府信息公开申请情况|"
    r"政府信息公开行政(?:法)?复议.{0,2}行政诉讼情况|存在的主要问题及改进情况|其他需要报告的事项)"
)
# 一、本年新收… and its siblings are rows of the requests table, even when a converter makes them headings.
_TABLE_ROW_HEADING = re.compile(r"^[一二三四]、(本年新收|上年结转|本年度办理结果|结转下年度)")
_TABLE_SECTION = re.compile("|".join(schema.TABLE_HEADINGS.values()))


def find_sections(rows: list[list[str]], norm: list[list[str]]) -> list[Section]:
    """Split the narrative at its 一、…六、 headings. Table rows are left out: they are data, not prose."""
    sections = [Section(0, "", "")]
    body: list[list[str]] = [[]]
    for cells, ncells in zip(rows, norm):
        if len(cells) == 1:
            m = _HEADING.match(ncells[0])
            if m and len(ncells[0]) <= 40 and not _TABLE_ROW_HEADING.search(ncells[0]):
                sections.append(Section(schema.SECTION_NUMERALS.index(m.group(1)) + 1, cells[0], ""))
                body.append([])
                continue
            body[-1].append(cells[0])
    if len(sections) == 1 and body[0]:  # no heading on a line of its own: headings run inline
        return _inline_sections(" ".join(body[0]))
    for section, lines in zip(sections, body):
        if _TABLE_SECTION.search(schema.normalize(section.heading)):
            lines = [line for line in lines if len(line) >= 20 and re.search("[。，；]", line)]
        section.text = "\n".join(lines)
    return [s for s in sections if s.text or s.number]


def _inline_sections(text: str) -> list[Section]:
    parts = _INLINE_HEADING.split(text)
    sections = [Section(0, "", parts[0].strip())]
    for i in range(1, len(parts) - 2, 3):
        number, heading, body = parts[i], parts[i + 1], parts[i + 2]
        if _TABLE_SECTION.search(heading):  # run-together table cells, not prose
            body = ""
        sections.append(Section(schema.SECTION_NUMERALS.index(number) + 1, f"{number}、{heading}", body.strip()))
    return [s for s in sections if s.text or s.number]


# ---- tables -------------------------------------------------------------------------------------------


def extract_tables(report: Report, doc: Document, norm: list[list[str]]) -> None:
    template = schema.TEMPLATE_BY_ID[report.template]
    read = align.read_tables(doc, norm, template, find_table_spans(norm))
    if read.problem:
        report.problem = read.problem
        return
    report.row_ids.update(read.row_ids)
    report.undecided |= read.undecided
    report.findings += read.findings
    for table_id, row_ids in read.row_ids.items():
        for row_id in row_ids:
            _place(report, table_id, template.row(table_id, row_id), read.cells.get((table_id, row_id), []))
    if doc.read_by == "ocr":
        report.findings += recover_unread(report.cells, identities(report.row_ids.get("requests", ())),
                                          report.undecided)
        report.findings += unsure_findings(report.cells)


def find_table_spans(norm: list[list[str]]) -> dict[str, slice] | None:
    """Where each table's part of the report starts and ends, from the table headings on lines of their own."""
    found: dict[str, list[int]] = {t: [] for t in schema.TABLE_HEADINGS}
    for i, row in enumerate(norm):
        line = "".join(row)
        if len(row) == 1 and len(line) <= 40:
            for table, pattern in schema.TABLE_HEADINGS.items():
                if re.search(pattern, schema.strip_numbering(line)):
                    found[table].append(i)
    if not found["requests"]:
        return None
    # The first heading of each kind: converters sometimes repeat a heading as a table caption.
    first_proactive = found["proactive"][0] if found["proactive"] else -1
    requests = next((i for i in found["requests"] if i > first_proactive), found["requests"][0])
    proactive = next((i for i in found["proactive"] if i < requests), 0)
    appeals = next((i for i in found["appeals"] if i > requests), len(norm))
    end = next(
        (
            i
            for i in range(appeals + 1, len(norm))
            if len(norm[i]) == 1 and len(norm[i][0]) <= 30 and re.search(schema.AFTER_TABLES_HEADING, norm[i][0])
        ),
        len(norm),
    )
    return {
        "proactive": slice(proactive, requests),
        "requests": slice(requests, appeals),
        "appeals": slice(appeals, end),
    }


def _place(report: Report, table: str, row: schema.Row, values: list[Value]) -> None:
    """Left-align a row's printed values with the template's columns; missing cells stay blank."""
    for i, col in enumerate(row.cols):
        value = values[i] if i < len(values) else Value("", None)
        report.cells[(table, row.id, col.id)] = value
        if not value.readable and not value.unread:  # (cells a scan left unread are named table by table)
            report.findings.append(
                Finding("unreadable_cell", "warning", table, row.id, col.id, actual=value.raw,
                        message=f"单元格印为“{value.raw}”，不是数字；留空")
            )


