"""The built site (conftest's `site`: the shipped reports plus hostile ones, through a real MkDocs build)."""

import csv
import gzip
import json
import re
import subprocess
import sys


def reports_csv(site):
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
    assert html.count('<svg role="img"') == 1 and "<title id=" in html  # 713 requests: the outcomes chart
    assert '<svg role="img"' not in page(site, "panzhihua-nddo/2025")  # 5 requests: the table says it all
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
    sources = {p.name for p in (site / "site" / "sources").glob("*/*")}  # sources/<report_id>/<file name>
    assert {"hostile.md.txt", "hostile.html.txt", "hostile.txt"} <= sources and "hostile.md" not in sources


def pagefind_fragments(site) -> dict[str, str]:
    """Page address → the text Pagefind indexed for it (its fragments are gzipped JSON after a signature)."""
    texts = {}
    for path in (site / "site" / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        texts[data["url"]] = data["content"]
    return texts


def test_search_index_is_chunked_segmented_and_leaves_out_tables(site):
    entry = json.loads((site / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh"]
    assert len(list((site / "site" / "pagefind" / "index").glob("*.pf_index"))) > 1  # a query loads a part
    texts = {url: text.replace("\u200b", "") for url, text in pagefind_fragments(site).items()}
    # Chinese is indexed one character a word (the search page sends a query as a phrase of characters)
    assert "行 政 复 议" in texts["/shanghai-gov-office/2019/"]
    assert "涧 西 区 国 防 动 员 办 公 室" in texts["/jianxi-nddo/2024/"]
    shuyang = texts["/shuyang-gov/2025/"].replace(" ", "")
    assert "收到和处理政府信息公开申请情况" in shuyang  # headings and row labels are indexed, numbers are not:
    assert "本机关不掌握相关政府信息" in shuyang
    assert "4,068.208" not in shuyang and "4068.208" not in shuyang
    assert not (site / "site" / "search" / "search_index.json").exists()  # one search set-up, not two


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


def test_data_package_validates_with_frictionless(site):
    downloads = site / "site" / "downloads"
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json",
                             str(downloads / "datapackage.json")], capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[-3000:]
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["path"] for r in package["resources"]}
    assert {"reports.csv", "cells.csv", "checks.csv", "indicators.csv", "wide_requests.csv",
            "wide_proactive_gov2019.csv", "wide_proactive_gov2021.csv", "dictionary.csv", "ids.csv"} <= names
    # The dictionary names every column of every file; ids.csv every id with its official label.
    dictionary = list(csv.DictReader((downloads / "dictionary.csv").open(encoding="utf-8")))
    for resource in package["resources"]:
        header = (downloads / resource["path"]).open(encoding="utf-8").readline().strip().split(",")
        assert header == [r["column"] for r in dictionary if r["file"] == resource["path"]], resource["path"]
    ids = list(csv.DictReader((downloads / "ids.csv").open(encoding="utf-8")))
    assert {"template": "gov2021", "table": "proactive", "row": "fees", "col": "amount_10k_yuan"}.items() <= next(
        r for r in ids if r["row"] == "fees" and r["template"] == "gov2021").items()
    # Excel copies: a BOM, and text that would run as a formula is defused.
    excel = (downloads / "excel" / "reports.csv").read_bytes()
    assert excel.startswith("\ufeff".encode("utf-8"))


def test_wide_tables_one_row_per_shown_report_and_templates_apart(site):
    downloads = site / "site" / "downloads"
    shown = {r["report_id"] for r in reports_csv(site) if r["status"] in ("ok", "warnings") and not r["superseded_by"]}
    wide = list(csv.DictReader((downloads / "wide_requests.csv").open(encoding="utf-8")))
    assert {r["report_id"] for r in wide} == shown
    shuyang = next(r for r in wide if r["report_id"] == "shuyang-gov-2025")
    assert shuyang["new_received.total"] == "713" and shuyang["new_received.natural_person"] == "705"
    for template in ("gov2019", "gov2021"):
        rows = list(csv.DictReader((downloads / f"wide_proactive_{template}.csv").open(encoding="utf-8")))
        assert rows and {r["template"] for r in rows} == {template}
    assert "fees.amount_10k_yuan" not in (downloads / "wide_proactive_gov2019.csv").read_text(encoding="utf-8")


def test_indicators_show_numerator_denominator_and_small_number_caveat(site):
    rows = list(csv.DictReader((site / "site" / "downloads" / "indicators.csv").open(encoding="utf-8")))
    rate = {(r["report_id"], r["indicator"]): r for r in rows}
    r = rate[("shuyang-gov-2025", "disclosure_rate")]
    assert (r["numerator"], r["denominator"], r["small_denominator"]) == ("395", "718", "false")
    assert abs(float(r["value"]) - 395 / 718) < 1e-6
    review = rate[("shuyang-gov-2025", "review_correction_rate")]
    assert (review["numerator"], review["denominator"]) == ("10", "46")  # corrected ÷ (total − pending)
    html = page(site, "shuyang-gov/2025")
    assert 'title="395 / 718">55.0%' in html
    small = rate[("panzhihua-nddo-2019", "disclosure_rate")]  # 2 requests: carries the caveat
    assert small["small_denominator"] == "true"
    assert "分母不足 10" in page(site, "panzhihua-nddo/2019")
    assert "<h2" in page(site, "indicators") and 'id="dispute_rate"' in page(site, "indicators")


def test_report_page_gives_provenance_and_a_citation(site):
    html = page(site, "shuyang-gov/2025")
    row = next(r for r in reports_csv(site) if r["report_id"] == "shuyang-gov-2025")
    assert row["source_sha256"] in html and "kiro_005.txt" in html and "获取日期" in html
    cite = re.search(r'<p class="nb-cite"[^>]*>(.*?)</p>', html, re.S).group(1)
    # GB/T 7714: [EB/OL], the publication date, and an access date the reader's browser fills in (the built
    # page says 引用日期, so that builds stay byte-identical)
    assert cite.count("[EB/OL]") == 2 and "(2026-01-23)" in cite and cite.count('<span class="nb-today">引用日期</span>') == 2
    assert "http://127.0.0.1/nianbao/shuyang-gov/2025/" in cite
    assert "数据纠错" in html and 'href="../../about/#联系与纠错"' in html  # no repository known in this build
    assert "联系与纠错" in page(site, "about")


def test_pages_are_zh_cn_and_carry_open_graph_tags(site):
    for url in ("", "shuyang-gov/2025", "compare", "data"):
        html = page(site, url)
        assert '<html lang="zh-CN"' in html and '<meta property="og:title" content="' in html, url
        assert '<meta property="og:description"' in html and "Made with" not in html, url
    assert 'og:title" content="沭阳县人民政府 2025 年政府信息公开工作年度报告"' in page(site, "shuyang-gov/2025")
    not_found = (site / "site" / "404.html").read_text(encoding="utf-8")
    assert "找不到这个页面" in not_found and "Not found" not in not_found and 'name="q"' in not_found


def test_every_agency_has_a_page_also_with_only_pre_2019_files(site):
    for slug in {r["agency_slug"] for r in reports_csv(site) if r["agency_slug"]}:
        assert (site / "site" / slug / "index.html").exists(), slug
    html = page(site, "pingtan-county-gov")
    assert "平潭县人民政府" in html and "没有可提取的统计表" in html and "pingtan-county-gov" in page(site, "agencies")


def test_report_page_sentences_are_true(site):
    html = page(site, "panzhihua-nddo/2025")  # 5 requests handled: below the drawing threshold, not none
    assert "不足 20 件" in html and "没有收到" not in html
    assert "攀枝花市人民政府国防动员办公室 2025 年新收政府信息公开申请 5 件，办结 5 件" in html
    agency = page(site, "panzhihua-nddo")  # two years below the threshold: not "only one year"
    assert "只有一个年度" not in agency and "不足 20 件" in agency
    # neighbours and the year page
    html = page(site, "pingtan-zone/2021")
    assert 'href="../../pingtan-zone/2020/" rel="prev"' in html and 'href="../../pingtan-zone/2022/" rel="next"' in html
    assert 'href="../../years/2021/"' in html


def test_narrative_lines_broken_inside_a_sentence_are_joined():
    from nianbao.publish.pages import paragraphs

    text = "根据《条例》和《上海市政府\n信息公开规定》的要求，编制本报告。\n（一）主动公开\n本年度公开 5 件。"
    assert paragraphs(text) == ["根据《条例》和《上海市政府信息公开规定》的要求，编制本报告。", "（一）主动公开",
                                "本年度公开 5 件。"]


def test_report_csv_has_chinese_labels_and_a_bom_and_the_data_page_is_short(site):
    data = (site / "site" / "shuyang-gov" / "2025.csv").read_bytes()
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["表格", "行", "列"] and "row" in rows[0]
    assert ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", "总计", "713"] == rows[
        next(i for i, r in enumerate(rows) if r[7:] == ["requests", "new_received", "total"])][:4]
    html = page(site, "data")
    assert "编号对照" not in html and 'href="../ids/"' in html and "CC BY 4.0" in html and "数据截至 " in html
    assert re.search(r"<code>cells.csv</code></a></th><td[^>]*>[^<]*</td><td class=\"nb-num\">[\d,]+</td><td class=\"nb-num\">[\d.]+ (KB|MB)", html)
    assert "excel/</a>" not in html and "编号对照" in page(site, "ids")


