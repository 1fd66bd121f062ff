"""The data page's files: the four CSV files of SCHEMA.md §6 as published, plus what researchers ask for
next: indicators, one wide table per template table (one row per report), an Excel-friendly copy, a data
dictionary, the id list with official labels, and a Frictionless Data Package (v2) describing them all.
"""

from __future__ import annotations

import json
import re
from decimal import localcontext
from typing import Callable

import pandas as pd

from .. import schema

META = ("report_id", "agency", "region", "year", "template")  # leading columns of every wide table

# file → column → (Frictionless type, description). The dictionary page, dictionary.csv and
# datapackage.json are all made from this one table.
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "reports.csv": {
        "report_id": ("string", "报告编号：<机构代码>-<年度>；未解析的文件为文件名的代码"),
        "source_file": ("string", "源文件在 data/reports/ 中的路径"),
        "source_sha256": ("string", "源文件的 SHA-256"),
        "source_format": ("string", "源文件格式（txt、md、html、pdf、docx、doc…）"),
        "agency": ("string", "机构的规范名称：全称，各年度相同（取该机构最新一份报告的名称；机构登记表有此机构时以登记表为准）"),
        "region": ("string", "机构所在地区，按国家行政区划以 / 分级：省/市/县（乡）；无法确定时为空"),
        "year": ("integer", "报告年度"),
        "template": ("string", "表格格式：gov2021、gov2019、pre2019"),
        "title": ("string", "报告标题"),
        "published": ("date", "发布日期"),
        "status": ("string", "解析状态：ok、warnings、failed、unsupported、duplicate"),
        "status_reason": ("string", "状态不是 ok 时的原因"),
        "agency_slug": ("string", "机构代码：由地名和机构名称的拼音生成，一经发布不再改变（机构更名亦然）"),
        "agency_printed": ("string", "本报告所印的机构名称（原样，可能是简称或有错字）"),
        "adcode": ("string", "机构所在地的行政区划代码（GB/T 2260，6 位）；开发区等无代码的，取其所属行政区划的代码；"
                   "乡级机构取所在县的代码"),
        "level": ("string", "层级：central（中央）、province（省级）、city（市级）、county（县级）、township（乡级）"),
        "agency_kind": ("string", "机构类别：government（人民政府及其办公厅/室、管委会）或 department（厅、局、委、办等部门）"),
        "identity_source": ("string", "机构、地区、层级由谁确定：document（报告本身）或 registry（data/sources.csv 的更正）"),
        "source_url": ("string", "原文网址"),
        "retrieved": ("date", "获取日期"),
        "duplicate_of": ("string", "与之字节相同的报告编号（status 为 duplicate 时）"),
        "superseded_by": ("string", "同一机构同一年度另有文件时，网站采用的那份的报告编号"),
        "read_by": ("string", "读取方式：text（文件自带的文字）、ocr（扫描件，由文字识别从页面图片读出）"),
    },
    "cells.csv": {
        "report_id": ("string", "报告编号"),
        "table": ("string", "表：proactive、requests、appeals"),
        "row": ("string", "行编号（见 ids.csv）"),
        "col": ("string", "列编号（见 ids.csv）"),
        "value": ("number", "报告所印的数字；空白、无法识别或有歧义时为空"),
        "raw": ("string", "单元格原文"),
        "unit": ("string", "单元格中印出的单位"),
    },
    "checks.csv": {
        "report_id": ("string", "报告编号"),
        "check": ("string", "校验编号：balance、outcomes_sum、row_total、appeals_total、carry_chain、text_vs_table…"),
        "severity": ("string", "error（报告自身算术不符）或 warning"),
        "table": ("string", "表"),
        "row": ("string", "行编号"),
        "col": ("string", "列编号"),
        "expected": ("string", "按规则由各部分算出的值"),
        "actual": ("string", "报告所印的值"),
        "message": ("string", "说明"),
    },
    "sections.csv": {
        "report_id": ("string", "报告编号"),
        "section": ("integer", "部分：1–6 对应一至六，0 为“一”之前的文字"),
        "heading": ("string", "标题"),
        "text": ("string", "正文"),
    },
    "indicators.csv": {
        "report_id": ("string", "报告编号"),
        "indicator": ("string", "指标编号（见指标页）"),
        "numerator": ("number", "分子"),
        "denominator": ("number", "分母"),
        "value": ("number", "分子 ÷ 分母；分母为 0 或空白时为空"),
        "small_denominator": ("boolean", "分母不足 10，比例仅供参考"),
    },
    "ids.csv": {
        "template": ("string", "表格格式"),
        "table": ("string", "表编号"),
        "table_title": ("string", "表的官方标题"),
        "row": ("string", "行编号"),
        "row_label": ("string", "行的官方名称"),
        "row_position": ("integer", "行在表中的位置（从 1 起）"),
        "col": ("string", "列编号"),
        "col_label": ("string", "列的官方名称"),
        "col_position": ("integer", "列在行中的位置（从 1 起）"),
    },
    "dictionary.csv": {
        "file": ("string", "文件"),
        "column": ("string", "列"),
        "type": ("string", "类型（Frictionless）"),
        "description": ("string", "含义"),
    },
}
PRIMARY_KEYS = {"reports.csv": ["report_id"], "cells.csv": ["report_id", "table", "row", "col"],
                "indicators.csv": ["report_id", "indicator"], "ids.csv": ["template", "table", "row", "col"]}
