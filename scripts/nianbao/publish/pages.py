"""The pages stage: data/csv/*.csv (and the registry) → Markdown pages, charts and downloads under docs/.

Reads the CSV files only, never the parser, so the site shows exactly the published data. Report text
is untrusted: every page goes through Jinja2 with autoescape on, and report text only ever lands inside
raw HTML blocks, where Markdown does not interpret it. Files are rewritten only when their content
changes, and generated files that are no longer produced are removed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import paths, schema
from ..isolate import default_jobs
from .charts import Chart, Rendering, bar_chart, line_chart
from .downloads import COLUMNS, _defuse, write_downloads
from .indicators import INDICATORS, SMALL_NUMBER, Value, compute, row_total, rows_total, sum_known

HAND_WRITTEN = ("about.md", "search.md", "assets")  # everything else under docs/ is generated
SERVED_AS_IS = (".txt", ".pdf", ".docx", ".doc", ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # no browser or MkDocs renders these as markup
LEVELS = {"central": "中央", "province": "省级", "city": "市级", "county": "县级", "township": "乡级"}
STATUS_LABELS = {"ok": "已解析", "warnings": "已解析（有校验提示）", "failed": "解析失败", "unsupported": "暂不支持",
                 "duplicate": "重复文件"}
# Every check id of checks.csv in plain words, grouped as the data-quality page lists them.
CHECK_NAMES = {
    "balance": "收支不平衡：新收 + 上年结转 ≠ 办结总计 + 结转下年度",
    "outcomes_sum": "办理结果之和 ≠（七）总计",
    "row_total": "各类申请人之和 ≠ 总计",
    "appeals_total": "复议或诉讼各项之和 ≠ 总计",
    "text_vs_table": "正文所述数字与表格不符",
    "carry_chain": "上年结转 ≠ 上一年度报告的结转下年度",
    "conflict": "同一机构同一年度另有报告文件",
    "ambiguous_digits": "数字连写，无法唯一拆分",
    "unreadable_bytes": "文件中有无法解码的字节",
    "long_text": "正文超长，已截断",
    "unplaced_row": "有数字行无法对应到表格行",
    "duplicate_row": "同一行印了两次",
    "unreadable_cell": "单元格不是数字",
    "extra_cells": "单元格多于格式",
    "appeals_shape": "复议诉讼表单元格数与格式不符",
    "agency_unknown": "报告未写明发布机关",
    "place_ambiguous": "机关名称中的地名对应多个行政区划",
    "place_corrected": "机关名称中的地名有错字，已按行政区划更正",
    "more_findings": "提示过多，未全部列出",
    "ocr": "扫描件文字识别没有把握或未读完",
    "ocr_unsure": "扫描件中看不清的数字，留空",
    "ocr_by_arithmetic": "扫描件中看不清、由表内合计确定的数字",
    "place_unknown": "机关名称中的地名不是现行行政区划",
    "agency_incomplete": "报告未写明发布机关所在的地区",
    "table_not_printed": "报告未印出行政复议、行政诉讼情况表",
    "table_unread": "表格的大部分单元格未能读出",
}
ARITHMETIC = ("balance", "outcomes_sum", "row_total", "appeals_total")
# Those checks failed only through a 总计 left blank (severity "warning"): no proof of an arithmetic error.
BLANK_TOTAL = "“总计”未填写时的不符（不一定是算术错误）"
QUALITY_GROUPS = (
    ("报告自身的算术不符", ARITHMETIC),
    (BLANK_TOTAL, ()),
    ("正文与表格矛盾", ("text_vs_table",)),
    ("与上一年度报告的结转不衔接", ("carry_chain",)),
    ("解析时的提示", ("ambiguous_digits", "unreadable_bytes", "long_text", "unplaced_row", "duplicate_row",
                   "unreadable_cell", "extra_cells", "appeals_shape", "table_not_printed", "table_unread",
                   "more_findings", "ocr", "ocr_unsure", "ocr_by_arithmetic")),
    ("发布机关与地区", ("agency_unknown", "agency_incomplete", "place_ambiguous", "place_corrected", "place_unknown")),
)


@dataclass
class Figures:
    """The key figures of one report, as used on summary tables (totals fall back to the sum of parts)."""

    new_received: Decimal | None
    handled: Decimal | None
    disclosed: Decimal | None
    refused: Decimal | None
    review: Decimal | None
    suits: Decimal | None
    errors: int


@dataclass
class ReportPage:
    meta: dict
    cells: list[tuple]  # rows of cells.csv, checks.csv, sections.csv for this report, as named tuples
    checks: list[tuple]
    sections: list[tuple]
    figures: Figures
    agency_name: str
    url: str  # relative to the site root, e.g. "panzhihua-nddo/2019/"
    indicators: dict[str, Value]
    charts: list[Chart] = field(default_factory=list)
    no_chart: str = ""  # why no chart is drawn, in words true of this report
    previous: ReportPage | None = None  # the same agency's report of the year before (or the latest before)
    next: ReportPage | None = None


class PageWriter:
    """Writes generated files, skipping those whose content is unchanged, and removes stale ones."""

    def __init__(self, docs: Path):
        self.docs = docs
        self.written: set[Path] = set()
        self.changed = 0

    def write(self, rel: str, content: str | bytes) -> None:
        path = self.docs / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.written.add(path)
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.changed += 1

    def remove_stale(self) -> int:
        removed = 0
        for path in sorted(self.docs.rglob("*"), reverse=True):
            rel = path.relative_to(self.docs)
            if rel.parts[0] in HAND_WRITTEN:
                continue
            if path.is_file() and path not in self.written:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return removed


def copy_hand_written(docs: Path) -> None:
    """The repository's hand-written pages and assets into another docs folder (tests, benchmarks)."""
    docs.mkdir(parents=True, exist_ok=True)
    for name in HAND_WRITTEN:
        source, target = paths.DOCS / name, docs / name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)


