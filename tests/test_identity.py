"""Who published each report, and where, from the report itself (parse/identity.py), and how the registry keeps
slugs stable (parse/registry.py): on the gold corpus under other names, and on synthetic reports for what the
gold lacks (renames, self-references, a name only in the signature, one-character slips)."""

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import requires_shared
from nianbao import paths
from nianbao.measure import synth
from nianbao.measure.evaluate import score_identity
from nianbao.parse.identity import describe, gazetteer, identify, place_of
from nianbao.parse.readers import read_document
from nianbao.parse.registry import Registry
from nianbao.publish.pages import build_pages, copy_hand_written
from nianbao.run.dataset import parse_corpus
from nianbao.run.site import build_site


def empty_registry() -> Registry:
    return Registry({}, {}, {})


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def text_report(i: int, name: str, year: int, title: str | None = None, signature: str | None = None,
                narrative: str | None = None) -> str:
    """A synthetic report (tab-separated text) by `name`; title, signature and narrative may name it otherwise
    ('' leaves the name out of that place)."""
    made = synth.make_report(i, synth.Agency(f"a{i}", name, "", ""), year, {}, fmt="txt")
    lines = made.data.decode("utf-8").split("\n")
    signed = max(k for k, line in enumerate(lines) if line == name)
    body = [line.replace(name, narrative) if narrative is not None else line for line in lines]
    body[0] = f"{name if title is None else title}{year}年政府信息公开工作年度报告"
    body[signed] = name if signature is None else signature
    return "\n".join(body)


def parse_texts(tmp_path: Path, reports: dict[str, str], registry: Registry | None = None) -> dict[str, dict]:
    src = tmp_path / "reports"
    src.mkdir(parents=True, exist_ok=True)
    for name, text in reports.items():
        (src / name).write_text(text, encoding="utf-8")
    parse_corpus(src, tmp_path / "csv", registry or empty_registry(), jobs=1, progress=lambda s: None)
    return {r["source_file"]: r for r in read(tmp_path / "csv" / "reports.csv")}


# ---- the gazetteer -------------------------------------------------------------------------------------


def test_the_gazetteer_holds_the_current_divisions_with_their_codes():
    places = gazetteer().divisions
    levels = {level: {p.code for p in places if p.level == level} for level in ("province", "city", "county")}
    # 31 provinces, Hong Kong and Macao (Taiwan has no code in the package); 333 prefectures; 2,846 counties
    assert len(levels["province"]) == 33 and 330 <= len(levels["city"]) <= 340 and 2800 <= len(levels["county"]) <= 2900
    assert all(re.fullmatch(r"\d{6}", p.code) for p in places)
    for p in places:  # a division's code begins with the code of the division above it
        if len(p.path) > 1 and (parent := place_of("/".join(p.path[:-1]))) and p.code != parent.code:
            assert p.code.startswith(parent.code.rstrip("0")[:2]), p
    assert place_of("重庆市/两江新区").code == "500157"  # the 2025 snapshot: 两江新区 replaced 江北区 and 渝北区
    assert place_of("江苏省/宿迁市/沭阳县").code == "321322"


def test_every_region_in_the_corpus_and_the_registry_is_a_division():
    regions = {r["region"] for r in read(paths.SOURCES) if r["region"]}
    if paths.GOLD.is_dir():
        regions |= {json.loads(p.read_text(encoding="utf-8"))["region"] for p in paths.GOLD.glob("*.json")}
    assert regions
    for region in sorted(regions):
        place = place_of(region)
        assert place is not None and re.fullmatch(r"\d{6}", place.code), region


@requires_shared
def test_gold_reports_name_their_agency_region_and_level_from_the_document_alone(tmp_path):
    scores = score_identity(paths.CORPUS_REPORTS, paths.GOLD, tmp_path, jobs=1)
    assert len(scores) == 15
    assert [(s.file, s.got) for s in scores if set(s.fields.values()) != {"right"}] == []


# ---- one document ---------------------------------------------------------------------------------------


def identity_of(text: str):
    rows = [[line] for line in text.split("\n") if line.strip()]
    title = next(line for line in text.split("\n") if "年度报告" in line)
    return identify(rows, title, text)