EXCEL_FILES = ("reports.csv", "checks.csv", "indicators.csv", "wide_requests.csv", "wide_appeals.csv")
# Not cells.csv: one row per cell passes Excel's limit of 1,048,576 rows at about 5,000 reports; the wide tables
# hold the same numbers one report a row.


def wide_tables() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """file → (table id, [(row, col)]). The proactive table differs between templates, so it gets one file
    per template; requests and appeals mean the same in both and share one (a row one template lacks is blank)."""
    wide = {}
    for template in schema.TEMPLATE_BY_ID.values():
        rows = template.tables["proactive"].rows
        wide[f"wide_proactive_{template.id}.csv"] = ("proactive", [(r.id, c.id) for r in rows for c in r.cols])
    for table_id in ("requests", "appeals"):
        pairs = {}
        for row in schema.REQUEST_ROWS if table_id == "requests" else schema.APPEALS.rows:
            for c in row.cols:
                pairs[(row.id, c.id)] = None
        wide[f"wide_{table_id}.csv"] = (table_id, list(pairs))
    return wide


def write_downloads(data: dict[str, pd.DataFrame], indicator_values: dict[str, list], shown: set[str],
                    write: Callable[[str, str | bytes], None]) -> None:
    """Write every download through `write(relative path, content)`.
    indicator_values: report_id → indicators.Value list, for the reports the site shows (`shown`)."""
    frames = {name: data[name.removesuffix(".csv")] for name in ("reports.csv", "cells.csv", "checks.csv", "sections.csv")}
    frames["indicators.csv"] = pd.DataFrame(
        [{"report_id": rid, "indicator": v.indicator.id, "numerator": _plain(v.numerator),
          "denominator": _plain(v.denominator), "value": _plain(v.rate, 6), "small_denominator": str(v.small).lower()}
         for rid, values in sorted(indicator_values.items()) for v in values],
        columns=list(COLUMNS["indicators.csv"]))
    frames["ids.csv"] = pd.DataFrame([
        {"template": t.id, "table": table.id, "table_title": table.title, "row": row.id, "row_label": row.label,
         "row_position": i, "col": col.id, "col_label": col.label, "col_position": j}
        for t in schema.TEMPLATE_BY_ID.values() for table in t.tables.values()
        for i, row in enumerate(table.rows, 1) for j, col in enumerate(row.cols, 1)])

    columns = dict(COLUMNS)  # plus the wide tables' columns, below
    reports = data["reports"]
    reports = reports[reports["report_id"].isin(shown)]
    cells = data["cells"]
    for name, (table_id, pairs) in wide_tables().items():
        template = name.removeprefix("wide_proactive_").removesuffix(".csv") if table_id == "proactive" else None
        meta = reports[reports["template"] == template] if template else reports
        part = cells[(cells["table"] == table_id) & cells["report_id"].isin(meta["report_id"])]
        values = part.pivot(index="report_id", columns=["row", "col"], values="value") if len(part) else None
        frame = meta[list(META)].set_index("report_id")
        for row, col in pairs:
            column = values[(row, col)] if values is not None and (row, col) in values.columns else None
            frame[f"{row}.{col}"] = column.reindex(frame.index).fillna("") if column is not None else ""
        frames[name] = frame.reset_index()
        columns[name] = {**{c: COLUMNS["reports.csv"][c] for c in META}, **{
            f"{row}.{col}": ("number", _cell_label(table_id, row, col, template)) for row, col in pairs}}

    frames["dictionary.csv"] = pd.DataFrame(
        [{"file": f, "column": c, "type": t, "description": d} for f, cols in columns.items() if f in frames or f == "dictionary.csv"
         for c, (t, d) in cols.items()], columns=list(COLUMNS["dictionary.csv"]))

    files: dict[str, dict] = {}  # name → rows, bytes, and the Excel copy's bytes: for the data page
    for name, frame in frames.items():
        text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        write(f"downloads/{name}", text)
        files[name] = {"rows": len(frame), "bytes": len(text), "excel_bytes": 0}
    for name in EXCEL_FILES:  # Excel opens UTF-8 only with a BOM, and runs text that starts like a formula
        text = ("\ufeff" + frames[name].map(_defuse).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")
        write(f"downloads/excel/{name}", text)
        files[name]["excel_bytes"] = len(text)
    write("downloads/datapackage.json", json.dumps(datapackage(columns, list(frames)), ensure_ascii=False, indent=1) + "\n")
    return files


def _plain(value, places: int | None = None) -> str:
    if value is None:
        return ""
    if places is not None:
        with localcontext() as context:  # a rate of a 26-digit total has more digits than the default 28
            context.prec = max(context.prec, len(value.as_tuple().digits) + places + 2)
            value = round(value, places)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell_label(table_id: str, row_id: str, col_id: str, template: str | None) -> str:
    t = schema.TEMPLATE_BY_ID[template or "gov2021"]
    rows = {r.id: r for r in (schema.REQUEST_ROWS if table_id == "requests" else t.tables[table_id].rows)}
    row = rows[row_id]
    col = next(c for c in row.cols if c.id == col_id)
    return f"{t.tables[table_id].title} · {row.label} · {col.label}"


_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")


def _defuse(value):
    """Text that Excel would run as a formula gets a leading ': anything that starts with =, +, -, @, a TAB
    or a CR (Excel strips the last two, then reads a formula), except a plain number such as -3 or 1.5."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def datapackage(columns: dict[str, dict[str, tuple[str, str]]], files: list[str]) -> dict:
    resources = []
    for name in files:
        schema_ = {"fields": [{"name": c, "type": t, "description": d} for c, (t, d) in columns[name].items()]}
        if name in PRIMARY_KEYS:
            schema_["primaryKey"] = PRIMARY_KEYS[name]
        if name not in ("reports.csv", "ids.csv", "dictionary.csv"):
            schema_["foreignKeys"] = [{"fields": ["report_id"],
                                       "reference": {"resource": "reports", "fields": ["report_id"]}}]
        resources.append({"name": name.removesuffix(".csv").replace("_", "-"), "path": name, "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "schema": schema_})
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "china-gov-info-disclosure-annual-reports",
        "title": "政府信息公开工作年度报告数据",
        "description": "中国行政机关政府信息公开工作年度报告中的统计表，逐个单元格，附校验结果、指标和正文。",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }
