"""Scale: the synthetic corpus, the parse cache, skipped stages, parsing on a Dask cluster, long tables split
into pages, and the search setting. Speed itself is measured by `invoke bench`, not here."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import environment
from nianbao import paths
from nianbao.measure import synth
from nianbao.parse.registry import Registry
from nianbao.publish import charts
from nianbao.publish import pages as pages_module
from nianbao.publish.pages import copy_hand_written
from nianbao.run import pipeline
from nianbao.run.dataset import parse_corpus, parse_file
from nianbao.run.site import build_site


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.generate(out, 40, progress=lambda s: None)
    return out


def registry(corpus: Path) -> Registry:
    return Registry.load(corpus / "sources.csv", corpus / "agencies.csv")


def layout(root: Path, corpus: Path) -> pipeline.Layout:
    copy_hand_written(root / "docs")
    return pipeline.Layout(corpus / "reports", corpus / "sources.csv", corpus / "agencies.csv", root / "csv",
                           root / "docs", root / "site", root / "cache")


def test_synthetic_reports_parse_back_to_their_figures():
    """Every layout the generator writes reads back to the numbers it put in, and exactly the reports made
    inconsistent on purpose fail their own arithmetic."""
    chains, formats, inconsistent = {}, set(), 0
    for i, (agency, year) in enumerate(synth.plan(120)):
        made = synth.make_report(i, agency, year, chains)
        suffix = ".html" if made.fmt == "html-gb" else f".{made.fmt}"
        entry = parse_file(Path("r" + suffix), "r" + suffix, made.data)
        assert entry.status in ("ok", "warnings"), (made.fmt, entry.reason)
        assert entry.report.year == year and entry.report.template == ("gov2021" if year >= 2021 else "gov2019")
        got = {key: value.value for key, value in entry.report.cells.items()}
        assert {k: got.get(k) for k in made.cells} == made.cells, made.fmt
        assert any(f.severity == "error" for f in entry.findings) == made.inconsistent
        formats.add(made.fmt)
        inconsistent += made.inconsistent
    assert formats == {"txt", "md", "html", "html-gb", "docx"}
    assert inconsistent > 0


def test_the_cache_parses_only_what_is_new(corpus, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(corpus / "reports", reports)
    messages = []
    cache = tmp_path / "parse.sqlite"

    def run(out):
        messages.clear()
        parse_corpus(reports, tmp_path / out, registry(corpus), cache=cache, progress=messages.append)
        return messages[0]

    assert run("cold") == "parse: 40 files, 0 known, 40 to read"
    assert run("warm") == "parse: 40 files, 40 known, 0 to read"
    first = next(reports.rglob("*.txt"))
    shutil.copy(first, first.with_name("copy-" + first.name))  # same bytes, a new name: still known
    (reports / "2025" / "new.txt").write_bytes(first.read_bytes().replace("政府信息".encode(), "政务信息".encode(), 1))
    assert run("grown") == "parse: 42 files, 41 known, 1 to read"
    parse_corpus(reports, tmp_path / "uncached", registry(corpus), progress=messages.append)
    for name in paths.CSV_FILES:
        assert (tmp_path / "grown" / name).read_bytes() == (tmp_path / "uncached" / name).read_bytes(), name
    for name in paths.CSV_FILES:
        assert (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name).read_bytes(), name


def test_an_unchanged_corpus_skips_every_stage(corpus, tmp_path):
    where = layout(tmp_path, corpus)
    lines = []
    pipeline.build(where, report=lines.append)
    assert not any("unchanged since" in line for line in lines), lines

    lines.clear()
    pipeline.build(where, report=lines.append)
    assert len(lines) == 3 and all("unchanged since the last run" in line for line in lines), lines

    (where.site / "about" / "index.html").unlink()  # an output gone: that stage runs again, the others not
    lines.clear()
    pipeline.build(where, report=lines.append)
    assert "unchanged since" in lines[0] and "unchanged since" in lines[1] and lines[2].startswith("site: built"), lines
    assert (where.site / "about" / "index.html").exists()


def test_long_comparison_tables_are_split_by_year_and_region(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(pages_module, "TABLE_PAGE_ROWS", 10)  # the 40 reports must then be split
    where = layout(tmp_path, corpus)
    pipeline.parse(where)
    pages_module.build_pages(where.csv, where.docs, where.reports, where.agencies, where.cache / "charts")
    for name in ("compare", "indicators"):
        index = (where.docs / f"{name}.md").read_text(encoding="utf-8")
        parts = sorted((where.docs / name).glob("*.md"))
        assert len(parts) > 1 and all(f'href="{p.stem}/"' in index for p in parts)
        assert index.count("<tr data-year=") == 0  # the index lists the parts, not the reports
        assert sum(p.read_text(encoding="utf-8").count("<tr data-year=") for p in parts) == 40
    build_site(where.docs, where.site)  # strict: a broken link between the parts would fail the build
    assert (where.site / "compare" / parts[0].stem / "index.html").exists()


def test_parsing_on_a_dask_cluster_gives_the_same_data(corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        parse_corpus(corpus / "reports", tmp_path / "dask", registry(corpus), scheduler=cluster.scheduler_address,
                     progress=lambda s: None)
    parse_corpus(corpus / "reports", tmp_path / "local", registry(corpus), progress=lambda s: None)
    for name in paths.CSV_FILES:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_the_search_setting_switches_to_the_builtin_index(corpus, tmp_path):
    where = layout(tmp_path, corpus)
    pipeline.parse(where)
    pipeline.pages(where)
    with environment(SEARCH_ENGINE="builtin"):
        pipeline.site(where)
    assert (where.site / "search" / "search_index.json").exists()
    assert not (where.site / "pagefind").exists()
    assert "搜索</a>" not in (where.site / "index.html").read_text(encoding="utf-8")  # no Pagefind page in the nav
    with environment(SEARCH_ENGINE="pagefind"):
        assert pipeline.site(where) == f"site: built → {where.site}"  # the setting is an input of the stage
    assert (where.site / "pagefind" / "pagefind-ui.js").exists()
    assert not (where.site / "search" / "search_index.json").exists()


def test_charts_rendered_in_worker_processes_match_and_are_cached(tmp_path):
    """Enough charts to start the spawned renderers: the same SVG as rendering in this process, and a
    second pass renders nothing."""
    frames = [pd.DataFrame({"category": ["予以公开", "部分公开", "不予公开"], "count": [float(n), 2.0, 1.0]})
              for n in range(charts.PARALLEL_FROM)]
    in_workers = [charts.bar_chart(f, "办理结果", "说明") for f in frames]
    assert charts.Rendering(in_workers, tmp_path / "a", jobs=2).finish() == charts.PARALLEL_FROM
    here = [charts.bar_chart(f, "办理结果", "说明") for f in frames]
    assert charts.Rendering(here, tmp_path / "b", jobs=1).finish() == charts.PARALLEL_FROM
    assert [c.svg for c in in_workers] == [c.svg for c in here]
    assert all(c.svg.startswith('<svg role="img"') and "<title" in c.svg for c in here)
    assert charts.Rendering(here, tmp_path / "b", jobs=2).finish() == 0