def load_csv(csv_dir: Path) -> dict[str, pd.DataFrame]:
    missing = [name for name in paths.CSV_FILES if not (csv_dir / name).exists()]
    if missing:
        raise FileNotFoundError(f"{csv_dir} lacks {', '.join(missing)}: run `invoke parse` first")
    return {
        name.removesuffix(".csv"): pd.read_csv(csv_dir / name, dtype=str, keep_default_na=False)
        for name in paths.CSV_FILES
    }


def build_pages(csv_dir: Path = paths.CSV, docs: Path = paths.DOCS, reports_dir: Path = paths.REPORTS,
                agencies_csv: Path = paths.AGENCIES, cache: Path = paths.CACHE / "charts",
                site_url: str = "", jobs: int = 0, repo_url: str = "") -> str:
    """site_url: where the site is published (mkdocs.yml's site_url), for the addresses in citations;
    jobs: processes that render charts (0: one per core); repo_url: the GitHub repository whose issue form
    the 数据纠错 links open (without it they lead to the about page's contact section)."""
    jobs = jobs or default_jobs()
    data = load_csv(csv_dir)
    agencies = pd.read_csv(agencies_csv, dtype=str, keep_default_na=False) if agencies_csv.exists() else None
    names = dict(zip(agencies["slug"], agencies["name"])) if agencies is not None else {}
    env = Environment(loader=FileSystemLoader(paths.TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(num=format_number, pct=format_rate, yaml_str=yaml_string, web_url=web_url, data_row=data_row,
                       region_top=lambda region: region.split("/")[0], paragraphs=paragraphs, size=format_size,
                       ids_as_code=ids_as_code, groupby_pair=groupby_pair)
    env.globals.update(LEVELS=LEVELS, STATUS_LABELS=STATUS_LABELS, SMALL_NUMBER=SMALL_NUMBER, CHECK_NAMES=CHECK_NAMES)
    out = PageWriter(docs)
    site_url = site_url.rstrip("/") + "/"

    reports = data["reports"]
    # One page per agency-year: a file superseded by another for the same agency and year has none.
    parsed = reports[reports["status"].isin(["ok", "warnings"]) & (reports["superseded_by"] == "")]
    # chosen report_id → the files for the same agency and year that it was chosen over
    passed_over = {rid: group.to_dict("records")
                   for rid, group in reports[reports["superseded_by"] != ""].groupby("superseded_by")}
    cells_by_report, checks_by_report, sections_by_report = (
        rows_by_report(data[name]) for name in ("cells", "checks", "sections"))

    pages: list[ReportPage] = []
    skipped: list[str] = []  # reports whose page could not be made: named in the summary, never the run's end
    for meta in parsed.to_dict("records"):
        rid = meta["report_id"]
        cells = cells_by_report.get(rid, [])
        checks = checks_by_report.get(rid, [])
        try:
            lookup = cell_lookup(cells)
            page = ReportPage(
                meta, cells, checks, sections_by_report.get(rid, []), key_figures(lookup, checks),
                names.get(meta["agency_slug"], meta["agency"]) or "机构不详", report_url(meta),
                {v.indicator.id: v for v in compute(lookup)},
            )
            page.charts = report_charts(page, lookup)
        except Exception as e:  # noqa: BLE001  one report's data must not stop the pages of the others
            skipped.append(f"{meta['source_file']}: {type(e).__name__}: {str(e)[:200]}")
            continue
        pages.append(page)
    by_agency: dict[str, list[ReportPage]] = {}
    for page in sorted(pages, key=lambda p: p.meta["year"]):
        by_agency.setdefault(page.meta["agency_slug"], []).append(page)
    for slug, agency_pages in by_agency.items():
        if slug:
            for before, after in pairwise(agency_pages):
                before.next, after.previous = after, before
    agency_charts = {slug: agency_chart(agency_pages) for slug, agency_pages in by_agency.items()}
    charts = Rendering([c for p in pages for c in p.charts] + [c for c in agency_charts.values() if c], cache, jobs)

    report_template = env.get_template("report.md.j2")

    def write_report_page(page: ReportPage) -> None:
        meta = page.meta
        try:
            tables = render_tables(meta["template"], page.cells)
            markdown = report_template.render(
                p=page, tables=tables, lead=lead_sentence(page), source_link=copy_source(out, meta, reports_dir),
                superseded=passed_over.get(meta["report_id"], []), page_address=site_url + page.url,
                correction=correction_link(repo_url, page, site_url + page.url))
            data_csv = page_data_csv(page.cells, meta["template"])
        except Exception as e:  # noqa: BLE001  as above: this report's page is missing, the others are made
            skipped.append(f"{meta['source_file']}: {type(e).__name__}: {str(e)[:200]}")
            return
        out.write(page.url.rstrip("/") + ".md", markdown)
        out.write(page.url.rstrip("/") + ".csv", data_csv)
        for i, chart in enumerate(page.charts, 1):
            out.write(f"{page.url.rstrip('/')}-chart-{i}.svg", chart.svg)

    for page in pages:  # while the charts render
        if not page.charts:
            write_report_page(page)
    other_files = reports[~reports["status"].isin(["ok", "warnings"])]
    years = sorted({p.meta["year"] for p in pages}, reverse=True)
    for i, year in enumerate(years):  # latest first
        year_pages = sorted((p for p in pages if p.meta["year"] == year), key=lambda p: p.agency_name)
        out.write(f"years/{year}.md", env.get_template("year.md.j2").render(
            year=year, pages=year_pages, next=years[i - 1] if i else "",
            previous=years[i + 1] if i + 1 < len(years) else ""))
    out.write("years/index.md", env.get_template("years.md.j2").render(
        years=[(y, sum(p.meta["year"] == y for p in pages)) for y in years]))
    by_year = sorted(pages, key=lambda p: (p.meta["year"], p.agency_name))
    parts = table_parts(by_year)
    out.write("compare.md", env.get_template("compare.md.j2").render(pages=by_year, parts=parts))
    out.write("indicators.md", env.get_template("indicators.md.j2").render(
        pages=by_year, indicators=INDICATORS, parts=parts))
    for part in parts:
        for name, title, indicators in (("compare", "跨机构比较", None), ("indicators", "指标", INDICATORS)):
            out.write(f"{name}/{part.slug}.md", env.get_template("table_part.md.j2").render(
                part=part, title=title, indicators=indicators, back=f"../{name}.md"))

    download_files = write_downloads(data, {p.meta["report_id"]: list(p.indicators.values()) for p in pages},
                                     {p.meta["report_id"] for p in pages}, out.write)
    out.write("data.md", env.get_template("data.md.j2").render(
        counts=reports["status"].value_counts().to_dict(), total=len(reports), files=download_files,
        data_date=max([d for d in reports["published"].tolist() + reports["retrieved"].tolist() if d], default=""),
        unparsed=other_files.to_dict("records")))
    out.write("ids.md", env.get_template("ids.md.j2").render(templates=schema.TEMPLATE_BY_ID, columns=COLUMNS))
    out.write("quality.md", env.get_template("quality.md.j2").render(
        groups=quality_groups(pages), total=len(pages), conflicts=[
            (page, [(other, differing_cells(page.cells, cells_by_report.get(other["report_id"], [])))
                    for other in passed_over[page.meta["report_id"]]])
            for page in pages if page.meta["report_id"] in passed_over],
        unparsed=len(other_files)))
    out.write("index.md", env.get_template("index.md.j2").render(
        pages=sorted(pages, key=lambda p: (p.meta["year"], p.meta["published"]), reverse=True),
        agencies=len(set(reports["agency_slug"]) - {""}), years=years, total=len(reports),
        regions=sorted({r.split("/")[0] for r in reports["region"] if r}),
        requests=sum((p.figures.new_received or 0) for p in pages)))
    charts.finish()
    for page in pages:
        if page.charts:
            write_report_page(page)
    agency_rows = []
    files_by_agency = dict(tuple(other_files.groupby("agency_slug", sort=False)))
    # Every agency has a page, also one whose files all predate the national tables.
    for slug in sorted((set(by_agency) | set(files_by_agency)) - {""}):
        agency_pages = by_agency.get(slug, [])
        files = files_by_agency.get(slug, other_files.iloc[0:0]).sort_values("year").to_dict("records")
        name = names.get(slug) or (agency_pages[0].agency_name if agency_pages else files[0]["agency"])
        latest = agency_pages[-1].meta if agency_pages else files[-1]
        chart = agency_charts.get(slug)
        if chart:
            out.write(f"{slug}/trend.svg", chart.svg)
        out.write(f"{slug}/index.md", env.get_template("agency.md.j2").render(
            name=name, pages=agency_pages, files=files, chart=chart, latest=latest,
            no_chart=agency_no_chart(agency_pages) if not chart else "",
            printed_names=sorted({p.meta["agency_printed"] for p in agency_pages if p.meta["agency_printed"]})))
        agency_rows.append({"slug": slug, "name": name, "pages": agency_pages, "latest": latest,
                            "file_years": sorted({f["year"] for f in files if f["year"]})})

    out.write("agencies.md", env.get_template("agencies.md.j2").render(agencies=agency_rows))
    removed = out.remove_stale()
    return f"pages: {len(pages)} report pages, {len(agency_rows)} agencies, {len(years)} years; " \
           f"{out.changed} files written, {removed} stale removed → {docs}" + \
           "".join(f"\npages: no page for {line}" for line in skipped)


TABLE_PAGE_ROWS = 500  # a comparison table longer than this is split into one page per year and region


@dataclass
class TablePart:
    year: str
    region: str  # province/city: the first two levels of the region
    pages: list[ReportPage]

    @property
    def slug(self) -> str:  # stable as the corpus grows: the same year and region keep their address
        return f"{self.year}-" + hashlib.sha1(self.region.encode("utf-8")).hexdigest()[:8]

    @property
    def count(self) -> int:
        return len(self.pages)


def table_parts(pages: list[ReportPage]) -> list[TablePart]:
    """No parts for a table that fits one page; past TABLE_PAGE_ROWS, one part per year and region
    (latest year first), so that a phone never loads thousands of rows."""
    if len(pages) <= TABLE_PAGE_ROWS:
        return []
    groups: dict[tuple[str, str], list[ReportPage]] = {}
    for page in pages:
        region = "/".join(page.meta["region"].split("/")[:2])
        groups.setdefault((page.meta["year"], region), []).append(page)
    return [TablePart(year, region, group)
            for (year, region), group in sorted(groups.items(), key=lambda kv: (-int(kv[0][0] or 0), kv[0][1]))]


def report_url(meta: dict) -> str:
    """'panzhihua-nddo-2019' → 'panzhihua-nddo/2019/': stable, ASCII, one folder per agency."""
    rid, slug = meta["report_id"], meta["agency_slug"]
    if not slug:  # agency unknown: the report still gets a page, outside any agency's folder
        return f"reports/{rid}/"
    return f"{slug}/{rid[len(slug) + 1:]}/"


# ---- figures ------------------------------------------------------------------------------------------


def rows_by_report(frame: pd.DataFrame) -> dict[str, list[tuple]]:
    """report_id → its rows as named tuples, in file order. Built from whole columns at once: reading a
    pandas string column value by value costs ten times more, and a site has millions of cells."""
    Row = namedtuple("Row", frame.columns)
    grouped: dict[str, list[tuple]] = {}
    for row in map(Row._make, zip(*(frame[c].tolist() for c in frame.columns))):
        grouped.setdefault(row.report_id, []).append(row)
    return grouped


def cell_lookup(cells: list[tuple]) -> dict[tuple[str, str, str], str]:
    return {(c.table, c.row, c.col): c.value for c in cells}


def request_rows(c: dict) -> list[str]:
    """The requests rows a report uses, in template order."""
    return list(dict.fromkeys(r for (t, r, _) in c if t == "requests"))


def key_figures(c: dict, checks: list[tuple]) -> Figures:
    return Figures(
        new_received=row_total(c, "requests", "new_received"),
        handled=row_total(c, "requests", "total_handled"),
        disclosed=sum_known([row_total(c, "requests", "granted"), row_total(c, "requests", "partially_granted")]),
        refused=rows_total(c, "denied_"),
        review=row_total(c, "appeals", "review"),
        suits=sum_known([row_total(c, "appeals", "suit_direct"), row_total(c, "appeals", "suit_after_review")]),
        errors=sum(1 for f in checks if f.severity == "error"),
    )


def format_number(value) -> str:
    """'1234.50' → '1,234.5'. Never through int(), which refuses numbers of thousands of digits; text that
    is no number is shown as it is."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(value) if not isinstance(value, Decimal) else value
        if d != d.to_integral():
            return f"{d:,f}".rstrip("0").rstrip(".")
        return f"{d.to_integral_value():,f}"
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


_MARKUP_CHARS = re.compile(r"""[<>&"'`\\\s]+""")


def yaml_string(value: str) -> Markup:
    """A front-matter value: the one place report text enters front matter. The theme prints front matter
    into <title> and <meta content="…"> without escaping it, so characters that could open markup or close
    the attribute are dropped; so is every character YAML does not allow in a document (controls, C1,
    U+FFFE …), which would make MkDocs render the whole front matter as Markdown. Only printable characters
    stay, in a JSON string: valid YAML, and Chinese stays readable."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return Markup(json.dumps(" ".join(_MARKUP_CHARS.sub(" ", text).split()), ensure_ascii=False))


def web_url(value: str) -> str:
    """A link target from the data: only http(s) URLs, so that a `javascript:` address never becomes a link."""
    return value if re.match(r"https?://", value or "", re.I) else ""


def format_size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} 字节"


def count(value, unit: str = "件") -> str:
    """A figure in a sentence: the number, or what the report did instead of printing it."""
    return "未填写" if value is None else f"{format_number(value)} {unit}"


def lead_sentence(page: ReportPage) -> str:
    """What a reader asks first, from this report's own figures (blank figures are said to be blank)."""
    f = page.figures
    return (f"{page.agency_name} {page.meta['year']} 年新收政府信息公开申请 {count(f.new_received)}，"
            f"办结 {count(f.handled)}，其中予以公开或部分公开 {count(f.disclosed)}；"
            f"因政府信息公开被申请行政复议 {count(f.review)}，被提起行政诉讼 {count(f.suits)}。")


def correction_link(repo_url: str, page: ReportPage, address: str) -> str:
    """The 数据纠错 link: the repository's issue form with the page filled in, or the about page's contact
    section when the repository is not known."""
    if not web_url(repo_url):
        return "../../about/#联系与纠错"
    query = urlencode({"template": "data-error.yml", "title": f"数据纠错：{page.agency_name} {page.meta['year']}",
                       "page": address})
    return f"{repo_url.rstrip('/')}/issues/new?{query}"


_SENTENCE_END = tuple("。！？；：…”」』）)")
_ITEM_START = re.compile(r"^\s*(（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、|\d+[.、．]|[一二三四五六七八九十]是)")


def _is_heading(line: str) -> bool:
    """（一）主动公开: a short numbered line without a sentence in it stands alone."""
    return bool(_ITEM_START.match(line)) and len(line) <= 30 and "。" not in line


def paragraphs(text: str) -> list[str]:
    """A section's text as paragraphs. Lines that the source broke inside a sentence (a PDF's line width)
    are joined: a paragraph ends at a line ending a sentence, after a numbered heading, or before a line
    starting a numbered item."""
    result: list[str] = []
    for line in (l.strip() for l in text.split("\n")):
        if not line:
            continue
        if result and not result[-1].endswith(_SENTENCE_END) and not _ITEM_START.match(line) \
                and not _is_heading(result[-1]):
            joint = " " if result[-1][-1:].isascii() and result[-1][-1:].isalnum() and line[0].isascii() else ""
            result[-1] += joint + line
        else:
            result.append(line)
    return result


def groupby_pair(rows: list[dict], first: str, second: str) -> list[tuple[tuple[str, str], list[dict]]]:
    """Rows grouped by two keys, the groups in the order of their first row."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row[first], row[second]), []).append(row)
    return list(groups.items())


def ids_as_code(text: str) -> Markup:
    """A description that names ids (ok、warnings、failed …): the ids set as code, the rest escaped."""
    parts = re.split(r"([A-Za-z][\w./-]*)", text)  # odd items are the ids
    return Markup("".join(f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)))


def format_rate(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def differing_cells(chosen: list[tuple], other: list[tuple]) -> list[tuple[str, str, str]]:
    """The cells in which another file for the same agency-year differs from the one shown:
    ('requests.new_received.total', value shown, other value), in template order."""
    a, b = cell_lookup(chosen), cell_lookup(other)
    return [(".".join(key), a.get(key, ""), b.get(key, "")) for key in dict.fromkeys([*a, *b])
            if a.get(key, "") != b.get(key, "")]


def quality_groups(pages: list[ReportPage]) -> list[tuple[str, list[tuple[ReportPage, list]]]]:
    """For each group of checks, the reports with findings in it and those findings."""
    group_of = {check: title for title, checks in QUALITY_GROUPS for check in checks}
    groups: dict[str, list] = {title: [] for title, _ in QUALITY_GROUPS}
    for page in pages:
        found: dict[str, list] = {}
        for finding in page.checks:
            if finding.check in group_of:
                title = BLANK_TOTAL if finding.check in ARITHMETIC and finding.severity != "error" else group_of[finding.check]
                found.setdefault(title, []).append(finding)
        for title, findings in found.items():
            groups[title].append((page, findings))
    return list(groups.items())


# ---- tables as printed -----------------------------------------------------------------------------------


@dataclass
class TableRow:
    label: str
    cells: list[dict]  # {"value": str, "raw": str, "unit": str}
    depth: int = 0
    group: bool = False


def data_row(row: TableRow) -> Markup:
    """One row of numbers as HTML (autoescaped like the templates). Most rows of most reports are the
    same zeros under the same label, so rows are kept by content: 10,000 report pages render in a
    fraction of the time a template loop over every cell takes."""
    return _data_row(row.label, row.depth, tuple((c["value"], c["raw"], c["unit"]) for c in row.cells))


@lru_cache(maxsize=65536)
def _data_row(label: str, depth: int, cells: tuple[tuple[str, str, str], ...]) -> Markup:
    html = [f'<tr><th class="nb-depth-{depth}">{escape(label)}</th>']
    for value, raw, unit in cells:
        if value:
            title = f' title="印为：{escape(raw)}"' if raw != value else ""
            html.append(f'<td class="nb-num"{title}>{escape(format_number(value))}'
                        f'{" " + escape(unit) if unit else ""}</td>')
        elif raw:  # printed, but no number could be decided from it: say so, never show it as a value
            html.append(f'<td class="nb-num nb-undecided" title="印为：{escape(raw)}">无法确定</td>')
        else:
            html.append('<td class="nb-num nb-blank" title="报告未填写"></td>')
    return Markup("".join(html) + "</tr>")


def render_tables(template_id: str, cells: list[tuple]) -> dict[str, dict]:
    """The three tables in template order with the official labels, ready for the page template."""
    template = schema.TEMPLATE_BY_ID[template_id]
    index = {(c.table, c.row, c.col): {"value": c.value, "raw": c.raw, "unit": c.unit} for c in cells}
    tables = {}
    for table_id in schema.TABLES:
        table = template.tables[table_id]
        row_ids = list(dict.fromkeys(r for (t, r, _) in index if t == table_id))
        rows: list[TableRow] = []
        header: tuple = ()
        shown_groups = set()
        for row_id in row_ids:
            row = template.row(table_id, row_id)
            if table_id == "proactive" and row.cols != header:  # the proactive table changes columns per row group
                header = row.cols
                rows.append(TableRow("信息内容", [{"value": c.label} for c in row.cols], group=True))
            depth = 0
            if table_id == "requests" and row_id in schema.OUTCOME_ROWS:
                depth = 1
                if "三、本年度办理结果" not in shown_groups:
                    shown_groups.add("三、本年度办理结果")
                    rows.append(TableRow("三、本年度办理结果", [], group=True))
                for prefix, heading in schema.OUTCOME_GROUPS:
                    if row_id.startswith(prefix) and row_id != "other":
                        depth = 2
                        if heading not in shown_groups:
                            shown_groups.add(heading)
                            rows.append(TableRow(heading, [], depth=1, group=True))
            rows.append(TableRow(row.label, [index[(table_id, row_id, c.id)] for c in row.cols], depth))
        cols = [c.label for c in template.row(table_id, row_ids[0]).cols] if row_ids and table_id != "proactive" else []
        # Cells printed but undecided, with what was printed: shown under the table, not only on hover.
        undecided = [(template.row(table_id, r).label, col_label(template.row(table_id, r), c), v["raw"])
                     for (t, r, c), v in index.items() if t == table_id and v["raw"] and not v["value"]]
        tables[table_id] = {"title": table.title, "cols": cols, "rows": rows, "undecided": undecided}
    return tables


def col_label(row, col_id: str) -> str:
    return next((c.label for c in row.cols if c.id == col_id), col_id)


PAGE_CSV_HEADER = ("表格", "行", "列", "数值", "印为", "单位", "report_id", "table", "row", "col")


def page_data_csv(cells: list[tuple], template_id: str) -> str:
    """A report's own cells for a reader with a spreadsheet: the official labels beside the ids of
    SCHEMA.md, with a BOM so that Excel reads the Chinese as UTF-8."""
    template = schema.TEMPLATE_BY_ID[template_id]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PAGE_CSV_HEADER)
    for c in cells:
        row = template.row(c.table, c.row)
        writer.writerow((template.tables[c.table].title, row.label, col_label(row, c.col), c.value, _defuse(c.raw),
                         _defuse(c.unit), c.report_id, c.table, c.row, c.col))
    return "\ufeff" + buffer.getvalue()


MAX_NAME_BYTES = 200  # a served file's name; file systems allow 255 bytes, and ".txt" is added to some


def copy_source(out: PageWriter, meta: dict, reports_dir: Path) -> str:
    """Offer the source file for download, in a folder of its report id (two files never share a path,
    whatever their names). HTML and Markdown are served as .txt: MkDocs would render a .md file as a page
    and a browser an .html one, and a report's markup must never run here. Only a regular file is copied,
    never what a link points to."""
    src = reports_dir / meta["source_file"]
    if src.is_symlink() or not src.is_file():
        return ""
    name = src.name + ("" if src.suffix.lower() in SERVED_AS_IS else ".txt")
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        name = meta["report_id"] + (src.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", src.suffix.lower()) else "")
        name += "" if src.suffix.lower() in SERVED_AS_IS else ".txt"
    out.write(f"sources/{meta['report_id']}/{name}", src.read_bytes())
    return f"sources/{meta['report_id']}/{name}"


# ---- charts -----------------------------------------------------------------------------------------------

OUTCOME_CATEGORIES = (
    ("予以公开", ("granted",)),
    ("部分公开", ("partially_granted",)),
    ("不予公开", ("denied_",)),
    ("无法提供", ("unavailable_",)),
    ("不予处理", ("rejected_",)),
    ("其他处理", ("other",)),
)


CHART_MIN_ITEMS = 20  # fewer requests than this spread over six categories is noise the table states plainly


def report_charts(page: ReportPage, c: dict) -> list[Chart]:
    """How requests were answered, drawn when the chart says more than the table beside it: at least
    CHART_MIN_ITEMS requests, in at least two categories. (Who asked is one row of the table, and its
    share the 自然人申请占比 indicator: no chart.)"""
    rows = request_rows(c)
    outcomes = pd.DataFrame([
        {"category": name, "count": float(sum_known(row_total(c, "requests", r) for r in rows
                                               if any(r.startswith(p) for p in prefixes)) or 0)}
        for name, prefixes in OUTCOME_CATEGORIES
    ])
    total = int(outcomes["count"].sum())
    if total == 0:
        page.no_chart = "本报告的办理结果各项都是 0 或空白，不绘制办理结果图。"
        return []
    if total < CHART_MIN_ITEMS:
        page.no_chart = f"本年度办理结果共 {total} 件，不足 {CHART_MIN_ITEMS} 件，上面的表格已一目了然，不绘制图表。"
        return []
    if (outcomes["count"] > 0).sum() < 2:
        page.no_chart = "本年度的办理结果都属于同一类，不绘制图表。"
        return []
    agency, year = page.agency_name, page.meta["year"]
    return [bar_chart(outcomes, f"{year} 年申请办理结果",
                      f"{agency} {year} 年办理的政府信息公开申请按办理结果分类的件数。")]


def agency_no_chart(pages: list[ReportPage]) -> str:
    """Why the agency page draws no trend chart, in words true of its reports."""
    if len(pages) < 2:
        return "目前只有一个年度的报告有表格数据，尚无法绘制趋势图。" if pages else "本机构的报告都没有可提取的表格数据。"
    return f"各年度的申请和办结都不足 {CHART_MIN_ITEMS} 件，上表已一目了然，不绘制趋势图。"


def agency_chart(pages: list[ReportPage]) -> Chart | None:
    """The agency's requests across years: drawn for two years or more with, in some year, CHART_MIN_ITEMS
    requests or more (below that the table of years says it all)."""
    if len(pages) < 2:
        return None
    series = (("新收申请", "new_received"), ("办结总计", "handled"), ("予以公开+部分公开", "disclosed"))
    data = pd.DataFrame([
        {"year": p.meta["year"], "series": name, "count": float(getattr(p.figures, attr))}
        for p in pages for name, attr in series if getattr(p.figures, attr) is not None
    ])
    if data.empty or data["count"].max() < CHART_MIN_ITEMS:
        return None
    name = pages[0].agency_name
    return line_chart(data, "历年申请与办理", f"{name} 各年度新收申请、办结总计和予以公开加部分公开的件数。")
