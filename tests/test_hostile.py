"""Broken and hostile input (tests/fixtures/hostile, made by make_hostile_fixtures.py) mixed into the shipped
reports: the run completes, every file has one line, and the good reports come out exactly as they do alone."""

import csv
import shutil
from pathlib import Path

import pytest
from nianbao import paths
from nianbao.parse.registry import Registry
from nianbao.run.dataset import Limits, parse_corpus

HOSTILE = paths.FIXTURES / "hostile"
# The bomb PDFs would take minutes: small files get 10 s + 20 s per MB (Limits.seconds_for), the 30 MB
# report up to a minute, as a loaded machine may need.
LIMITS = Limits(seconds=60)


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def registry() -> Registry:
    return Registry.load(paths.SOURCES, paths.AGENCIES)


def big_report(path: Path, mb: int) -> None:
    """A real report padded with narrative to `mb` megabytes, under an agency that does not exist."""
    text = (paths.REPORTS / "kiro_005.txt").read_text(encoding="utf-8").replace("沐阳县人民政府", "测试市大文件局")
    padding = ("这是一段很长的正文，用来把文件撑到几十兆。" * 40 + "\n\n").encode("utf-8")
    head, tail = text.encode("utf-8").split("## 一、总体情况\n".encode("utf-8"), 1)
    path.write_bytes(head + "## 一、总体情况\n\n".encode("utf-8") + padding * (mb * 10**6 // len(padding))
                     + tail)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    src = root / "reports"
    shutil.copytree(paths.REPORTS, src)
    shutil.copytree(HOSTILE, src / "hostile")
    big_report(src / "hostile" / "大文件 30MB.txt", 30)
    entries = parse_corpus(src, root / "csv", registry(), LIMITS)
    parse_corpus(paths.REPORTS, root / "alone", registry())
    reports = read(root / "csv" / "reports.csv")
    return {"root": root, "src": src, "entries": entries, "reports": reports,
            "by_file": {r["source_file"].removeprefix("hostile/"): r for r in reports}}


def test_every_input_file_has_exactly_one_line_with_a_reason(mixed):
    files = sorted(p.relative_to(mixed["src"]).as_posix() for p in mixed["src"].rglob("*") if p.is_file())
    assert sorted(r["source_file"] for r in mixed["reports"]) == files
    assert len({r["report_id"] for r in mixed["reports"]}) == len(files)
    assert all(r["status_reason"] for r in mixed["reports"] if r["status"] != "ok")


@pytest.mark.parametrize("name, status, reason", [
    ("empty.txt", "failed", "空文件"),
    ("不是年报 随笔.txt", "unsupported", "未能识别为政府信息公开工作年度报告"),
    ("random bytes.pdf", "failed", "不是可读取的 PDF"),
    ("cut_off.pdf", "failed", "文件可能不完整或已损坏"),
    ("password.pdf", "failed", "加密的 PDF，需要密码"),
    ("scanned copy.pdf", "unsupported", "扫描图像中没有文字"),
    ("old_binary.doc", "unsupported", "旧版 Word 97-2003"),
    ("glyph_bomb.pdf", "failed", "读取此文件超过 11.8 秒"),
    ("broken_utf8.txt", "warnings", "unreadable_bytes"),
    ("same B 副本.txt", "duplicate", "与 hostile/same A.txt 的内容完全相同"),
])
def test_each_kind_of_bad_input_gets_its_status_and_reason(mixed, name, status, reason):
    row = mixed["by_file"][name]
    assert (row["status"], reason in row["status_reason"]) == (status, True), row["status_reason"]


def test_good_reports_come_out_exactly_as_they_do_alone(mixed):
    alone = read(mixed["root"] / "alone" / "reports.csv")
    shipped = {r["source_file"] for r in alone}
    assert [r for r in mixed["reports"] if r["source_file"] in shipped] == alone
    ids = {r["report_id"] for r in alone}
    for name in ("cells.csv", "checks.csv", "sections.csv"):
        together = [r for r in read(mixed["root"] / "csv" / name) if r["report_id"] in ids]
        assert together == read(mixed["root"] / "alone" / name), name


def test_damaged_text_keeps_its_numbers(mixed):
    cells = read(mixed["root"] / "csv" / "cells.csv")

    def new_received(source_file):
        rid = mixed["by_file"][source_file]["report_id"]
        return next(c["value"] for c in cells if c["report_id"] == rid and c["row"] == "new_received"
                    and c["col"] == "total")

    # Invalid UTF-8 in the narrative, a 30 MB file, and an undeclared GBK page all read like their originals.
    assert new_received("broken_utf8.txt") == new_received("大文件 30MB.txt") == "713"
    gbk = mixed["by_file"]["测试市 政府办公厅 2019.html"]
    assert (gbk["agency_printed"], gbk["year"], gbk["template"]) == ("测试市人民政府办公厅", "2019", "gov2019")
    assert new_received("测试市 政府办公厅 2019.html") == new_received("shjs_001.html") != ""


def test_two_files_for_one_agency_year_are_both_kept_and_one_is_chosen(mixed):
    first, second = mixed["by_file"]["conflict_first.txt"], mixed["by_file"]["conflict_second.txt"]
    # The second breaks its own arithmetic, so the first (fewer failed checks) is the one the site shows.
    assert first["superseded_by"] == "" and second["superseded_by"] == first["report_id"]
    assert second["report_id"] == first["report_id"] + "-2"
    checks = read(mixed["root"] / "csv" / "checks.csv")
    conflict = [c for c in checks if c["check"] == "conflict" and c["report_id"].startswith(first["report_id"])]
    assert [c["report_id"] for c in conflict] == [second["report_id"]]
    assert "conflict_first.txt" in conflict[0]["message"]


def test_duplicates_are_counted_once(mixed):
    a, b = mixed["by_file"]["same A.txt"], mixed["by_file"]["same B 副本.txt"]
    assert b["duplicate_of"] == a["report_id"] and a["source_sha256"] == b["source_sha256"]
    cells = read(mixed["root"] / "csv" / "cells.csv")
    assert not any(c["report_id"] == b["report_id"] for c in cells)


def test_size_and_memory_limits_are_reasons_not_crashes(tmp_path):
    src = tmp_path / "reports"
    src.mkdir()
    big_report(src / "big.txt", 3)
    shutil.copy(HOSTILE / "zip_bomb.pdf", src)
    shutil.copy(paths.REPORTS / "kiro_005.txt", src)
    entries = parse_corpus(src, tmp_path / "csv", registry(), Limits(max_mb=2, memory_mb=256))
    by_file = {e.source_file: e for e in entries}
    assert by_file["big.txt"].status == "failed" and "超过单个文件 2 MB 的上限" in by_file["big.txt"].reason
    assert by_file["big.txt"].sha256 == ""  # the size is checked first: an oversized file is never read, not even hashed
    # The bomb expands to 600 MB; with 256 MB allowed it fails on its own, and the real report next to it parses.
    assert by_file["zip_bomb.pdf"].status == "failed" and "内存" in by_file["zip_bomb.pdf"].reason
    assert by_file["kiro_005.txt"].status == "ok"


def test_a_single_worker_gets_past_a_hang(tmp_path):
    """With one worker, the file after a hanging one is still parsed: the hung worker is replaced."""
    src = tmp_path / "reports"
    src.mkdir()
    shutil.copy(HOSTILE / "glyph_bomb.pdf", src / "a.pdf")
    shutil.copy(paths.REPORTS / "kiro_005.txt", src / "kiro_005.txt")  # its registry line: no identity finding
    entries = parse_corpus(src, tmp_path / "csv", registry(), Limits(seconds=2), jobs=1)
    assert [(e.status, e.reason[:7]) for e in entries] == [("failed", "读取此文件超过"), ("ok", "")]