def test_a_name_only_in_the_signature(tmp_path):
    who = identity_of(text_report(1, "河北省工业和信息化厅", 2023, title="", narrative="我厅"))
    assert (who.name, who.region, who.level, who.kind, who.source) == (
        "河北省工业和信息化厅", "河北省", "province", "department", "signature")


def test_a_self_reference_is_completed_from_the_document_only():
    # The title says 省工业和信息化厅; the office that signs says which province.
    who = identity_of(text_report(2, "河北省工业和信息化厅", 2023, title="省工业和信息化厅",
                                  signature="河北省工业和信息化厅办公室", narrative="省工业和信息化厅"))
    assert (who.printed, who.name, who.region, who.adcode) == ("省工业和信息化厅", "河北省工业和信息化厅", "河北省", "130000")
    # An abbreviation elsewhere completes it too, and is spelt out.
    who = identity_of(text_report(3, "河北省工业和信息化厅", 2023, title="省工业和信息化厅", signature="河北省工信厅"))
    assert who.name == "河北省工业和信息化厅"
    # Nothing in the document says which province: no agency, a finding, never a guess.
    who = identity_of(text_report(4, "河北省工业和信息化厅", 2023, title="省工业和信息化厅", signature="",
                                  narrative="我厅"))
    assert (who.name, who.region, who.level) == ("", "", "")
    assert [f.check for f in who.findings] == ["agency_incomplete"]


def test_a_document_that_never_names_its_author_gets_no_agency():
    who = identity_of(text_report(5, "河北省工业和信息化厅", 2023, title="", signature="", narrative="我厅"))
    assert (who.name, who.region, who.level, who.kind) == ("", "", "", "")
    assert [f.check for f in who.findings] == ["agency_unknown"]


def test_a_one_character_slip_is_corrected_only_to_the_one_real_place():
    who = describe("沐阳县人民政府")
    assert (who.name, who.region, who.adcode) == ("沭阳县人民政府", "江苏省/宿迁市/沭阳县", "321322")
    assert [f.check for f in who.findings] == ["place_corrected"] and "沐阳县" in who.findings[0].message
    assert describe("宿迁市沐阳县教育局").region == "江苏省/宿迁市/沭阳县"
    # 杨 for 阳 is no look-alike: 沭杨县 names no place, and 宿迁市 alone would be the wrong level.
    for name in ("沭杨县人民政府", "宿迁市沭杨县人民政府"):
        who = describe(name)
        assert (who.region, who.level) == ("", "") and [f.check for f in who.findings] == ["place_unknown"], name


def test_a_place_name_shared_by_several_divisions_is_told_apart_by_the_document():
    assert describe("朝阳区人民政府", text="北京市朝阳区人民政府2023年…").region == "北京市/朝阳区"
    assert describe("朝阳区人民政府", text="长春市朝阳区…").region == "吉林省/长春市/朝阳区"
    who = describe("朝阳区人民政府", text="")
    assert who.region == "" and [f.check for f in who.findings] == ["place_ambiguous"]


@pytest.mark.parametrize("name, region, level, kind", [
    ("攀枝花市西区人民政府办公室", "四川省/攀枝花市/西区", "county", "government"),
    ("平潭综合实验区", "福建省/平潭综合实验区", "city", "government"),
    ("成都高新区管委会", "四川省/成都市/成都高新区", "county", "government"),
    ("沭阳县钱集镇人民政府", "江苏省/宿迁市/沭阳县/钱集镇", "township", "government"),
    ("国家税务总局四川省税务局", "四川省", "province", "department"),
    ("教育部", "", "central", "department"),
    ("上海市浦东新区人民政府", "上海市/浦东新区", "county", "government"),
])
def test_places_levels_and_kinds(name, region, level, kind):
    who = describe(name)
    assert (who.region, who.level, who.kind) == (region, level, kind)


def test_html_metadata_names_the_author(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><title>2023年政府信息公开工作年度报告_宿迁市人民政府</title>'
                    '<meta name="ContentSource" content="宿迁市教育局"></head><body>'
                    '<p>2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>我局坚持…</p></body></html>',
                    encoding="utf-8")
    doc = read_document(page)
    who = identify(doc.rows, "2023年政府信息公开工作年度报告", doc.text, doc.meta)
    assert (who.name, who.region, who.source) == ("宿迁市教育局", "江苏省/宿迁市", "metadata")


# ---- across files: renames, slugs, the registry ----------------------------------------------------------


