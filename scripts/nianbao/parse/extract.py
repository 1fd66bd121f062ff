"""Document → Report: template, metadata, narrative sections and the three tables as canonical cells.

Template-driven: the official row labels (schema.py) are the anchors. A table row is any row of cells
that holds numbers; its label is the last text cell before the first number. The same code therefore
reads HTML, Word and PDF tables, tab-separated text, pipe tables and tables printed one cell per line.
A page flattened into one line of text is cut at the labels instead (`inline_tables`), and digits that a
converter ran together are split by the template's arithmetic (decode.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .. import schema
from . import decode
from .checks import Finding, run_checks, text_vs_table
from .readers import Document
from .values import Value, parse_value


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
    agency_printed: str = ""
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
    report.agency_printed = agency_from_title(report.title)
    report.published = find_published(norm)
    report.sections = find_sections(rows, norm)
    for section in report.sections:
        if len(section.text) > MAX_SECTION_CHARS:
            report.findings.append(Finding("long_text", "warning", message=(
                f"第 {section.number} 部分正文有 {len(section.text):,} 字，远超一份年报的篇幅；"
                f"数据中只保留前 {MAX_SECTION_CHARS:,} 字，全文见原始文件")))
            section.text = section.text[:MAX_SECTION_CHARS]
    if report.template in schema.TEMPLATES:
        extract_tables(report, rows, norm)
        unreadable = doc.text.count("\ufffd")
        if unreadable:
            report.findings.append(Finding("unreadable_bytes", "warning", message=(
                f"文件中有 {unreadable} 处字节无法按其编码解码，已显示为 �；相关文字或数字可能缺失")))
    return report


def arithmetic_findings(report: Report) -> list[Finding]:
    """The four arithmetic checks of SCHEMA.md §5 over the report, leaving out rows it could not decide."""
    return run_checks(report.value, report.row_ids.get("requests", ()), report.undecided)


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


def agency_from_title(title: str) -> str:
    name = re.sub(r"(?:19|20)\d{2}\s*年度?", "", title)
    name = re.sub(r"(关于)?(政府信息公开|政务公开).*$", "", name)
    return schema.normalize(name).strip("的")


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

REQUEST_LABELS = schema.Table("requests", "", schema.REQUEST_ROWS)  # every row label, either template
# A label followed by its numbers in one cell; PDF text may leave no space between a label and a number.
_TRAILING_NUMBERS = re.compile(r"^(.*?[^\d\s.,+\-])\s*((?:[-+]?\d[\d,]*(?:\.\d+)?\s*)+)$")
MIN_UNLABELLED_VALUES = 4  # a row of values without a label must be a row, not a stray number


def extract_tables(report: Report, rows: list[list[str]], norm: list[list[str]]) -> None:
    template = schema.TEMPLATE_BY_ID[report.template]
    spans = find_table_spans(norm)
    run_together = False
    if spans is None:
        # No table heading on a line of its own: a page flattened into one line of text, cells run together.
        tables = inline_tables(flatten(rows), template)
        if tables is None:
            report.problem = "the requests table (三、收到和处理政府信息公开申请情况) was not found"
            return
        run_together = True
    else:
        tables = {table: rows[span] for table, span in spans.items()}
    _extract_labelled(report, template, "proactive", tables["proactive"], run_together)
    _extract_labelled(report, template, "requests", tables["requests"], run_together)
    _extract_appeals(report, tables["appeals"], run_together)


def flatten(rows: list[list[str]]) -> str:
    """The whole document as one normalized line; white space survives only between two digits, where it
    is a cell boundary."""
    words = unicodedata.normalize("NFKC", " ".join(" ".join(row) for row in rows)).split()
    out = words[:1]
    for word in words[1:]:
        glue = " " if out[-1][-1].isdigit() and (word[0].isdigit() or word[0] in "-+") else ""
        out.append(glue + word)
    return "".join(out).replace("\u200b", "").replace("\ufeff", "")


_INLINE_TABLE_HEADINGS = {
    "proactive": r"二、主动公开政府信息情况",
    "requests": r"三、收到和处理政府信息公开申请情况",
    "appeals": r"四、政府信息公开行政(?:法)?复议.{0,2}行政诉讼情况",
}
_INLINE_END = re.compile(r"五、" + schema.AFTER_TABLES_HEADING)
_LEADING_RUN = re.compile(r"^\D*?([-+]?\d[\d. +\-]*)(万元|元)?")
_ITEM_NUMBER = re.compile(r"^(\d+)\.")


def inline_tables(flat: str, template: schema.Template) -> dict[str, list[list[str]]] | None:
    """Each table's rows, cut out of run-together text at the official row labels: [label, *digit runs]."""
    starts = {}
    for table, pattern in _INLINE_TABLE_HEADINGS.items():
        m = re.search(pattern, flat)
        starts[table] = m.end() if m else None
    if starts["requests"] is None:
        return None
    appeals_at = starts["appeals"] or len(flat)
    end = _INLINE_END.search(flat, appeals_at)
    proactive = flat[starts["proactive"] or 0 : starts["requests"]]
    return {
        "proactive": _inline_rows(proactive, template.tables["proactive"].rows),
        "requests": _inline_rows(flat[starts["requests"] : appeals_at], schema.REQUEST_ROWS),
        "appeals": [re.findall(r"[-+]?\d[\d ]*", flat[appeals_at : end.start() if end else len(flat)])],
    }