def test_excel_copy_defuses_formulas_but_keeps_negative_numbers():
    from nianbao.publish.downloads import _defuse

    assert _defuse('=HYPERLINK("http://x","点我")') == '\'=HYPERLINK("http://x","点我")'
    assert _defuse("@SUM(A1)") == "'@SUM(A1)" and _defuse("-A1") == "'-A1"
    assert _defuse("-3") == "-3" and _defuse("报告") == "报告" and _defuse(12) == 12


def test_chart_colours_stand_out_on_white():
    from nianbao.publish import charts

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in (*charts.SERIES_COLOURS, charts.BAR_COLOUR):
        assert (1.05) / (luminance(colour) + 0.05) >= 3, colour
    assert len(set(charts.SERIES_COLOURS)) == len(charts.SERIES_COLOURS)


def test_correction_link_opens_the_repository_issue_form():
    from types import SimpleNamespace
    from urllib.parse import parse_qs, urlsplit

    from nianbao.publish.pages import correction_link

    page = SimpleNamespace(agency_name="沭阳县人民政府", meta={"year": "2025"})
    url = correction_link("https://github.com/example/nianbao", page, "https://example.github.io/nianbao/shuyang-gov/2025/")
    parts = urlsplit(url)
    assert parts.path == "/example/nianbao/issues/new"
    query = parse_qs(parts.query)
    assert query["template"] == ["data-error.yml"] and query["title"] == ["数据纠错：沭阳县人民政府 2025"]
    assert query["page"] == ["https://example.github.io/nianbao/shuyang-gov/2025/"]
    assert correction_link("javascript:alert(1)", page, "x") == "../../about/#联系与纠错"


