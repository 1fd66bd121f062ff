"""The whole pipeline into a real MkDocs build, once per test session, from the shipped reports plus one
hostile report whose text tries to inject markup, Markdown links, attribute lists and Jinja."""

import json
import os
import re
import shutil
import subprocess
import sys

import jieba
import pytest

from nianbao import paths
from nianbao.dataset import parse_corpus
from nianbao.pages import build_pages
from nianbao.registry import Registry

HOSTILE_LINES = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    '{: onclick="alert(1)" }',
    "{{ 7*7 }} {% raw %}",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("build")
    reports = root / "reports"
    shutil.copytree(paths.REPORTS, reports)
    text = (reports / "seed_004_1a1a63d5f29059ac.txt").read_text(encoding="utf-8")
    hostile = text.replace("## 一、总体情况", "## 一、总体情况\n\n" + "\n\n".join(HOSTILE_LINES), 1)
    hostile = hostile.replace("2023 年政府信息公开", "<script>alert('t')</script>局 2023 年政府信息公开", 1)
    assert hostile != text
    (reports / "hostile.txt").write_text(hostile, encoding="utf-8")
    parse_corpus(reports, root / "csv", Registry.load(paths.SOURCES, paths.AGENCIES))
    shutil.copy(paths.MKDOCS_YML, root / "mkdocs.yml")
    shutil.copytree(paths.DOCS / "assets", root / "docs" / "assets")
    shutil.copy(paths.DOCS / "about.md", root / "docs" / "about.md")
    build_pages(root / "csv", root / "docs", reports, paths.AGENCIES, root / "cache")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert "WARNING -" not in result.stderr, result.stderr
    return root


def reports_csv(site):
    import csv

    with (site / "csv" / "reports.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def page(site, url):
    return (site / "site" / url / "index.html").read_text(encoding="utf-8")


def test_every_parsed_report_has_a_page_with_tables_and_charts(site):
    parsed = [r for r in reports_csv(site) if r["template"] in ("gov2019", "gov2021") and r["status"] in ("ok", "warnings")]
    assert len(parsed) >= 8
    for r in parsed:
        slug = r["agency_slug"]
        html = page(site, f"{slug}/{r['report_id'][len(slug) + 1:]}")
        assert "三、收到和处理政府信息公开申请情况" in html
        assert (site / "site" / slug / "index.html").exists()
    html = page(site, "shuyang-gov/2025")
    assert html.count('<svg role="img"') == 2 and "<title id=" in html
    assert ">713<" in html and ">4,068.208<" in html  # the page shows the printed numbers


def test_blank_cells_are_shown_blank_not_zero(site):
    html = page(site, "panzhihua-nddo/2025")
    row = re.search(r"一、本年新收政府信息公开申请数量</th>(.*?)</tr>", html).group(1)
    assert row.count('nb-blank') == 1 and row.strip().endswith('title="报告未填写"></td>')


def test_report_text_is_escaped_everywhere(site):
    pages = list((site / "site").rglob("*.html"))
    hostile_page = next(p for p in pages if "onerror" in p.read_text(encoding="utf-8"))
    html = hostile_page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in html
    for page_file in pages:
        text = page_file.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert 'href="javascript:' not in text
        assert 'onclick="alert' not in text
        assert ">49<" not in text or "{{ 7*7 }}" in text  # Jinja syntax is shown, never evaluated
    assert "{{ 7*7 }}" in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;局" in html  # the title, in the page heading


def test_search_index_is_segmented_and_finds_chinese_queries(site):
    index = json.loads((site / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    separator = re.compile(index["config"]["separator"])
    docs = [(d["location"], set(filter(None, separator.split(d["title"] + " " + d["text"])))) for d in index["docs"]]
    assert any("\u200b" in d["text"] for d in index["docs"]), "jieba did not segment the index"

    def search(query):
        words = [w for w in jieba.cut(query) if w.strip()]
        return {loc.split("#")[0] for loc, tokens in docs if all(w in tokens for w in words)}

    assert "shanghai-gov-office/2019/" in search("行政复议")
    assert "jianxi-nddo/2024/" in search("涧西区国防动员办公室")
    # Numeric tables are kept out of the index.
    assert not any("本年新收政府信息公开申请数量" in d["text"] for d in index["docs"] if "/20" in d["location"])


def test_navigation_stays_small(site):
    html = page(site, "shuyang-gov/2025")
    nav = re.findall(r'class="md-nav__link"', html)
    assert len(nav) < 40  # the nav does not list every report page