def test_one_agency_across_a_rename_keeps_one_slug_and_takes_its_newest_name(tmp_path):
    rows = parse_texts(tmp_path, {
        "a.txt": text_report(10, "沭阳县人民防空办公室", 2021),
        "b.txt": text_report(11, "沭阳县人民防空办公室", 2022),
        "c.txt": text_report(12, "沭阳县国防动员办公室", 2024),
    })
    assert {r["agency_slug"] for r in rows.values()} == {"shuyang-guofangdongyuanbangongshi"}
    assert {r["agency"] for r in rows.values()} == {"沭阳县国防动员办公室"}
    assert [rows[f]["agency_printed"] for f in ("a.txt", "c.txt")] == ["沭阳县人民防空办公室", "沭阳县国防动员办公室"]
    assert {(r["region"], r["adcode"], r["level"], r["agency_kind"], r["identity_source"]) for r in rows.values()} == {
        ("江苏省/宿迁市/沭阳县", "321322", "county", "department", "document")}
    assert sorted(r["report_id"] for r in rows.values()) == [
        "shuyang-guofangdongyuanbangongshi-2021", "shuyang-guofangdongyuanbangongshi-2022",
        "shuyang-guofangdongyuanbangongshi-2024"]


def test_a_slug_once_given_never_moves(tmp_path):
    agencies = tmp_path / "agencies.csv"
    registry = Registry.load(tmp_path / "sources.csv", agencies)
    first = parse_texts(tmp_path / "one", {"a.txt": text_report(20, "沭阳县人民防空办公室", 2022)}, registry)
    assert registry.save_added(agencies) == 1
    slug = first["a.txt"]["agency_slug"]
    assert slug == "shuyang-renminfangkongbangongshi"
    # Renamed later, and an older report added: the pages stay where they were.
    later = parse_texts(tmp_path / "two", {
        "a.txt": text_report(20, "沭阳县人民防空办公室", 2022),
        "b.txt": text_report(21, "沭阳县国防动员办公室", 2025),
        "old.txt": text_report(22, "沭阳县人民防空办公室", 2019),
    }, Registry.load(tmp_path / "sources.csv", agencies))
    assert {r["agency_slug"] for r in later.values()} == {slug}
    assert {r["agency"] for r in later.values()} == {"沭阳县人民防空办公室"}  # the registry's name wins
    assert [r["slug"] for r in read(agencies)] == [slug]
    # The renamed agency alone, its old name nowhere in this run: still the same place and normalised name.
    alone = parse_texts(tmp_path / "three", {"c.txt": text_report(23, "沭阳县国防动员办公室", 2026)},
                        Registry.load(tmp_path / "sources.csv", agencies))
    assert alone["c.txt"]["agency_slug"] == slug


def test_two_agencies_that_would_share_a_slug_are_told_apart_by_the_division_above(tmp_path):
    rows = parse_texts(tmp_path, {
        "beijing.txt": text_report(30, "北京市朝阳区人民政府", 2024),
        "changchun.txt": text_report(31, "长春市朝阳区人民政府", 2024),
    })
    assert (rows["beijing.txt"]["agency_slug"], rows["changchun.txt"]["agency_slug"]) == (
        "beijing-chaoyang-gov", "changchun-chaoyang-gov")


def test_the_registry_overrides_the_document(tmp_path):
    (tmp_path / "sources.csv").write_text(
        "source_file,agency,region,level,source_url,retrieved\n"
        "a.txt,江苏省宿迁市沭阳县人民政府,江苏省/宿迁市/沭阳县,county,https://example.gov.cn/a,2026-01-02\n",
        encoding="utf-8")
    (tmp_path / "agencies.csv").write_text("slug,name,aliases,note\nshuyang-gov,沭阳县人民政府,"
                                           "江苏省宿迁市沭阳县人民政府|沐阳县人民政府,\n", encoding="utf-8")
    registry = Registry.load(tmp_path / "sources.csv", tmp_path / "agencies.csv")
    rows = parse_texts(tmp_path, {"a.txt": text_report(40, "沐阳县人民政府", 2025),
                                  "b.txt": text_report(41, "沐阳县人民政府", 2024)}, registry)
    a, b = rows["a.txt"], rows["b.txt"]
    assert (a["identity_source"], b["identity_source"]) == ("registry", "document")
    assert a["agency_slug"] == b["agency_slug"] == "shuyang-gov" and a["agency"] == b["agency"] == "沭阳县人民政府"
    assert (a["agency_printed"], a["adcode"], a["source_url"]) == ("沐阳县人民政府", "321322", "https://example.gov.cn/a")
    assert "place_corrected" in b["status_reason"] and "place_corrected" not in a["status_reason"]
    assert registry.added == []


