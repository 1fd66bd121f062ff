"""Synthetic reports for measuring scale: `invoke synth --reports N --out DIR`.

The corpus is shaped like a province's: a provincial government, its cities and counties, and their
departments, each publishing one report a year for several of the years 2019–2025, in the template of
its year (gov2019 before 2021, gov2021 from 2021), in the layouts the readers support (tab-separated
text, Markdown, HTML in UTF-8 or GB18030, Word). Numbers follow the template's arithmetic and each
agency's carry-over chain, except a known fraction (`INCONSISTENT`) that get one cell wrong on purpose.
Everything is drawn from a random generator seeded by the report's number, so a corpus is reproducible.
The narrative varies sentence by sentence, so search has realistic text to index.
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .. import schema

INCONSISTENT = 0.03  # share of reports with one wrong cell
YEARS = tuple(range(2019, 2026))
FORMATS = (("txt", 0.45), ("md", 0.2), ("html", 0.25), ("html-gb", 0.05), ("docx", 0.05))

PROVINCE = "江苏省"
CITIES = ("南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市",
          "镇江市", "泰州市", "宿迁市")
COUNTY_STEMS = ("东", "西", "南", "北", "丰", "沛", "睢", "邳", "溧", "江", "宜", "金", "海", "如", "启", "滨", "阜",
                "射", "建", "宝", "高", "仪", "丹", "句", "兴", "靖", "泗", "沭", "灌", "涟", "盱", "响", "洪", "新", "清")
COUNTY_ENDS = ("阳县", "台县", "宁县", "湖区", "山区", "城区", "安县", "海县", "水县", "州市", "江市", "口区")
DEPARTMENTS = ("人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
               "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
               "市场监督管理局", "统计局", "医疗保障局", "城市管理局", "数据局", "国防动员办公室")
PROVINCE_DEPARTMENTS = tuple(d.replace("局", "厅") for d in DEPARTMENTS[1:])
COUNTY_DEPARTMENTS = 11  # the county government and its first ten departments

SENTENCES = (
    "{year}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "秉持“公开为常态、不公开为例外”的原则，围绕{topic}等重点领域，持续加大政府信息公开力度。",
    "全年通过门户网站主动公开政府信息{published}条，其中政策文件{docs}件、政策解读{readings}篇。",
    "全年共收到政府信息公开申请{received}件，均在法定期限内予以答复。",
    "严格落实公开属性源头认定机制，公文在拟制时即明确公开方式，{short}未发生因公开不当引发的泄密事件。",
    "围绕{topic}，及时发布工作动态、通知公告和办事指南，方便群众查询办理。",
    "组织开展政府信息公开专题培训{trainings}次，提升工作人员依法公开的意识和能力。",
    "对照主动公开基本目录，动态调整完善{topic}栏目，确保信息分类清晰、检索便捷。",
    "依托政务新媒体平台发布信息{media}条，拓宽政府信息传播渠道，增强公开实效。",
    "严格执行信息发布“三审三校”制度，落实专人负责，确保发布内容准确无误。",
    "举办政府开放日活动{openings}场，邀请群众代表、人大代表和政协委员走进机关，面对面听取意见建议。",
    "加强政策解读，采用图文解读、视频解读等形式，对{topic}相关政策作出通俗易懂的说明。",
    "规范依申请公开办理流程，做好登记、审核、答复和归档各环节工作，答复文书格式规范、依据充分。",
    "持续推进政务公开标准化规范化建设，在{topic}等领域细化公开事项清单。",
    "强化监督保障，将政府信息公开工作纳入年度绩效考核，开展网站自查{inspections}次，及时整改发现的问题。",
)
TOPICS = ("财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "乡村振兴", "生态环境保护", "教育招生",
          "医疗卫生", "就业创业", "安全生产", "食品药品监管", "住房保障", "征地拆迁", "行政执法", "优化营商环境")
PROBLEMS = (
    "政策解读的形式还不够丰富，图解、音视频解读运用较少。",
    "部分栏目信息更新不够及时，与群众期待仍有差距。",
    "依申请公开答复的规范化水平有待进一步提高。",
    "工作人员业务能力参差不齐，培训的针对性有待加强。",
    "政务新媒体与门户网站的信息发布协同不够紧密。",
)
IMPROVEMENTS = (
    "下一步，将丰富解读形式，提高政策知晓度。",
    "下一步，将建立栏目更新台账，定期检查，确保信息及时准确。",
    "下一步，将加强答复文书审核，提升依申请公开办理质量。",
    "下一步，将组织分层分类培训，提升队伍专业水平。",
)


@dataclass
class Agency:
    slug: str
    name: str
    region: str
    level: str


def agencies() -> list[Agency]:
    """Every agency of the synthetic province, provincial ones first: 1,365 in all."""
    found = [Agency("syn-p", f"{PROVINCE}人民政府办公厅", PROVINCE, "province")]
    found += [Agency(f"syn-p-d{d:02d}", f"{PROVINCE}{name}", PROVINCE, "province")
              for d, name in enumerate(PROVINCE_DEPARTMENTS, 1)]
    counties = []
    for c, city in enumerate(CITIES, 1):
        found += [Agency(f"syn-c{c:02d}-d{d:02d}", f"{city}{name}", f"{PROVINCE}/{city}", "city")
                  for d, name in enumerate(DEPARTMENTS)]
        for k in range(7):
            county = COUNTY_STEMS[(c * 7 + k) % len(COUNTY_STEMS)] + COUNTY_ENDS[(c + k * 5) % len(COUNTY_ENDS)]
            counties += [Agency(f"syn-c{c:02d}-k{k}-d{d:02d}", f"{county}{name}", f"{PROVINCE}/{city}/{county}",
                                "county") for d, name in enumerate(DEPARTMENTS[:COUNTY_DEPARTMENTS])]
    return found + counties


@dataclass
class Synthetic:
    """One generated report: where it goes, its bytes, and the figures it prints (for tests)."""

    agency: Agency
    year: int
    fmt: str
    data: bytes
    cells: dict[tuple[str, str, str], str]
    inconsistent: bool


def plan(n: int) -> list[tuple[Agency, int]]:
    """(agency, year) for n reports: agencies in order, each with a run of 3–7 years ending in 2025."""
    rng = random.Random(n)
    out: list[tuple[Agency, int]] = []
    pool = agencies()
    i = 0
    while len(out) < n:
        agency = pool[i % len(pool)]
        if i >= len(pool):  # more reports than the province has agency-years: a second province's twins
            agency = Agency(f"{agency.slug}-x{i // len(pool)}", f"{agency.name}（{i // len(pool)}）",
                            agency.region, agency.level)
        span = rng.randint(3, 7)
        out += [(agency, year) for year in YEARS[-span:]]
        i += 1
    return out[:n]


def generate(out: Path, n: int, progress=print) -> None:
    """Write n reports under out/reports/<year>/, with out/sources.csv and out/agencies.csv."""
    reports_dir = out / "reports"
    sources, seen = [], {}
    chains: dict[str, dict] = {}
    for i, (agency, year) in enumerate(plan(n)):
        report = make_report(i, agency, year, chains)
        ext = "html" if report.fmt == "html-gb" else report.fmt
        name = f"{year}/{agency.slug}-{year}.{ext}"
        path = reports_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(report.data)
        sources.append({"source_file": name, "agency": agency.name, "region": agency.region, "level": agency.level,
                        "source_url": f"https://www.example.gov.cn/xxgk/{agency.slug}/{year}.html",
                        "retrieved": f"{year + 1}-02-15"})
        seen[agency.slug] = agency
        if (i + 1) % 1000 == 0:
            progress(f"synth: {i + 1}/{n} reports")
    _write_csv(out / "sources.csv", sources)
    _write_csv(out / "agencies.csv", [{"slug": a.slug, "name": a.name, "aliases": "", "note": "synthetic"}
                                      for a in seen.values()])
    (out / "synth.json").write_text(json.dumps({"reports": n}), encoding="utf-8")


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ---- figures ----------------------------------------------------------------------------------------------


def make_report(i: int, agency: Agency, year: int, chains: dict[str, dict], fmt: str = "") -> Synthetic:
    """Report number i. `chains` carries each agency's 结转下年度 into its next year's 上年结转; `fmt`: one of
    FORMATS' layouts (default: drawn at random)."""
    rng = random.Random(f"report-{i}")
    template = schema.TEMPLATE_BY_ID["gov2021" if year >= 2021 else "gov2019"]
    cells: dict[tuple[str, str, str], str] = {}
    _proactive(rng, template, cells)
    received = _requests(rng, template, cells, chains.setdefault(agency.slug, {}))
    _appeals(rng, received, cells)
    inconsistent = rng.random() < INCONSISTENT
    if inconsistent:  # one outcome cell off by a few: the report's own row and column sums no longer hold
        key = ("requests", "granted", "natural_person")
        cells[key] = str(int(cells[key]) + rng.randint(1, 5))
    fmt = fmt or rng.choices([f for f, _ in FORMATS], [w for _, w in FORMATS])[0]
    narrative = _narrative(rng, agency, year, received)
    published = f"{year + 1}-01-{rng.randint(10, 31):02d}"
    data = RENDER[fmt](agency, year, template, cells, narrative, published)
    return Synthetic(agency, year, fmt, data, cells, inconsistent)


