"""The flattenings real crawls make of the three tables, rendered from any labelled report.

`render(report, family, seed)` prints a report whose cells are known (a gold file, a synthetic report)
the way crawlers and converters have been seen to save it, with seeded noise (stray spaces, full-width
digits, wrapped labels, LF/CRLF/CR line ends). Families:

- `cells_per_line`: one cell per line, cells separated by runs of blank lines, rows by longer runs, an empty
  cell one run longer than usual;
- `ideographic`: cells separated by one or two U+3000, a table whose labels run into their numbers;
- `one_line`: every table on one line with nothing between the cells, the next item's number glued on;
- `dropped`: rows of numbers separated by spaces, empty cells dropped without trace;
- `broken_headers`: tab-separated rows with column headers broken over lines;
- `sentence`: the appeals table replaced by a sentence (only where it holds nothing but zeros);
- `fragments`: pipe tables broken by a converter: labels apart from their numbers, rows split over lines,
  invented column names (数据1…), page footers;
- `paragraphs`: a web page whose table became one paragraph per cell (`<p>` each, no blank lines to count);
  an empty cell prints as an empty paragraph;
- `mixed`: each table through another of the families above, as pages assembled from several sources are.

Each rendering carries the cells a reader must return and the cells that trying every reading of the
printed text decides (`decidable`): all of them where a family loses nothing, fewer where it drops empty
cells or separators. Decidability is worked out here by brute force, apart from the parser's own search.
"""

from __future__ import annotations

import html
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import schema

FAMILIES = ("cells_per_line", "ideographic", "one_line", "dropped", "broken_headers", "sentence", "fragments",
            "paragraphs", "mixed")
LOSSY = {"one_line", "dropped"}  # families whose printed text does not decide every cell
LOSES_NOTHING = set(FAMILIES) - LOSSY - {"mixed"}  # (mixed is lossy where a table is printed by a lossy family)
LINE_ENDS = ("\n", "\r\n", "\r")
Key = tuple[str, str, str]


@dataclass
class Labelled:
    """A report whose cells are known: None is a blank cell. `unscored` cells the document cannot decide."""

    name: str
    template: str
    year: int
    agency: str
    cells: dict[Key, str | None]
    unscored: set[Key] = field(default_factory=set)


@dataclass
class Rendering:
    name: str
    family: str
    text: str
    expected: dict[Key, str | None]
    decidable: set[Key]
    suffix: str = ".txt"  # the file type it is read as


def from_gold(path: Path) -> Labelled:
    gold = json.loads(path.read_text(encoding="utf-8"))
    cells = {(t, r, c): None if v is None else _plain(v) for t, rows in gold["cells"].items()
             for r, cols in rows.items() for c, v in cols.items()}
    unscored = {tuple(k.split(".")) for k in gold.get("ambiguous", [])}
    return Labelled(gold["file"], gold["template"], gold["year"], gold["agency"], cells, unscored)


def from_synthetic(n: int) -> list[Labelled]:
    """n synthetic reports of both templates (measure/synth.py), every cell printed."""
    from . import synth

    out, chains = [], {}
    for i, (agency, year) in enumerate(synth.plan(n)):
        report = synth.make_report(i, agency, year, chains)
        template = "gov2021" if year >= 2021 else "gov2019"
        out.append(Labelled(f"synth-{i}", template, year, agency.name, dict(report.cells)))
    return out


def _plain(value) -> str:
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- the report's tables as rows -------------------------------------------------------------------------

GROUPS_2021 = {"granted": "三、本年度办理结果", "denied_state_secret": "（三）不予公开",
               "unavailable_not_held": "（四）无法提供", "rejected_complaint": "（五）不予处理",
               "other_no_correction": "（六）其他处理"}
GROUPS_2019 = {k: v for k, v in GROUPS_2021.items() if k != "other_no_correction"}


@dataclass
class Row:
    label: str
    values: list[str | None]
    group: str = ""  # a group heading printed before the label (a merged cell in the original)
    header: list[str] | None = None  # column names printed before this row