def test_unsupported_and_pre2019_reports_get_an_identity_too(tmp_path):
    src = tmp_path / "reports"
    src.mkdir()
    for name in ("pingtan_002.txt", "pingtan_008.txt", "pingtan_014.txt"):
        shutil.copy(paths.REPORTS / name, src / f"x{name[-7:]}")
    parse_corpus(src, tmp_path / "csv", empty_registry(), jobs=1, progress=lambda s: None)
    rows = {r["source_file"]: r for r in read(tmp_path / "csv" / "reports.csv")}
    assert rows["x002.txt"]["status"] == "unsupported" and rows["x002.txt"]["region"] == "福建省/福州市/平潭县"
    assert rows["x008.txt"]["agency_slug"] == rows["x014.txt"]["agency_slug"]  # 管委会 and the zone's name: one agency
    assert rows["x008.txt"]["agency"] == "平潭综合实验区管理委员会"


# ---- the site, with no registry line at all ---------------------------------------------------------------


SITE_AGENCIES = [  # (name printed in the title, years); each agency by its own text
    ("江苏省人民政府办公厅", (2022, 2023, 2024)),
    ("宿迁市教育局", (2023, 2024)),
    ("沭阳县人民防空办公室", (2021, 2022)),
    ("沭阳县国防动员办公室", (2023, 2024)),
    ("平潭综合实验区", (2022,)),
    ("平潭综合实验区管委会", (2023, 2024)),
    ("攀枝花市西区人民政府办公室", (2024,)),
]


def test_a_site_from_reports_nobody_registered(tmp_path):
    src = tmp_path / "reports"
    src.mkdir()
    i = 0
    for name, years in SITE_AGENCIES:
        for year in years:
            made = synth.make_report(100 + i, synth.Agency(f"s{i}", name, "", ""), year, {})
            suffix = "html" if made.fmt == "html-gb" else made.fmt
            (src / f"{i:03d}.{suffix}").write_bytes(made.data)
            i += 1
    agencies = tmp_path / "agencies.csv"
    registry = Registry.load(tmp_path / "sources.csv", agencies)
    parse_corpus(src, tmp_path / "csv", registry, jobs=1, progress=lambda s: None)
    registry.save_added(agencies)
    reports = read(tmp_path / "csv" / "reports.csv")
    assert len(reports) == i and all(r["status"] in ("ok", "warnings") for r in reports)
    assert all(r["region"] and r["level"] and r["adcode"] and r["identity_source"] == "document" for r in reports)
    by_slug: dict[str, set] = {}
    for r in reports:
        by_slug.setdefault(r["agency_slug"], set()).add(r["year"])
    assert len(by_slug) == 5  # the two 人防/国动 names are one agency, and so are the zone's two

    copy_hand_written(tmp_path / "docs")
    build_pages(tmp_path / "csv", tmp_path / "docs", src, agencies, tmp_path / "cache", jobs=1)
    build_site(tmp_path / "docs", tmp_path / "site")
    for slug, years in by_slug.items():  # every agency's years on one agency page
        html = (tmp_path / "site" / slug / "index.html").read_text(encoding="utf-8")
        assert {y for y in years if f'href="../{slug}/{y}/"' in html or f'href="{y}/"' in html} == years, slug
    compare = (tmp_path / "site" / "compare" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-year="(\d+)" data-region="([^"]*)" data-level="([^"]*)">', compare)
    assert len(rows) == len(reports)
    regions = set(re.findall(r"<option>([^<]+)</option>", compare.split('data-filter="region"', 1)[1].split("</select>")[0]))
    levels = set(re.findall(r"<option>([^<]+)</option>", compare.split('data-filter="level"', 1)[1].split("</select>")[0]))
    assert {"江苏省", "福建省", "四川省"} <= regions
    assert all(region in regions and level in levels for _, region, level in rows), rows
