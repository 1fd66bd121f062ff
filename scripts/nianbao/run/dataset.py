"""The parse stage: every report file → reports.csv, cells.csv, checks.csv, sections.csv (SCHEMA.md §6).

One bad file costs one line in reports.csv, never the run. Output is deterministic: files are taken in
sorted order, rows are sorted, so two runs on the same input write byte-identical CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from .. import schema
from ..isolate import Failure, default_jobs, run_isolated
from ..parse.checks import Finding, carry_chain
from ..parse.extract import Report, checked_findings, extract_report
from ..parse.identity import Identity, identify
from ..parse.readers import ReadError, Unsupported, read_document
from ..parse.readers.ocr import engine_id
from ..parse.registry import Registry, file_slug
from ..parse.values import (MAX_DIGITS, MAX_YEAR, MIN_YEAR, Value, stored_number, valid_date, valid_year,
                           within_bounds)
from .listing import Listed, hash_regular, list_entries, read_regular
from .parse_cache import ParseCache, code_version

REPORT_COLUMNS = (
    "report_id", "source_file", "source_sha256", "source_format", "agency", "region", "year", "template",
    "title", "published", "status", "status_reason",
    # beyond SCHEMA.md's list:
    "agency_slug", "agency_printed", "adcode", "level", "agency_kind", "identity_source", "source_url", "retrieved",
    "duplicate_of", "superseded_by",
    "read_by",  # "ocr": read from pictures of the pages (a scan); "text": from the file's own text
)
CELL_COLUMNS = ("report_id", "table", "row", "col", "value", "raw", "unit")
CHECK_COLUMNS = ("report_id", "check", "severity", "table", "row", "col", "expected", "actual", "message")
SECTION_COLUMNS = ("report_id", "section", "heading", "text")
STATUSES = ("ok", "warnings", "failed", "unsupported", "duplicate")


@dataclass
class Entry:
    """One input file and what became of it."""

    source_file: str
    sha256: str
    format: str
    status: str = "ok"
    reason: str = ""
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    report_id: str = ""
    duplicate_of: str = ""
    superseded_by: str = ""  # another file for the same agency and year, which the site shows instead
    identity: Identity | None = None  # who published it, as the document says (parse/identity.py)
    decided: Identity | None = None  # … and as decided with the registry (assign_identities)
    identity_source: str = ""  # document or registry
    agency: str = ""  # the agency's canonical name: its newest report's, or the registry's
    agency_slug: str = ""
    read_by: str = ""  # the Document's: "text" or "ocr"; "" when the file could not be read


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Past either limit the file is `failed` with the limit as its reason."""

    max_mb: float = 64.0  # generous: the corpus's reports, PDFs included, are under 1 MB each
    seconds: float = 120.0  # generous: a report PDF reads at 10–20 pages a second here (invoke bench-parse)
    memory_mb: float = 2048.0  # generous: the whole build of the shipped reports peaks at ~250 MB

    def seconds_for(self, size: int) -> float:
        """A file's time limit grows with its size, up to `seconds`: a PDF of a few KB whose forms draw
        each other ten times over must not hold a worker for two minutes. (OCR, which a scan's size says
        nothing of, asks for its own bounded budget: readers/ocr.py.)"""
        return round(min(self.seconds, 10.0 + 20.0 * size / 1e6), 1)


def parse_file(path: Path, source_file: str, data: bytes) -> Entry:
    """Read, extract and check one file. Never raises: every failure becomes a status and a reason."""
    entry = Entry(source_file, hashlib.sha256(data).hexdigest(), _format(path))
    try:
        _read_and_check(entry, path, data)
    except Unsupported as e:
        entry.status, entry.reason = "unsupported", str(e)
    except ReadError as e:
        entry.status, entry.reason = "failed", str(e)
    except MemoryError:
        entry.status, entry.reason = "failed", "读取此文件所需的内存超过单个文件的上限，已放弃"
    except Exception as e:  # noqa: BLE001  a bug on one file's content must not take the run down; say what happened
        entry.status, entry.reason = "failed", f"读取时出现内部错误：{type(e).__name__}: {str(e)[:300]}"
    else:
        return entry
    entry.report, entry.findings = None, []
    return entry