def table_rows(lab: Labelled) -> dict[str, list[Row]]:
    template = schema.TEMPLATE_BY_ID[lab.template]
    tables: dict[str, list[Row]] = {}
    proactive, cols = [], None
    for row in template.tables["proactive"].rows:
        header = None
        if row.cols != cols:
            cols = row.cols
            header = ["信息内容", *(c.label for c in row.cols)]
        proactive.append(Row(row.label, [lab.cells.get(("proactive", row.id, c.id)) for c in row.cols],
                             header=header))
    tables["proactive"] = proactive
    groups = GROUPS_2021 if lab.template == "gov2021" else GROUPS_2019
    printed = [r for r in schema.REQUEST_ROWS if any(k[:2] == ("requests", r.id) for k in lab.cells)]
    if any(r.id == "other" for r in printed):  # （六）其他处理 printed as one row
        groups = {k: v for k, v in groups.items() if k != "other_no_correction"}
    requests = []
    for k, row in enumerate(printed or template.tables["requests"].rows):
        requests.append(Row(row.label, [lab.cells.get(("requests", row.id, c.id)) for c in schema.REQUEST_COLS],
                            group=groups.get(row.id, ""),
                            header=["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
                                    "法律服务机构", "其他", "总计"] if k == 0 else None))
    tables["requests"] = requests
    tables["appeals"] = [Row("", [lab.cells.get(("appeals", r.id, c.id)) for r in schema.APPEALS.rows
                                  for c in schema.APPEAL_COLS],
                             header=["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
                                     "未经复议直接起诉", "复议后起诉", *[c.label for c in schema.APPEAL_COLS] * 2])]
    return tables


# ---- noise -----------------------------------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


class Noise:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.full_width = rng.random() < 0.3

    def number(self, value: str) -> str:
        return value.translate(_FULL_WIDTH) if self.full_width and self.rng.random() < 0.5 else value

    def label(self, label: str) -> str:
        """A label as printed: now and then without its item number (总计 for （七）总计), or with a stray
        space inside."""
        if self.rng.random() < 0.15:
            label = _NUMBERING.sub("", label) or label
        if len(label) > 6 and self.rng.random() < 0.15:
            at = self.rng.randrange(3, len(label) - 2)
            return label[:at] + " " + label[at:]
        return label

    def wrap(self, label: str) -> list[str]:
        """A long label wrapped over two lines, now and then."""
        if len(label) > 12 and self.rng.random() < 0.3:
            at = self.rng.randrange(6, len(label) - 4)
            return [label[:at], label[at:]]
        return [label]


# ---- the families ----------------------------------------------------------------------------------------

TABLE_HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
SENTENCE = "本年度未发生因政府信息公开引起的行政复议、行政诉讼。"


def report_lines(lab: Labelled, tables: list[list[str]]) -> list[str]:
    """Title, narrative and the tables' lines, in a report's order."""
    lines = [f"{lab.agency}{lab.year}年政府信息公开工作年度报告", "",
             "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限自"
             f"{lab.year}年1月1日起至{lab.year}年12月31日止。", "", "一、总体情况", "",
             "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。", ""]
    for heading, table in zip(TABLE_HEADINGS, tables):
        lines += [heading, "", *table, ""]
    lines += ["五、存在的主要问题及改进情况", "", "政策解读形式还不够丰富。下一步将加以改进。", "",
              "六、其他需要报告的事项", "", "本年度未收取信息处理费。", "", lab.agency, f"{lab.year + 1}年1月20日"]
    return lines