def _proactive(rng: random.Random, template: schema.Template, cells: dict) -> None:
    for row in template.tables["proactive"].rows:
        for col in row.cols:
            if col.id in ("amount_10k_yuan", "procurement_amount"):
                value = str(Decimal(rng.randint(0, 500000)) / 100) if rng.random() < 0.4 else "0"
            elif col.id == "change":
                value = str(rng.randint(-3, 3))
            else:
                value = str(int(rng.paretovariate(1.3)) - 1 if rng.random() < 0.6 else 0)
            cells[("proactive", row.id, col.id)] = value


def _requests(rng: random.Random, template: schema.Template, cells: dict, chain: dict) -> int:
    """Per applicant column: new + carried over = handled + carried forward, handled split over the outcomes."""
    cols = [c.id for c in schema.REQUEST_COLS[:-1]]
    volume = int(rng.lognormvariate(1.5, 1.6)) if rng.random() < 0.85 else 0
    shares = (0.82, 0.08, 0.005, 0.01, 0.03, 0.055)
    rows = [r.id for r in template.tables["requests"].rows]
    outcomes = [r for r in rows if r in schema.OUTCOME_ROWS]
    weights = {r: 40 if r == "granted" else 15 if r.startswith("unavailable_not") else 10 if r == "partially_granted"
               else 3 for r in outcomes}
    table: dict[str, dict[str, int]] = {r: dict.fromkeys(cols, 0) for r in rows}
    for col, share in zip(cols, shares):
        new = sum(rng.random() < share for _ in range(volume))
        carried = chain.get(col, 0)
        forward = sum(rng.random() < 0.05 for _ in range(new + carried))
        table["new_received"][col], table["carried_over"][col], table["carried_forward"][col] = new, carried, forward
        handled = new + carried - forward
        table["total_handled"][col] = handled
        for _ in range(handled):
            table[rng.choices(outcomes, [weights[r] for r in outcomes])[0]][col] += 1
        chain[col] = forward
    for row in rows:
        for col in cols:
            cells[("requests", row, col)] = str(table[row][col])
        cells[("requests", row, "total")] = str(sum(table[row].values()))
    return sum(table["new_received"].values())