def test_every_check_the_parser_reports_has_a_chinese_name_and_a_place_on_the_quality_page():
    from nianbao import paths as nianbao_paths
    from nianbao import schema
    from nianbao.parse.checks import identities
    from nianbao.publish.pages import CHECK_NAMES, QUALITY_GROUPS

    made = {eq.check for eq in identities(tuple(r.id for r in schema.REQUEST_ROWS))}
    for source in (nianbao_paths.PACKAGE / "parse").rglob("*.py"):
        made |= set(re.findall(r'Finding\(\s*"([a-z_]+)"\s*,\s*"(?:warning|error)"', source.read_text(encoding="utf-8")))
    assert {"balance", "ambiguous_digits", "unplaced_row"} <= made  # the scan finds them
    assert made <= set(CHECK_NAMES), sorted(made - set(CHECK_NAMES))
    grouped = {check for _, checks in QUALITY_GROUPS for check in checks}
    assert made <= grouped, sorted(made - grouped)


def test_a_table_not_read_or_not_printed_is_said_so_in_words(site):
    # 平潭 2020's proactive digits run together past reading: a sentence says so above the few placed cells.
    html = page(site, "pingtan-zone/2020")
    assert "主动公开政府信息情况表未能读出" in html and "nb-proactive" in html
    # A report that prints a sentence instead of its appeals table: the sentence, and no empty table.
    rows = list(csv.DictReader((site / "csv" / "reports.csv").open(encoding="utf-8")))
    row = next(r for r in rows if r["source_file"] == "sentence.txt")
    html = page(site, f"{row['agency_slug']}/{row['year']}")
    assert "本年度未发生因政府信息公开引起的行政复议、行政诉讼" in html and "nb-appeals" not in html