def _read_and_check(entry: Entry, path: Path, data: bytes) -> None:
    doc = read_document(path, data)
    entry.read_by = doc.read_by
    report = extract_report(doc)
    # What OCR was unsure of or left unread is said where the report's other warnings are.
    report.findings += [Finding("ocr", "warning", message=warning) for warning in doc.warnings]
    entry.identity = identify(doc.rows, report.title, doc.text, doc.meta)
    _bound_values(report)
    _placeholder_cells(report, doc.rows)
    entry.report = report
    if report.template == "pre2019":
        entry.status = "unsupported"
        entry.reason = "2019 年以前的报告：当时还没有全国统一的统计表格（2019 年格式和 2021 年格式）"
    elif report.template == "unknown":
        entry.status = "unsupported"
        entry.reason = "未能识别为政府信息公开工作年度报告"
    elif report.problem:
        entry.status, entry.reason = "failed", report.problem
    elif not valid_year(report.year):
        entry.status = "failed"
        entry.reason = (f"报告年度 {report.year} 不在 {MIN_YEAR}–{MAX_YEAR} 年之间，无法确定这是哪一年的报告" if report.year
                        else "报告中找不到报告年度")
    else:
        entry.findings = _collapse_row_findings(checked_findings(report))
        if entry.findings:
            entry.status = "warnings"
            entry.reason = _findings_reason(entry.findings, entry.read_by)


def _bound_values(report: Report) -> None:
    """Values no report can state are no values: a cell of more than MAX_DIGITS digits stays blank, and a
    report year or 发布日期 off the calendar or out of range is dropped, before any check or sum sees them."""
    for key, v in report.cells.items():
        if v.value is None:
            continue
        number = stored_number(v.value)
        if number is None:
            report.cells[key] = Value(v.raw, None, v.unit, readable=False)
            reason = (f"印有 {len(v.value)} 位数字，超过任何年报数字的位数（至多 {MAX_DIGITS} 位）" if not within_bounds(v.value)
                      else f"“{v.value[:20]}”不是用阿拉伯数字写的数")
            report.findings.append(Finding(
                "unreadable_cell", "warning", *key, actual=v.raw[:40] + ("…" if len(v.raw) > 40 else ""),
                message=f"单元格{reason}；留空"))
        elif number != v.value:
            report.cells[key] = Value(v.raw, number, v.unit)
    if report.published and not valid_date(report.published):
        report.published = ""
    report.title = report.title[:MAX_TITLE_CHARS]
    _bound_narrative(report)


MAX_TITLE_CHARS = 200  # the longest real title is about 60 characters; a 标题 field can hold a whole page
MAX_SECTIONS = 40  # a report has seven parts (the text before 一, then 一 to 六); thousands are a hostile file
MAX_NARRATIVE_CHARS = 300_000  # all sections together; one section is cut at extract.MAX_SECTION_CHARS


def _bound_narrative(report: Report) -> None:
    total = sum(len(s.text) for s in report.sections)
    if len(report.sections) <= MAX_SECTIONS and total <= MAX_NARRATIVE_CHARS:
        return
    kept, room = [], MAX_NARRATIVE_CHARS
    for section in report.sections[:MAX_SECTIONS]:
        section.text = section.text[:room]
        room -= len(section.text)
        kept.append(section)
    report.findings.append(Finding("long_text", "warning", message=(
        f"正文有 {len(report.sections):,} 个部分、共 {total:,} 字，远超一份年报的篇幅；数据中只保留前 "
        f"{len(kept)} 个部分的前 {MAX_NARRATIVE_CHARS:,} 字，全文见原始文件")))
    report.sections = kept


# What a spreadsheet or a script prints for a number it did not have. Extraction reads such a cell as no
# number at all, so the row would be blank without a word: it gets one finding instead.
_PLACEHOLDER = re.compile(r"(?i)nan|null|none|undefined|#n/a|#value!|#ref!|#div/0!|inf|-inf")


def _placeholder_cells(report: Report, rows: list[list[str]]) -> None:
    if report.template not in schema.TEMPLATES:
        return
    count = sum(1 for row in rows for cell in row if _PLACEHOLDER.fullmatch(cell.strip()))
    if count:
        report.findings.append(Finding("unreadable_cell", "warning", message=(
            f"文件中有 {count} 个单元格印为 NaN、null、#N/A 之类的占位符而不是数字；这些单元格留空")))


ROW_FINDINGS = 5  # past this many rows of one table that fit no template row, they are counted, not listed
MAX_FINDINGS = 200  # findings kept per report; the rest are counted in one more


