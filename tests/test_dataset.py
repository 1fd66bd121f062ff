import csv

from nianbao import paths
from nianbao.parse.registry import Registry
from nianbao.publish.pages import build_pages
from nianbao.run.dataset import parse_corpus


def read(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def registry():
    return Registry.load(paths.SOURCES, paths.AGENCIES)


def test_every_file_has_one_line_and_parsed_reports_have_cells(corpus_copy, tmp_path):
    out = tmp_path / "csv"
    entries = parse_corpus(corpus_copy, out, registry())
    reports = read(out / "reports.csv")
    assert sorted(r["source_file"] for r in reports) == sorted(p.name for p in corpus_copy.iterdir())
    by_file = {r["source_file"]: r for r in reports}
    assert by_file["seed_002_5b55b1c1d9ddb321.txt"]["status"] == "ok"
    assert by_file["seed_002_5b55b1c1d9ddb321.txt"]["report_id"] == "panzhihua-xiqu-gov-office-2025"
    assert by_file["pingtan_003.txt"]["status"] == "unsupported"
    # Run-together digits are decoded; only the proactive row that has several readings is left blank.
    assert by_file["pingtan_016.txt"]["status"] == "warnings"
    assert "ambiguous_digits" in by_file["pingtan_016.txt"]["status_reason"]
    assert all(r["status_reason"] for r in reports if r["status"] != "ok")
    cells = read(out / "cells.csv")
    parsed = {r["report_id"] for r in reports if r["status"] in ("ok", "warnings")}
    assert {c["report_id"] for c in cells} == parsed
    assert len(entries) == len(reports)


def test_csv_and_pages_are_byte_identical_across_runs(corpus_copy, tmp_path):
    """Two runs, one with a single worker and one with several, write the same bytes: CSV, Markdown, charts."""
    parse_corpus(corpus_copy, tmp_path / "a", registry(), jobs=1)
    parse_corpus(corpus_copy, tmp_path / "b", registry(), jobs=3)
    for name in paths.CSV_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    for run in "ab":  # separate chart caches, so that the charts are drawn twice
        build_pages(tmp_path / run, tmp_path / f"docs-{run}", corpus_copy, paths.AGENCIES, tmp_path / f"cache-{run}")
    files = {run: {p.relative_to(tmp_path / f"docs-{run}"): p.read_bytes()
                   for p in sorted((tmp_path / f"docs-{run}").rglob("*")) if p.is_file()} for run in "ab"}
    assert len(files["a"]) > 50 and files["a"] == files["b"]
    ids = [r["report_id"] for r in read(tmp_path / "a" / "reports.csv")]
    assert ids == sorted(ids)
    cells = read(tmp_path / "a" / "cells.csv")
    first = [c for c in cells if c["report_id"] == cells[0]["report_id"]]
    assert [c["table"] for c in first] == sorted((c["table"] for c in first), key=["proactive", "requests", "appeals"].index)


def test_second_file_for_the_same_agency_and_year_gets_a_suffix(corpus_copy, tmp_path):
    text = (corpus_copy / "kiro_005.txt").read_text(encoding="utf-8")
    (corpus_copy / "kiro_005b.txt").write_text(text.replace("沐阳县人民政府\n", "沐阳县人民政府（修订）\n", 1), encoding="utf-8")
    reports = {r["source_file"]: r for r in read(_parse(corpus_copy, tmp_path) / "reports.csv")}
    assert reports["kiro_005.txt"]["report_id"] == "shuyang-gov-2025"
    assert reports["kiro_005b.txt"]["report_id"] == "shuyang-gov-2025-2"


def _parse(src, tmp_path):
    out = tmp_path / "csv"
    parse_corpus(src, out, registry())
    return out


def test_carry_chain_warns_when_this_year_does_not_carry_last_years_figure(corpus_copy, tmp_path):
    last_year = corpus_copy / "pingtan_015.txt"  # 2021: 1 request carried forward; 2022 (pingtan_016) carries over 1
    text = last_year.read_text(encoding="utf-8")
    assert "四、结转下年度继续办理1000001" in text
    last_year.write_text(text.replace("四、结转下年度继续办理1000001", "四、结转下年度继续办理2000002"), encoding="utf-8")
    out = _parse(corpus_copy, tmp_path)
    chain = [c for c in read(out / "checks.csv") if c["check"] == "carry_chain"]
    assert [(c["report_id"], c["col"], c["expected"], c["actual"]) for c in chain] == [
        ("pingtan-zone-2022", "natural_person", "2", "1"), ("pingtan-zone-2022", "total", "2", "1")]
    assert all(c["severity"] == "warning" for c in chain)