def _appeals(rng: random.Random, received: int, cells: dict) -> None:
    for row in ("review", "suit_direct", "suit_after_review"):
        n = sum(rng.random() < 0.04 for _ in range(received))
        parts = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
        for _ in range(n):
            parts[rng.choices(list(parts), (6, 1, 1, 2))[0]] += 1
        for col, value in parts.items():
            cells[("appeals", row, col)] = str(value)
        cells[("appeals", row, "total")] = str(n)


def _narrative(rng: random.Random, agency: Agency, year: int, received: int) -> dict[str, list[str]]:
    short = agency.name.removeprefix(PROVINCE)
    values = {"year": year, "short": short, "received": received, "published": rng.randint(30, 3000),
              "docs": rng.randint(0, 60), "readings": rng.randint(0, 20), "trainings": rng.randint(1, 6),
              "media": rng.randint(0, 900), "openings": rng.randint(0, 4), "inspections": rng.randint(2, 12)}
    overview = [SENTENCES[0], SENTENCES[3]] + rng.sample(SENTENCES[1:3] + SENTENCES[4:], rng.randint(4, 9))
    paragraphs = [" ".join(s.format(topic=rng.choice(TOPICS), **values) for s in overview[k:k + 3])
                  for k in range(0, len(overview), 3)]
    return {
        "一、总体情况": paragraphs,
        "五、存在的主要问题及改进情况": [" ".join(rng.sample(PROBLEMS, 2)) + rng.choice(IMPROVEMENTS)],
        "六、其他需要报告的事项": [f"本年度{short}未收取信息处理费。" if rng.random() < 0.8
                          else f"本年度{short}收取信息处理费0元，无其他需要报告的事项。"],
    }


# ---- layouts ----------------------------------------------------------------------------------------------


