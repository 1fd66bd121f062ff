"""Tables however crawlers and converters flattened them: one hand-made report per family (written from the
examples met in real crawls), and every labelled report rendered through every family by measure/flatten.py."""

import json

import pytest
from nianbao import paths
from nianbao.measure import flatten
from nianbao.measure.evaluate import FlatScore, score_flattened
from nianbao.parse.extract import arithmetic_findings, extract_report
from nianbao.parse.readers import read_document

FIXTURES = paths.FIXTURES / "flattenings"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hand_made_flattening(name):
    want = EXPECTED[name]
    report = extract_report(read_document(FIXTURES / name))
    assert report.template in ("gov2019", "gov2021") and not report.problem
    got = {key: report.value(*key.split(".")) for key in want["cells"]}
    assert got == {key: None if v is None else str(v) for key, v in want["cells"].items()}
    flags = sorted(f"{f.check}:{f.table}.{f.row}" for f in report.findings)
    assert flags == sorted(want["findings"])
    # The report's own arithmetic, as printed: a misplaced number would break a sum that holds.
    assert sorted(f.key for f in arithmetic_findings(report)) == sorted(want["arithmetic"])


def test_a_table_replaced_by_a_sentence_keeps_the_sentence():
    report = extract_report(read_document(FIXTURES / "sentence.txt"))
    note = next(f for f in report.findings if f.check == "table_not_printed")
    assert "本年度未发生因政府信息公开引起的行政复议、行政诉讼" in note.message


def _labelled():
    gold = [flatten.from_gold(p) for p in sorted(paths.GOLD.glob("*.json"))] if paths.GOLD.is_dir() else []
    return gold + flatten.from_synthetic(12)


@pytest.fixture(scope="module")
def flattened():
    return score_flattened(_labelled(), seeds=1)


@pytest.mark.parametrize("family", flatten.FAMILIES)
def test_every_family_reads_without_a_wrong_cell(flattened, family):
    s: FlatScore = flattened[family]
    assert s.renderings > 0 and s.wrong == 0, s.examples
    assert s.recovered >= 0.99 * s.decidable
    if family in flatten.LOSES_NOTHING:  # nothing lost in print: every cell, and every non-zero one, comes back
        assert s.decidable == s.cells
        assert s.nonzero_recovered >= 0.99 * s.nonzero


def test_lossy_families_decide_fewer_cells_than_they_print(flattened):
    # The brute force really finds cells the print cannot decide: otherwise the measure above measures nothing.
    # (Synthetic reports print every cell, so dropping empty cells loses nothing there: that needs the gold.)
    lossy = flatten.LOSSY if paths.GOLD.is_dir() else flatten.LOSSY - {"dropped"}
    for family in lossy:
        assert flattened[family].decidable < flattened[family].cells


def test_renderings_are_seeded_and_differ_by_family():
    lab = flatten.from_synthetic(1)[0]
    assert flatten.render(lab, "fragments", 0).text == flatten.render(lab, "fragments", 0).text
    texts = {flatten.render(lab, f, 0).text for f in flatten.FAMILIES if flatten.render(lab, f, 0)}
    assert len(texts) == len([f for f in flatten.FAMILIES if flatten.render(lab, f, 0)])
