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
    # More hostile reports (HTML and Markdown), and two files that claim one agency and year.
    for name in ("hostile.html", "hostile.md", "conflict_first.txt", "conflict_second.txt"):
        shutil.copy(paths.FIXTURES / "hostile" / name, reports / name)
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
    parsed = [r for r in reports_csv(site) if r["template"] in ("gov2019", "gov2021") and r["status"] in ("ok", "warnings")
              and not r["superseded_by"]]
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
    for page_file in pages:
        text = page_file.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page_file
        assert "<img src=x" not in text, page_file
        assert 'href="javascript:' not in text, page_file
        assert 'onclick="alert' not in text, page_file
        assert ">49<" not in text or "{{ 7*7 }}" in text  # Jinja syntax is shown, never evaluated
    rows = {r["source_file"]: r for r in reports_csv(site)}
    for name in ("hostile.txt", "hostile.md", "hostile.html"):  # each hostile report has a page, showing its text
        r = rows[name]
        html = page(site, f"{r['agency_slug']}/{r['year']}")
        assert "&lt;script&gt;alert" in html and "{{ 7*7 }}" in html, name
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;局" in page(site, f"{rows['hostile.txt']['agency_slug']}/2023")
    # Source files that MkDocs or a browser would render are offered as plain text only.
    sources = {p.name for p in (site / "site" / "sources").iterdir()}
    assert {"hostile.md.txt", "hostile.html.txt", "hostile.txt"} <= sources and "hostile" not in sources


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


def test_quality_page_lists_conflicts_and_findings_linked_to_pages(site):
    rows = {r["source_file"]: r for r in reports_csv(site)}
    chosen, other = rows["conflict_first.txt"], rows["conflict_second.txt"]
    assert other["superseded_by"] == chosen["report_id"]
    slug = chosen["agency_slug"]
    chosen_url = f"{slug}/{chosen['report_id'][len(slug) + 1:]}"
    assert "conflict_second.txt" in page(site, chosen_url)  # the chosen page names the file it was chosen over
    assert not (site / "site" / slug / "2025-2").exists()  # the superseded file has no page of its own
    html = page(site, "quality").split("<article", 1)[1]  # the content, not the table of contents
    conflicts = html.split("同一机构同一年度的多份文件", 1)[1].split("报告自身的算术不符", 1)[0]
    assert f'href="../{chosen_url}/"' in conflicts and "conflict_second.txt" in conflicts
    arithmetic = html.split("报告自身的算术不符", 1)[1].split("正文与表格矛盾", 1)[0]
    assert 'href="../panzhihua-nddo/2025/"' in arithmetic and "收支不平衡" in arithmetic
    assert 'href="../pingtan-zone-2020/' not in html and "数字连写" in html