def _collapse_row_findings(findings: list[Finding]) -> list[Finding]:
    """Rows beyond a table's template rows (printed twice, unplaceable, with extra cells) are dropped already;
    past ROW_FINDINGS of one kind in one table they become one finding that counts them. Then at most
    MAX_FINDINGS findings, errors first, and one that says how many more there were."""
    per_table = Counter((f.check, f.table) for f in findings if f.check in ("duplicate_row", "unplaced_row", "extra_cells"))
    out, said = [], set()
    for f in findings:
        key = (f.check, f.table)
        if per_table.get(key, 0) <= ROW_FINDINGS:
            out.append(f)
        elif key not in said:
            said.add(key)
            out.append(Finding(f.check, "warning", f.table, message=(
                f"此表有 {per_table[key]} 处超出格式的行（{f.message}）；这些行未采用，不再逐条列出")))
    if len(out) > MAX_FINDINGS:
        out.sort(key=lambda f: f.severity != "error")
        rest = len(out) - MAX_FINDINGS + 1
        out = out[: MAX_FINDINGS - 1] + [Finding("more_findings", "warning", message=(
            f"另有 {rest} 条校验提示未列出（每份报告最多列出 {MAX_FINDINGS} 条）；完整情况请核对原始文件"))]
    return out


def _format(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def _parse_task(task: tuple[str, str, int]) -> Entry:
    """One file in a local worker process: a regular file, opened without following links, at most max_bytes."""
    path, source_file, max_bytes = Path(task[0]), task[1], task[2]
    try:
        data = read_regular(path, max_bytes)
    except OSError as e:
        return Entry(source_file, "", _format(path), "failed", f"无法读取文件：{e.strerror}")
    return parse_file(path, source_file, data)


def _parse_remote(task: tuple[str, bytes, str, str]) -> Entry:
    """One file on a Dask worker, which may be another machine: the bytes travel with the task."""
    source_file, data, settings, version = task
    if code_version(settings) != version:
        raise RuntimeError(f"this Dask worker runs other parsing code ({code_version(settings)}) than the client "
                           f"({version}): install the same version of nianbao on every worker")
    return parse_file(Path(source_file), source_file, data)


def _findings_reason(findings: list[Finding], read_by: str = "") -> str:
    counts = Counter(f.check for f in findings)
    errors = sum(1 for f in findings if f.severity == "error")
    parts = ", ".join(f"{check} ×{n}" for check, n in sorted(counts.items()))
    unread = [f.message.split("：", 1)[0] for f in findings if f.check == "table_unread"]
    if unread:  # the worst news first: a table whose cells are mostly blank because they could not be read
        return "、".join(unread) + f"；其余见检查结果（{parts}）"
    if errors and read_by == "ocr":  # a number OCR put in the next row breaks the sums as a slip would
        return f"算术校验有 {errors} 项不符（{parts}）；本报告是扫描件，不符也可能出自文字识别，请以原件为准"
    if errors:
        return f"报告自身的算术校验有 {errors} 项不符（{parts}）；数字按报告原样记录"
    return f"已解析，有校验提示（{parts}）"


def parse_corpus(
    src: Path, out: Path, registry: Registry, limits: Limits = Limits(), jobs: int = 0,
    progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr),
    cache: Path | None = None, scheduler: str = "",
) -> list[Entry]:
    """Parse every file under src into the CSV files in out, in `jobs` local worker processes (0: one per
    core) or on the Dask cluster at `scheduler`. With a cache, a file whose bytes were parsed before (by the
    same parsing code, under the same limits) is not parsed again. Every entry under src gets one line,
    whether it is read or not (listing.py)."""
    if not src.is_dir():
        raise NotADirectoryError(f"parse: the reports folder {src} does not exist or is not a folder")
    listed = list_entries(src)
    files = [item.path for item in listed]
    names = [item.name for item in listed]
    max_bytes = int(limits.max_mb * 1e6)
    entries: list[Entry | None] = [_not_read(item, max_bytes, limits) for item in listed]
    # The OCR engine and its models are part of what a scan's result depends on.
    settings = f"max_mb={limits.max_mb} memory_mb={limits.memory_mb} ocr={engine_id()}"
    store = ParseCache(cache, code_version(settings)) if cache else None
    keys: dict[int, str] = {}
    if store:
        for i, path in enumerate(files):
            if entries[i] is None and (sha256 := hash_regular(path, max_bytes)):
                keys[i] = ParseCache.key(sha256, path.suffix)
        hits = store.get_many(sorted(set(keys.values())))
        for i, key in keys.items():
            if key in hits:
                entries[i] = replace(hits[key], source_file=names[i], findings=list(hits[key].findings))
    todo = [i for i, entry in enumerate(entries) if entry is None]
    progress(f"parse: {len(files)} files, {len(files) - len(todo)} known, {len(todo)} to read"
             + (f" on {scheduler}" if scheduler else ""))
    if scheduler:
        results = run_on_dask(scheduler, [(names[i], files[i], settings, max_bytes) for i in todo])
    else:
        results = run_isolated(_parse_task, [(str(files[i]), names[i], max_bytes) for i in todo],
                               jobs or default_jobs(), [limits.seconds_for(_size(files[i])) for i in todo],
                               limits.memory_mb, ceiling=limits.seconds)
    step = max(1, len(todo) // 20)
    try:
        for n, (i, result) in enumerate(zip(todo, results), 1):
            if isinstance(result, Failure):  # the worker was killed: hash the file here, it is all we can say
                result = Entry(names[i], hash_regular(files[i], max_bytes), _format(files[i]), "failed", result.reason)
            elif store and i in keys:
                store.put(keys[i], result)
            entries[i] = result
            if len(todo) > 50 and (n % step == 0 or n == len(todo)):
                progress(f"parse: {n}/{len(todo)} files read")
    finally:
        if store:
            store.close()
    mark_duplicates(entries, registry)
    assign_identities(entries, registry)
    assign_report_ids(entries, registry)
    check_carry_chain(entries, registry)
    write_csv(entries, out, registry)
    return entries


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def _not_read(item: Listed, max_bytes: int, limits: Limits) -> Entry | None:
    """The line of an entry that is not read at all (a link, a special file, a file over the size limit:
    its size is checked before it is opened, so an oversized file is never read or hashed); None for the rest."""
    if item.problem:
        return Entry(item.name, "", _format(item.path), item.status, item.problem)
    try:
        size = os.lstat(item.path).st_size
    except OSError as e:
        return Entry(item.name, "", _format(item.path), "failed", f"无法读取文件：{e.strerror}")
    if size > max_bytes:
        return Entry(item.name, "", _format(item.path), "failed",
                     f"文件大小 {size / 1e6:.1f} MB，超过单个文件 {limits.max_mb:g} MB 的上限，未读取")
    return None


def run_on_dask(scheduler: str, tasks: list[tuple[str, Path, str, int]], window: int = 512) -> Iterator[Entry | Failure]:
    """Parse on a Dask distributed cluster; yields in task order. At most `window` files are in flight, so
    the client never holds the whole corpus in memory. A file the cluster fails on (a worker killed while
    reading it, say) becomes a Failure; a worker with other parsing code stops the run."""
    from distributed import Client, as_completed

    version = code_version(tasks[0][2]) if tasks else ""
    results: dict[int, Entry | Failure] = {}
    with Client(scheduler) as client:
        pending, index = as_completed(), {}
        next_task = next_out = 0

        def fill() -> None:
            nonlocal next_task
            while next_task < len(tasks) and pending.count() < window:
                name, path, settings, max_bytes = tasks[next_task]
                try:
                    data = read_regular(path, max_bytes)
                except OSError as e:
                    results[next_task] = Entry(name, "", _format(path), "failed", f"无法读取文件：{e.strerror}")
                else:
                    future = client.submit(_parse_remote, (name, data, settings, version), pure=False)
                    index[future.key] = next_task
                    pending.add(future)
                next_task += 1

        fill()
        while next_out < len(tasks):
            if next_out not in results:
                future = next(pending)
                try:
                    result = future.result()
                except RuntimeError:  # another version of the parsing code: every file would fail the same way
                    raise
                except Exception as e:  # noqa: BLE001  one file's trouble on the cluster is that file's
                    result = Failure(f"Dask 集群未能解析此文件：{type(e).__name__}: {e}")
                results[index.pop(future.key)] = result
                future.release()
                fill()
                continue
            yield results.pop(next_out)
            next_out += 1


def provenance(source_file: str, registry: Registry) -> int:
    """How well we know where a file came from: 0 the registry names it with an official (web) source,
    1 the registry names it, 2 unknown. Lower wins, before anything the file's content says of itself."""
    source = registry.source(source_file)
    if re.match(r"https?://", source.source_url, re.I):
        return 0
    return 1 if source_file in registry.sources else 2


def mark_duplicates(entries: list[Entry], registry: Registry) -> None:
    """Files with the same bytes are counted once: the one of best provenance (then the first in file-name
    order) is the report, the others are duplicates of it. A copy can never take a registered file's place."""
    by_hash: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry.sha256:  # not a file that could not be read at all
            by_hash.setdefault(entry.sha256, []).append(i)
    for group in by_hash.values():
        first = min(group, key=lambda i: (provenance(entries[i].source_file, registry), i))
        for i in group:
            if i != first:
                entry, original = entries[i], entries[first].source_file
                entries[i] = Entry(entry.source_file, entry.sha256, entry.format, "duplicate",
                                   f"与 {original} 的内容完全相同", duplicate_of=original,
                                   identity=entry.identity)


def site_preference(entry: Entry, registry: Registry) -> tuple:
    """Which of several files for one agency and year the site shows (the first in this order): provenance
    first (a file the registry names with its official source; a later date or cleaner arithmetic in an
    unregistered file never replaces it), then a file read from its own text before a scan (OCR leaves
    cells unread, and an unread cell fails no check), then the fewest failed arithmetic checks, the latest
    发布日期, the most filled cells, the first file name. The others stay in the data, marked `superseded_by`."""
    errors = sum(f.severity == "error" for f in entry.findings)
    filled = sum(v.value not in ("", None) for v in entry.report.cells.values())
    return (provenance(entry.source_file, registry), entry.read_by == "ocr", errors,
            _descending(entry.report.published), -filled, entry.source_file)


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text) + (0,)  # a later date sorts first; no date sorts last