def _inline_rows(region: str, rows: tuple[schema.Row, ...]) -> list[list[str]]:
    hits: list[tuple[int, int, schema.Row]] = []
    pos = 0
    for row in rows:
        m = re.compile(row.inline_pattern()).search(region, pos)
        if m:
            hits.append((m.start(), m.end(), row))
            pos = m.end()
    out = []
    for k, (_, end, row) in enumerate(hits):
        segment = region[end : hits[k + 1][0] if k + 1 < len(hits) else len(region)]
        if k + 1 < len(hits):  # the next label's item number is glued to this row's digits: …3200000326.属于
            number = _ITEM_NUMBER.match(hits[k + 1][2].label)
            if number and segment.endswith(number.group(0)):
                segment = segment[: -len(number.group(0))]
        m = _LEADING_RUN.match(segment)
        # A sign always starts a number: '2648-18538' is at least 2648 and -18538.
        pieces = re.findall(r"[-+]?[^\s\-+]+", m.group(1).strip(" .")) if m else []
        if pieces and m.group(2):
            pieces[-1] += m.group(2)
        out.append([row.label, *pieces])
    return out


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


def split_cell(cell: str) -> list[str]:
    """'行政许可 97' → ['行政许可', '97']: a label and its numbers printed in one cell or line."""
    m = _TRAILING_NUMBERS.match(cell.strip())
    return [m.group(1).strip(), *m.group(2).split()] if m else [cell]


@dataclass
class _DataRow:
    row: schema.Row | None
    values: list[Value]


@dataclass
class _Run:
    """A row whose printed numbers are fewer than its cells: digits that may be several cells run together."""
    pieces: list[str]  # the printed numbers, white space as their only known boundaries
    unit: str
    forced: bool  # certainly run together (flattened page, or a piece like '00' that is no number)

    @property
    def text(self) -> str:
        return " ".join(self.pieces) + self.unit


def _as_run(values: list[Value], cells: int, run_together: bool) -> _Run | None:
    if not values or len(values) >= cells or any(v.value is None for v in values):
        return None
    pieces = [v.value for v in values]
    if not all(decode.is_run(p) for p in pieces):
        return None
    forced = run_together or any(re.match(r"^[-+]?0\d", p) for p in pieces)
    if not forced and sum(c.isdigit() for p in pieces for c in p) < cells:
        return None  # too few digits to be run together: cells the report leaves out
    return _Run(pieces, values[-1].unit, forced)


def _data_rows(table: schema.Table, rows: list[list[str]]) -> list[_DataRow]:
    """Rows that hold numbers, with the template row their label names (None for a row printed without one)."""
    out = []
    for cells in rows:
        cells = [part for cell in cells for part in split_cell(cell)]
        values = [parse_value(c) for c in cells]
        first_number = next((i for i, v in enumerate(values) if v.value is not None), None)
        if first_number is None:
            continue
        label_at = next((i for i in range(first_number - 1, -1, -1) if not values[i].readable), None)
        tail = values[(label_at + 1 if label_at is not None else 0) :]
        # Text after the numbers (a fragment of a vertical header, a note) is no cell of this row.
        tail = _trim(tail[: next((i for i, v in enumerate(tail) if not v.readable), len(tail))])
        if label_at is None:
            if sum(v.value is not None for v in tail) >= MIN_UNLABELLED_VALUES:
                out.append(_DataRow(None, tail))
            continue
        row = schema.match_row(table, schema.normalize(cells[label_at]))
        if row is not None:
            # An empty sub-label cell (（六）其他处理 printed without sub-items) is no value.
            while len(tail) > len(row.cols) and tail[0].blank:
                tail = tail[1:]
            out.append(_DataRow(row, tail))
    return out