def _cells_per_line(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    cell_gap = rng.choice((1, 2))  # blank lines between two cells
    empty = rng.choice((1, cell_gap + 1))  # blank lines one empty cell adds
    row_gap = cell_gap + rng.choice((1, 2))
    out = []
    for rows in tables.values():
        lines: list[str] = []

        def cell(text: str, gap: int) -> None:
            if lines:
                lines.extend([""] * gap)
            lines.append(text)

        for row in rows:
            pending = row_gap if lines else 0
            if row.header:  # a header row is a row of the table
                for h in row.header:
                    cell(h, pending)
                    pending = cell_gap
                pending = row_gap
            if row.group:
                cell(row.group, pending)
                pending = cell_gap
            if row.label:
                parts = noise.wrap(noise.label(row.label))
                cell(parts[0], pending)
                lines.extend(parts[1:])
                pending = cell_gap
            for value in row.values:
                if value is None:
                    pending += empty
                    continue
                cell(noise.number(value), pending)
                pending = cell_gap
            lines.extend([""] * (pending - cell_gap))  # trailing empty cells: a longer run before the next row
        out.append(lines)
    return out


def _ideographic(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    glued_table = rng.choice(list(tables))  # in this table the labels run into their numbers
    out = []
    for table_id, rows in tables.items():
        lines = []
        for row in rows:
            sep = lambda: "\u3000" * rng.choice((1, 2))  # noqa: E731
            if row.header:
                lines.append(sep().join(row.header))
            cells = [noise.number(v) if v is not None else "—" for v in row.values]
            label = noise.label(row.group + row.label) if row.label else ""
            glue = "" if table_id == glued_table and label else sep() if label else ""
            lines.append(label + glue + "".join(c + (sep() if k < len(cells) - 1 else "") for k, c in enumerate(cells)))
        out.append(lines)
    return out


def _one_line(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    out = []
    for rows in tables.values():
        text = ""
        for row in rows:
            if row.header:
                text += "".join(row.header)
            text += row.group + (noise.label(row.label) if row.label else "") + "".join(
                noise.number(v) for v in row.values if v is not None)
        out.append([text])
    return out


def _dropped(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    out = []
    for rows in tables.values():
        lines = []
        for row in rows:
            if row.header:
                lines.append(" ".join(row.header))
            numbers = [noise.number(v) for v in row.values if v is not None]
            lines.append(" ".join(([noise.label(row.group + row.label)] if row.label else []) + numbers))
        out.append(lines)
    return out


def _broken_headers(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    out = []
    for rows in tables.values():
        lines = []
        for row in rows:
            if row.header:
                # Each header word broken over two lines, the way a narrow column wraps it: 商业 / 企业.
                tops, bottoms = zip(*((h[: len(h) // 2 or 1], h[len(h) // 2 or 1 :]) for h in row.header))
                lines += ["\t".join(tops), "\t".join(bottoms)]
            label = [row.group, noise.label(row.label)] if row.label else []
            lines.append("\t".join(label + [noise.number(v) if v is not None else "" for v in row.values]).rstrip("\t"))
        out.append(lines)
    return out


def _fragments(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    out = []
    page = rng.randint(2, 5)
    for rows in tables.values():
        lines = []
        for k, row in enumerate(rows):
            cells = [noise.number(v) if v is not None else "" for v in row.values]
            if row.header:
                lines += ["| " + " | ".join(f"数据{i + 1}" for i in range(len(cells) + 1)) + " |",
                          "|" + "---|" * (len(cells) + 1)]
                lines += [" ".join(row.header)]
            if row.group:
                lines.append(row.group)
            shape = rng.random()
            label = noise.label(row.label) if row.label else ""
            if label and shape < 0.3:  # the label on a line of its own, its numbers in a row below
                lines += noise.wrap(label)
                lines.append("| " + " | ".join(cells) + " |")
            elif shape < 0.5 and len(cells) > 2:  # the row broken over two lines
                at = rng.randrange(1, len(cells))
                lines.append("| " + " | ".join(([label] if label else []) + cells[:at]) + " |")
                lines.append("| " + " | ".join(cells[at:]) + " |")
            else:
                lines.append("| " + " | ".join(([label] if label else []) + cells) + " |")
            if rng.random() < 0.1:
                lines.append(rng.choice((f"— {page} —", f"第 {page} 页", f"- {page} -", f"第{page}页 共8页")))
                page += 1
        out.append(lines)
    return out


def _paragraphs(tables: dict[str, list[Row]], rng: random.Random, noise: Noise) -> list[list[str]]:
    out = []
    for rows in tables.values():
        cells: list[str] = []
        for row in rows:
            cells += row.header or []
            cells += [row.group] if row.group else []
            cells += [noise.label(row.label)] if row.label else []
            cells += [noise.number(v) if v is not None else "" for v in row.values]
        out.append(["<p>" + html.escape(c) + "</p>" for c in cells])
    return out


RENDER = {"cells_per_line": _cells_per_line, "paragraphs": _paragraphs, "ideographic": _ideographic, "one_line": _one_line,
          "dropped": _dropped, "broken_headers": _broken_headers, "fragments": _fragments}


def render(lab: Labelled, family: str, seed: int) -> Rendering | None:
    """One rendering of a labelled report; None when the family does not apply to it."""
    rng = random.Random(f"{lab.name}-{family}-{seed}")
    noise = Noise(rng)
    tables = table_rows(lab)
    expected = dict(lab.cells)
    per_table = {t: family for t in tables}
    if family == "sentence":
        appeals = tables["appeals"][0].values
        if any(v not in (None, "0") for v in appeals):
            return None
        printed = _broken_headers({k: v for k, v in tables.items() if k != "appeals"}, rng, noise) + [[SENTENCE]]
        expected.update({k: None for k in expected if k[0] == "appeals"})
    elif family == "mixed":
        # (text families only: a page of paragraphs would fold the other tables' tabs into spaces)
        per_table = {t: rng.choice([f for f in RENDER if f != "paragraphs"]) for t in tables}
        printed = [RENDER[per_table[t]]({t: rows}, rng, noise)[0] for t, rows in tables.items()]
    else:
        printed = RENDER[family](tables, rng, noise)
    lines = report_lines(lab, printed)
    if family == "one_line" and rng.random() < 0.5:
        lines = [" ".join(line for line in lines if line)]  # the whole page on one line
    suffix = ".txt"
    if "paragraphs" in per_table.values():  # a web page: every other line a paragraph of its own
        lines = [line if line.startswith("<p>") else f"<p>{html.escape(line)}</p>" for line in lines if line]
        lines = ["<html><head><meta charset=\"utf-8\"></head><body>", *lines, "</body></html>"]
        suffix = ".html"
    text = rng.choice(LINE_ENDS).join(lines)
    keys = {k for k in expected if k not in lab.unscored}
    decidable = _decidable(lab, tables, per_table) & keys
    return Rendering(lab.name, family, text, {k: expected[k] for k in keys}, decidable, suffix)


# ---- what the printed text decides -------------------------------------------------------------------------

MAX_READINGS = 50_000


def _decidable(lab: Labelled, tables: dict[str, list[Row]], families: dict[str, str]) -> set[Key]:
    """The cells on whose value every reading of the printed rows agrees, after each row's arithmetic: all of
    a table printed by a family that loses nothing."""
    template = schema.TEMPLATE_BY_ID[lab.template]
    out: set[Key] = set(lab.cells)
    for table_id, rows in tables.items():
        family = families[table_id]
        if family not in LOSSY:
            continue
        out -= {k for k in lab.cells if k[0] == table_id}
        if table_id == "appeals":
            ids = [("appeals", r.id, c.id) for r in schema.APPEALS.rows for c in schema.APPEAL_COLS]
            fits = _groups_fit
        for k, row in enumerate(rows):
            if table_id != "appeals":
                trow = template.tables[table_id].rows[k]
                ids = [(table_id, trow.id, c.id) for c in trow.cols]
                fits = _row_total_fit if table_id == "requests" else (
                    _items_fit if [c.id for c in trow.cols] == ["previous_items", "change", "decisions"] else None)
            printed = [v for v in row.values if v is not None]
            readings = (_placements(printed, len(row.values)) if family == "dropped"
                        else _glued(printed, len(row.values)))
            if not readings:
                continue
            if fits:
                readings = [r for r in readings if fits(r)] or readings
            for i, key in enumerate(ids):
                if len({r[i] for r in readings}) == 1:
                    out.add(key)
    return out


def _placements(printed: list[str], n: int) -> list[tuple]:
    out = []
    for where in itertools.combinations(range(n), len(printed)):
        cells = [None] * n
        for i, v in zip(where, printed):
            cells[i] = v
        out.append(tuple(cells))
    return out


def _glued(printed: list[str], n: int) -> list[tuple] | None:
    """Every way to read the printed numbers, run together, as n cells that may be blank."""
    text = "".join(printed)
    signs = {m.start() for m in re.finditer(r"[-+]", text)}
    out: list[tuple] = []

    def walk(pos: int, acc: list) -> bool:
        left = n - len(acc)
        if pos == len(text):
            out.append(tuple(acc + [None] * left))
            return len(out) < MAX_READINGS
        if left == 0:
            return True
        if not walk_blank(pos, acc):
            return False
        start = pos + (1 if pos in signs else 0)
        if start >= len(text) or not text[start].isdigit():
            return True
        ends = [start + 1] if text[start] == "0" else range(start + 1, len(text) + 1)
        for end in ends:
            if any(s in signs for s in range(start, end)) or not text[start:end].isdigit():
                break
            acc.append(text[pos:end].lstrip("+"))
            ok = walk(end, acc)
            acc.pop()
            if not ok:
                return False
        return True

    def walk_blank(pos: int, acc: list) -> bool:
        acc.append(None)
        ok = walk(pos, acc) if len(acc) <= n else True
        acc.pop()
        return ok

    return out if walk(0, []) else None


def _num(v) -> Decimal:
    return Decimal(v) if v else Decimal(0)


def _row_total_fit(r) -> bool:
    return sum(map(_num, r[:-1])) == _num(r[-1])


def _groups_fit(r) -> bool:
    return all(_row_total_fit(r[i : i + 5]) for i in range(0, len(r), 5))


def _items_fit(r) -> bool:
    return all(v is not None for v in r) and _num(r[0]) + _num(r[1]) == _num(r[2])