def assign_identities(entries: list[Entry], registry: Registry) -> None:
    """Who published each file: the document's identity under the registry's corrections, then one slug and one
    canonical name per agency across its years and renames. What the document could not say is a finding."""
    decided = [registry.decide(e.source_file, e.identity) for e in entries]
    order = [(e.report.year or 0, e.report.published, e.source_file) if e.report else (0, "", e.source_file)
             for e in entries]
    named = registry.agencies([(identity, o, e.source_file) for (identity, _), o, e in zip(decided, order, entries)])
    for entry, (identity, source), (slug, name) in zip(entries, decided, named):
        entry.decided, entry.identity_source, entry.agency_slug, entry.agency = identity, source, slug, name
        if identity.findings and entry.status in ("ok", "warnings"):
            entry.findings += identity.findings
            entry.status, entry.reason = "warnings", _findings_reason(entry.findings, entry.read_by)


def assign_report_ids(entries: list[Entry], registry: Registry) -> None:
    """<agency-slug>-<year> for parsed reports; where several files claim one agency and year, the one the
    site shows (`site_preference`) gets that id and the others -2, -3 … in the same order. A slug of the file
    name for every other file."""
    claims: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.status in ("ok", "warnings") and entry.agency_slug and entry.report.year:
            claims.setdefault(f"{entry.agency_slug}-{entry.report.year}", []).append(entry)
        else:
            entry.report_id = file_slug(entry.source_file)
    for base, group in claims.items():
        group.sort(key=lambda entry: site_preference(entry, registry))
        for n, entry in enumerate(group, 1):
            entry.report_id = base if n == 1 else f"{base}-{n}"
        for entry in group[1:]:
            entry.superseded_by = base
            entry.findings.append(Finding(
                "conflict", "warning", message=f"同一机构同一年度另有报告文件 {group[0].source_file}，"
                f"网站采用该文件（按来源登记优先，其次算术校验错误较少、发布日期较新、填写单元格较多、文件名的顺序选定）；"
                f"两者不同的单元格见数据质量页"))
            entry.status, entry.reason = "warnings", _findings_reason(entry.findings, entry.read_by)
    _make_ids_unique(entries)
    by_file = {entry.source_file: entry.report_id for entry in entries}
    for entry in entries:
        if entry.duplicate_of:
            entry.duplicate_of = by_file[entry.duplicate_of]