def _drop_subtotal_column(data: list[_DataRow]) -> None:
    """Some requests tables print a 法人或其他组织 subtotal beside its five kinds (8 numbers a row instead of 7).
    It is recognised by its arithmetic, before or after the five, and dropped: it is not a template cell."""
    width = len(schema.REQUEST_COLS)
    wide = [d for d in data if d.row and len(d.values) == width + 1 and all(v.value is not None for v in d.values)]
    if not wide or len(wide) * 2 < sum(1 for d in data if d.row):
        return
    for at, parts in ((1, slice(2, 7)), (6, slice(1, 6))):
        holds = sum(decode.number(d.values[at].value) == sum(decode.number(v.value) for v in d.values[parts])
                    for d in wide)
        if holds * 2 > len(wide):  # a majority: one wrong subtotal must not shift every other row
            for d in wide:
                del d.values[at]
            return


def _trim(values: list[Value]) -> list[Value]:
    while values and values[-1].blank and not values[-1].raw:
        values = values[:-1]
    return values


def _extract_labelled(report: Report, template: schema.Template, table_id: str, rows: list[list[str]],
                      run_together: bool) -> None:
    table = template.tables[table_id]
    labels = REQUEST_LABELS if table_id == "requests" else table
    data = _data_rows(labels, rows)
    if table_id == "requests":
        _drop_subtotal_column(data)
    row_ids = _rows_used(table, {d.row.id for d in data if d.row})
    report.row_ids[table.id] = row_ids
    placed: dict[str, list[Value]] = {}
    pending: list[_DataRow] = []  # rows of numbers printed without a label, since the last labelled row
    last = -1  # template index of the last labelled row

    def place_pending(next_index: int) -> None:
        """Unlabelled rows fill the template rows between two labelled ones, if their count fits exactly."""
        gap = [r for r in row_ids[last + 1 : next_index] if r not in placed]
        if table_id == "requests" and len(gap) == len(pending):
            placed.update(zip(gap, (p.values for p in pending)))
        elif pending:
            report.findings.append(Finding(
                "unplaced_row", "warning", table.id,
                message=f"有 {len(pending)} 行数字没有行名，无法与格式中的行对应（此处应有 {len(gap)} 行）；"
                "这些数字未采用，相应单元格留空",
            ))
        pending.clear()

    for d in data:
        if d.row is None:
            pending.append(d)
            continue
        if d.row.id not in row_ids:
            continue
        index = row_ids.index(d.row.id)
        place_pending(index)
        if d.row.id in placed:
            report.findings.append(
                Finding("duplicate_row", "warning", table.id, d.row.id, message="此行印了两次；采用第一次的数字")
            )
        else:
            placed[d.row.id] = d.values
        last = max(last, index)
    place_pending(len(row_ids))
    _decode_runs(report, template, table_id, row_ids, placed, run_together)
    for row_id in row_ids:
        _place(report, table.id, template.row(table.id, row_id), placed.get(row_id, []))


def _decode_runs(report: Report, template: schema.Template, table_id: str, row_ids: tuple[str, ...],
                 placed: dict[str, list[Value]], run_together: bool) -> None:
    """Split rows printed with their cells run together, by the row's own total and then the column
    identities across rows; a row with more than one reading left stays blank with a warning."""
    fits = decode.sums_to_last(len(schema.REQUEST_COLS) - 1) if table_id == "requests" else None
    runs: dict[str, _Run] = {}
    options: dict[str, list[decode.Reading] | None] = {}
    for row_id, values in placed.items():
        cells = len(template.row(table_id, row_id).cols)
        run = _as_run(values, cells, run_together)
        if run is None:
            continue
        found = decode.candidates(run.pieces, cells, fits)
        if not run.forced and not (found and fits and any(fits(r) for r in found)):
            continue  # nothing says these are run together: keep the numbers as printed
        runs[row_id], options[row_id] = run, found
    if not runs:
        return
    chosen = {row: found[0] for row, found in options.items() if found and len(found) == 1}
    several = {row: found for row, found in options.items() if found and len(found) > 1}
    if several and table_id == "requests":
        known = {r: tuple(v.value or "" for v in vals) for r, vals in placed.items() if r not in runs}
        chosen.update(decode.choose_jointly(several, {**known, **chosen}, _request_identities(row_ids)))
    for row_id, run in runs.items():
        reading = chosen.get(row_id)
        if reading:
            values = [Value(x, x.lstrip("+")) for x in reading]
            placed[row_id] = values[:-1] + [Value(values[-1].raw, values[-1].value, run.unit)]
            continue
        found = options[row_id]
        placed[row_id] = [Value(run.text, None)] * len(template.row(table_id, row_id).cols)
        report.undecided.add((table_id, row_id))
        report.findings.append(_ambiguous(table_id, row_id, run, found))


