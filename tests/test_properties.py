"""Property-based: real reports, mutated at random, never make extraction raise or emit an id outside the
schema. The mutations are the damage crawled pages show: text cut out, lines repeated or swapped, stray
digits, separators and label fragments dropped in."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import paths, schema
from nianbao.parse.extract import checked_findings, extract_report
from nianbao.parse.readers import read_document

BASES = {name: (paths.REPORTS / name).read_text(encoding="utf-8") for name in (
    "kiro_005.txt",  # pipe tables, gov2021
    "seed_000_9677d3c1872ed6d0.txt",  # tab-separated, gov2021, blank cells
    "pingtan_016.txt",  # a page flattened to one line: run-together digits
    "shjs_001.html",  # HTML, gov2019
)}
FRAGMENTS = ["\t", "|", " ", "\n", "0", "7", "12", "-3", "1.5", "００", "（一）", "、", "。", "总计", "予以公开",
             "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "行政复议", "<td>", "</tr>", "<table>",
             "三、收到和处理政府信息公开申请情况", "2021", "万元", "\u3000", "\ufffd"]


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(BASES)))
    text = BASES[name]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["cut", "insert", "repeat_line", "swap_lines"]))
        at = draw(st.integers(0, len(text)))
        if kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        elif kind == "insert":
            piece = "".join(draw(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), min_size=1, max_size=8)))
            text = text[:at] + piece + text[at:]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "repeat_line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return name, text


def allowed_ids(template_id: str) -> set[tuple[str, str, str]]:
    """The ids SCHEMA.md allows for a template: its rows, and for gov2021 also `other`, which a 2021 report
    may print as one row (SCHEMA.md, the `other` row)."""
    template = schema.TEMPLATE_BY_ID[template_id]
    ids = {(t.id, r.id, c.id) for t in template.tables.values() for r in t.rows for c in r.cols}
    if template_id == "gov2021":
        ids |= {("requests", "other", c.id) for c in schema.REQUEST_COLS}
    return ids


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_reports_never_raise_and_stay_inside_the_schema(case):
    name, text = case
    report = extract_report(read_document(Path(name), text.encode("utf-8")))
    findings = checked_findings(report)
    assert report.template in (*schema.TEMPLATES, "pre2019", "unknown")
    if report.template not in schema.TEMPLATES:
        return
    ids = allowed_ids(report.template)
    assert set(report.cells) <= ids
    tables = {t for t, _, _ in ids}
    rows = {r for _, r, _ in ids}
    cols = {c for _, _, c in ids}
    for f in findings:
        assert f.table in tables or f.table == "", f
        assert f.row in rows or f.row == "", f
        assert f.col in cols or f.col == "", f
        assert f.severity in ("error", "warning")