def _make_ids_unique(entries: list[Entry]) -> None:
    """Two file names can give one slug ('a b.txt', 'a_b.txt'): each of them then gets its name's hash too."""
    counts = Counter(entry.report_id for entry in entries)
    for entry in entries:
        if counts[entry.report_id] > 1 and not entry.superseded_by and entry.report_id == file_slug(entry.source_file):
            entry.report_id += "-" + hashlib.sha1(entry.source_file.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def check_carry_chain(entries: list[Entry], registry: Registry) -> None:
    """上年结转 of each report against 结转下年度 of the same agency's report for the year before (a warning)."""
    parsed = {}
    for entry in entries:
        if entry.status in ("ok", "warnings") and entry.report.year and not entry.superseded_by:
            parsed[(entry.agency_slug, entry.report.year)] = entry
    for (slug, year), entry in parsed.items():
        previous = parsed.get((slug, year - 1))
        if previous is None:
            continue
        found = carry_chain(entry.report.value, previous.report.value, year - 1)
        if found:
            entry.findings += found
            entry.status, entry.reason = "warnings", _findings_reason(entry.findings, entry.read_by)


def write_csv(entries: list[Entry], out: Path, registry: Registry) -> None:
    out.mkdir(parents=True, exist_ok=True)
    entries = sorted(entries, key=lambda e: e.report_id)
    reports, cells, checks, sections = [], [], [], []
    for e in entries:
        r = e.report
        src = registry.source(e.source_file)
        who = e.decided or Identity()
        reports.append({
            "report_id": e.report_id, "source_file": e.source_file, "source_sha256": e.sha256,
            "source_format": e.format, "agency": e.agency, "region": who.region,
            "year": r.year if r and r.year else "", "template": r.template if r else "",
            "title": r.title if r else "", "published": r.published if r else "",
            "status": e.status, "status_reason": e.reason,
            "agency_slug": e.agency_slug, "agency_printed": who.printed, "adcode": who.adcode, "level": who.level,
            "agency_kind": who.kind if who.name else "", "identity_source": e.identity_source,
            "source_url": src.source_url, "retrieved": src.retrieved,
            "duplicate_of": e.duplicate_of, "superseded_by": e.superseded_by, "read_by": e.read_by,
        })
        if r is None:
            continue
        for s in r.sections:
            sections.append((e.report_id, s.number, s.heading, s.text))
        if e.status not in ("ok", "warnings"):
            continue
        template = schema.TEMPLATE_BY_ID[r.template]
        for table in schema.TABLES:
            for row_id in r.row_ids[table]:
                row = template.row(table, row_id)
                for col in row.cols:
                    v = r.cells[(table, row_id, col.id)]
                    cells.append((e.report_id, table, row_id, col.id, v.value or "", v.raw, v.unit))
        for f in e.findings:
            checks.append((e.report_id, f.check, f.severity, f.table, f.row, f.col, f.expected, f.actual,
                           f.message))
    _write(out / "reports.csv", REPORT_COLUMNS, [[r[c] for c in REPORT_COLUMNS] for r in reports])
    _write(out / "cells.csv", CELL_COLUMNS, cells)
    _write(out / "checks.csv", CHECK_COLUMNS, checks)
    _write(out / "sections.csv", SECTION_COLUMNS, sections)


# Characters no published text keeps: controls but TAB and line breaks, bidirectional overrides and
# isolates (they reorder what a reader sees), noncharacters. Deleting them never breaks a CSV record.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")  # csv writes a lone CR unquoted: every break becomes \n
_ODD_BREAK = re.compile("[\r\u2028\u2029]")


def _clean(field):
    return _LINE_BREAKS.sub("\n", field) if isinstance(field, str) else field


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple | list]) -> None:
    """Rows in the order of columns (tuples: a dict a row costs twice the time for millions of cells).
    Every text is cleaned here, the one place all report text passes on its way out (_INVISIBLE,
    _LINE_BREAKS). Written only when the content changes, so later stages see an unchanged file as unchanged."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    text = buffer.getvalue()
    if _ODD_BREAK.search(text):  # rare: clean every field, then write again
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_clean(f) for f in row] for row in rows)
        text = buffer.getvalue()
    data = _INVISIBLE.sub("", text).encode("utf-8", "backslashreplace")
    if not path.exists() or path.stat().st_size != len(data) or path.read_bytes() != data:
        path.write_bytes(data)


def summary_line(entries: list[Entry], out: Path) -> str:
    counts = Counter(e.status for e in entries)
    parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
    return f"parse: {len(entries)} files: {parts} → {out}"