def _ambiguous(table: str, row: str, run: _Run, found: list[decode.Reading] | None) -> Finding:
    return Finding(
        "ambiguous_digits", "warning", table, row, actual=run.text,
        message=f"表格数字连在一起印出（{run.text}），"
        + (f"可读作 {decode.describe(found)}" if found else
           "无法拆分为本行的各栏" if found == [] else "可能的读法过多")
        + "；仅凭本报告无法确定，故留空（digits run together; the document alone does not decide）",
    )


def _request_identities(row_ids: tuple[str, ...]):
    """SCHEMA.md §5 balance and outcomes_sum, column by column, over rows given as readings."""
    outcome_rows = [r for r in schema.OUTCOME_ROWS if r in row_ids]
    columns = range(len(schema.REQUEST_COLS))

    def cell(rows, row_id, i):
        reading = rows.get(row_id, ())
        return decode.number(reading[i] if i < len(reading) else "")

    def balance(rows):
        return all(cell(rows, "new_received", i) + cell(rows, "carried_over", i)
                   == cell(rows, "total_handled", i) + cell(rows, "carried_forward", i) for i in columns)

    def outcomes_sum(rows):
        return all(sum(cell(rows, r, i) for r in outcome_rows) == cell(rows, "total_handled", i) for i in columns)

    return [balance, outcomes_sum]


def _rows_used(table: schema.Table, labelled: set[str]) -> tuple[str, ...]:
    """The template's rows; a report printing （六）其他处理 as one row uses `other` for its three sub-rows."""
    ids = [r.id for r in table.rows]
    if table.id != "requests":
        return tuple(ids)
    subrows = set(schema.OTHER_SUBROWS)
    if "other" in labelled and not labelled & subrows:
        first = min(ids.index(r) for r in subrows if r in ids) if subrows & set(ids) else ids.index("other")
        ids = [r for r in ids if r not in subrows and r != "other"]
        ids.insert(first, "other")
    elif labelled & subrows and "other" in ids:
        at = ids.index("other")
        ids[at : at + 1] = list(schema.OTHER_SUBROWS)
    return tuple(ids)


def _place(report: Report, table: str, row: schema.Row, values: list[Value]) -> None:
    """Left-align a row's printed values with the template's columns; missing cells stay blank."""
    for i, col in enumerate(row.cols):
        value = values[i] if i < len(values) else Value("", None)
        report.cells[(table, row.id, col.id)] = value
        if not value.readable:
            report.findings.append(
                Finding("unreadable_cell", "warning", table, row.id, col.id, actual=value.raw,
                        message=f"单元格印为“{value.raw}”，不是数字；留空")
            )
    if len(values) > len(row.cols) and any(not v.blank for v in values[len(row.cols) :]):
        report.findings.append(
            Finding("extra_cells", "warning", table, row.id,
                    message=f"此行印了 {len(values)} 个单元格，格式只有 {len(row.cols)} 个；多出的单元格未采用")
        )


def _extract_appeals(report: Report, rows: list[list[str]], run_together: bool) -> None:
    """The appeals table is one line of 15 numbers in print, wherever the converter broke it."""
    values: list[Value] = []
    for cells in rows:
        cells = [part for cell in cells for part in split_cell(cell)]
        parsed = [parse_value(c) for c in cells]
        if not any(v.value is not None for v in parsed):
            continue
        last_text = max((i for i, v in enumerate(parsed) if not v.readable), default=-1)
        values.extend(parsed[last_text + 1 :])
    width = len(schema.APPEAL_COLS)
    size = len(schema.APPEALS.rows) * width
    if len(values) > size:
        values = _trim(values)
    while len(values) > size and values[0].blank:
        values = values[1:]
    report.row_ids["appeals"] = tuple(r.id for r in schema.APPEALS.rows)
    run = _as_run(values, size, run_together)
    if run is not None:
        found = decode.candidates(run.pieces, size, decode.groups_sum(width))
        if found and len(found) == 1 and (run.forced or decode.groups_sum(width)(found[0])):
            values = [Value(x, x.lstrip("+")) for x in found[0]]
        elif run.forced:
            report.undecided.update(("appeals", r.id) for r in schema.APPEALS.rows)
            report.findings.append(_ambiguous("appeals", "", run, found))
            values = [Value(run.text, None)] * size
    if len(values) != size:
        report.findings.append(
            Finding("appeals_shape", "warning", "appeals",
                    message=f"行政复议、行政诉讼表印了 {len(values)} 个单元格，格式有 {size} 个；"
                    + ("无法对应，全部留空" if len(values) > size else "缺少的单元格留空"))
        )
        if len(values) > size:
            values = []
    for i, row in enumerate(schema.APPEALS.rows):
        _place(report, "appeals", row, values[i * width : (i + 1) * width])