def _table_rows(template: schema.Template, cells: dict) -> dict[str, list[list[str]]]:
    """Each table as rows of cells, headers first, as the official template prints them."""
    tables: dict[str, list[list[str]]] = {}
    proactive: list[list[str]] = []
    header: tuple = ()
    for row in template.tables["proactive"].rows:
        if row.cols != header:
            header = row.cols
            proactive.append(["信息内容", *(c.label for c in row.cols)])
        proactive.append([row.label, *(cells[("proactive", row.id, c.id)] for c in row.cols)])
    tables["proactive"] = proactive
    requests = [["", *(c.label for c in schema.REQUEST_COLS)]]
    for row in template.tables["requests"].rows:
        requests.append([row.label, *(cells[("requests", row.id, c.id)] for c in schema.REQUEST_COLS)])
    tables["requests"] = requests
    appeals_cols = [c.id for c in schema.APPEAL_COLS]
    tables["appeals"] = [
        ["行政复议"] * 5 + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        [c.label for c in schema.APPEAL_COLS] * 3,
        [cells[("appeals", row, col)] for row in ("review", "suit_direct", "suit_after_review") for col in appeals_cols],
    ]
    return tables


def _parts(agency: Agency, year: int, template: schema.Template, cells: dict, narrative: dict):
    """The report in reading order: ("title" | "heading" | "para" | "table", content)."""
    tables = _table_rows(template, cells)
    parts = [("title", f"{agency.name}{year}年政府信息公开工作年度报告")]
    parts += [("para", "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限自"
                       f"{year}年1月1日起至{year}年12月31日止。")]
    heading, paragraphs = "一、总体情况", narrative["一、总体情况"]
    parts += [("heading", heading)] + [("para", p) for p in paragraphs]
    for table_id in schema.TABLES:
        parts += [("heading", "二三四"[schema.TABLES.index(table_id)] + "、" + template.tables[table_id].title[2:]),
                  ("table", tables[table_id])]
    for heading in ("五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        parts += [("heading", heading)] + [("para", p) for p in narrative[heading]]
    parts += [("para", agency.name), ("para", f"{year + 1}年1月{15 + len(agency.name) % 10}日")]
    return parts


def render_text(agency, year, template, cells, narrative, published) -> bytes:
    lines = []
    for kind, content in _parts(agency, year, template, cells, narrative):
        lines += ["\t".join(r) for r in content] if kind == "table" else [content]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def render_markdown(agency, year, template, cells, narrative, published) -> bytes:
    lines = [f"发布日期：{published}", ""]
    for kind, content in _parts(agency, year, template, cells, narrative):
        if kind == "title":
            lines.append(f"# {content}")
        elif kind == "heading":
            lines.append(f"## {content}")
        elif kind == "table":
            lines.append("| " + " | ".join(content[0]) + " |")
            lines.append("|" + "---|" * len(content[0]))
            lines += ["| " + " | ".join(r) + " |" for r in content[1:]]
        else:
            lines.append(content)
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def render_html(agency, year, template, cells, narrative, published, encoding="utf-8") -> bytes:
    body = [f'<table class="meta"><tr><td>发布日期：</td><td>{published}</td></tr></table>']
    for kind, content in _parts(agency, year, template, cells, narrative):
        if kind == "title":
            body.append(f"<h1>{html.escape(content)}</h1>")
        elif kind == "heading":
            body.append(f"<h2>{html.escape(content)}</h2>")
        elif kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in content)
            body.append(f'<table border="1">{rows}</table>')
        else:
            body.append(f"<p>{html.escape(content)}</p>")
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{html.escape(agency.name)}</title>'
            f'</head><body><div class="article">{"".join(body)}</div></body></html>')
    return page.encode(encoding)


def render_docx(agency, year, template, cells, narrative, published) -> bytes:
    import docx

    document = docx.Document()
    for kind, content in _parts(agency, year, template, cells, narrative):
        if kind == "title":
            document.add_heading(content, level=1)
        elif kind == "table":
            table = document.add_table(rows=len(content), cols=max(len(r) for r in content))
            for row, docx_row in zip(content, table.rows):  # table.cell() re-reads the whole grid each call
                for value, cell in zip(row, docx_row.cells):
                    cell.text = value
        else:
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


RENDER = {
    "txt": render_text,
    "md": render_markdown,
    "html": render_html,
    "html-gb": lambda *args: render_html(*args, encoding="gb18030"),
    "docx": render_docx,
}
