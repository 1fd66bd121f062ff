"""Score the parser against hand-checked gold files (../shared/corpus/gold/*.json).

A cell is right when its value equals the gold value (blank for null); cells the gold file lists under
`ambiguous` are not scored. Accuracy is reported over all scored cells and over the non-zero ones alone,
since most cells are 0 and a parser that writes 0 everywhere would look good on the first figure.
Who published each report (agency, region, level) is scored apart, from the documents alone (score_identity).
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..parse.extract import Report, arithmetic_findings, extract_report
from ..parse.readers import ReadError, read_document


@dataclass
class Score:
    file: str
    cells: int = 0
    right: int = 0
    nonzero: int = 0
    nonzero_right: int = 0
    template_ok: bool = False
    year_ok: bool = False
    checks_ok: bool = False
    wrong: list[str] = field(default_factory=list)  # every cell not right, described
    wrong_numbers: int = 0  # a number where the gold has another number or a blank
    blanks: int = 0  # a blank where the gold has a number
    nonzero_wrong: int = 0  # wrong numbers where the gold has a non-zero one
    missed_checks: list[str] = field(default_factory=list)
    extra_checks: list[str] = field(default_factory=list)
    problem: str = ""


def scored_cells(gold: dict):
    """(key, (table, row, col), value) of every cell a gold file scores: all but those it calls ambiguous."""
    ambiguous = set(gold.get("ambiguous", []))
    for table, rows in gold["cells"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                key = f"{table}.{row}.{col}"
                if key not in ambiguous:
                    yield key, (table, row, col), want


def _same(got: str | None, want) -> bool:
    if want is None:
        return got is None
    return got is not None and Decimal(got) == Decimal(str(want))


def score_file(report_path: Path, gold_path: Path) -> Score:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    score = Score(report_path.name)
    try:
        report = extract_report(read_document(report_path))
    except ReadError as e:  # counted as all wrong: a file we cannot read scores nothing
        report = Report(template="unknown", problem=str(e))
    score.problem = report.problem
    score.template_ok = report.template == gold["template"]
    score.year_ok = report.year == gold["year"]
    for key, (table, row, col), want in scored_cells(gold):
        got = report.value(table, row, col)
        ok = _same(got, want)
        score.cells += 1
        score.right += ok
        if want not in (None, 0):
            score.nonzero += 1
            score.nonzero_right += ok
        if not ok:
            score.wrong.append(f"{key}: got {got!r}, want {want!r}")
            if got is None:
                score.blanks += 1
            else:
                score.wrong_numbers += 1
                score.nonzero_wrong += want not in (None, 0)
    found = {f.key for f in arithmetic_findings(report)} if not report.problem else set()
    expected = set(gold.get("failed_checks", []))
    optional = set(gold.get("optional_checks", []))
    score.missed_checks = sorted(expected - found)
    score.extra_checks = sorted(found - expected - optional)
    score.checks_ok = not score.missed_checks and not score.extra_checks
    return score


def score_corpus(reports_dir: Path, gold_dir: Path, only: set[str] | None = None) -> list[Score]:
    scores = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        name = json.loads(gold_path.read_text(encoding="utf-8"))["file"]
        if only is not None and name not in only:
            continue
        scores.append(score_file(reports_dir / name, gold_path))
    return scores


def summary(scores: list[Score]) -> dict:
    cells = sum(s.cells for s in scores)
    nonzero = sum(s.nonzero for s in scores)
    return {
        "files": len(scores),
        "cells": cells,
        "accuracy": sum(s.right for s in scores) / cells if cells else 0.0,
        "nonzero_cells": nonzero,
        "nonzero_accuracy": sum(s.nonzero_right for s in scores) / nonzero if nonzero else 0.0,
        "wrong_numbers": sum(s.wrong_numbers for s in scores),
        "blanks": sum(s.blanks for s in scores),
        "nonzero_wrong_numbers": sum(s.nonzero_wrong for s in scores),
        "template_right": sum(s.template_ok for s in scores),
        "year_right": sum(s.year_ok for s in scores),
        "checks_right": sum(s.checks_ok for s in scores),
    }


# ---- flattenings (measure/flatten.py) -------------------------------------------------------------------


@dataclass
class FlatScore:
    family: str
    renderings: int = 0
    cells: int = 0
    decidable: int = 0
    recovered: int = 0  # decidable cells read right
    right: int = 0  # all cells read right
    wrong: int = 0  # a number where the rendering says another number or a blank
    nonzero: int = 0
    nonzero_recovered: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: "FlatScore") -> None:
        for name in ("renderings", "cells", "decidable", "recovered", "right", "wrong", "nonzero", "nonzero_recovered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.examples += other.examples[: max(0, 5 - len(self.examples))]


def score_rendering(rendering) -> FlatScore:
    report = extract_report(read_document(Path(f"{rendering.name}-{rendering.family}{rendering.suffix}"),
                                          rendering.text.encode("utf-8")))
    score = FlatScore(rendering.family, renderings=1)
    for key, want in rendering.expected.items():
        got = report.value(*key)
        ok = _same(got, want)
        score.cells += 1
        score.right += ok
        if got is not None and not ok:
            score.wrong += 1
            if len(score.examples) < 5:
                score.examples.append(f"{rendering.name} {'.'.join(key)}: got {got}, want {want}")
        if key in rendering.decidable:
            score.decidable += 1
            score.recovered += ok
            if want not in (None, "0"):
                score.nonzero += 1
                score.nonzero_recovered += ok
    return score


def score_flattened(labelled, seeds: int = 2) -> dict[str, FlatScore]:
    from .flatten import FAMILIES, render

    scores = {family: FlatScore(family) for family in FAMILIES}
    for lab in labelled:
        for family in FAMILIES:
            for seed in range(seeds):
                rendering = render(lab, family, seed)
                if rendering is not None:
                    scores[family].add(score_rendering(rendering))
    return scores


# ---- who published each report -------------------------------------------------------------------------

IDENTITY_FIELDS = ("agency", "region", "level")


@dataclass
class IdentityScore:
    """Each field 'right', 'wrong' or 'blank' (blank is counted apart: a blank is better than a wrong name)."""

    file: str
    fields: dict[str, str]
    got: dict[str, str]


def score_identity(reports_dir: Path, gold_dir: Path, work: Path, jobs: int = 0) -> list[IdentityScore]:
    """Agency, region and level of every gold file as the parse stage decides them from the documents alone:
    every report copied under a random name, with an empty registry, so that no line of data/sources.csv or
    data/agencies.csv can help. The agency is right when it is the gold's name or one of its agency_aliases."""
    from ..parse.registry import Registry
    from ..run.dataset import parse_corpus

    rng = random.Random(14)
    (work / "reports").mkdir(parents=True, exist_ok=True)
    renamed = {}
    for path in sorted(reports_dir.iterdir()):
        name = f"{rng.getrandbits(64):016x}{path.suffix}"
        shutil.copyfile(path, work / "reports" / name)
        renamed[name] = path.name
    parse_corpus(work / "reports", work / "csv", Registry({}, {}, {}), jobs=jobs, progress=lambda s: None)
    with (work / "csv" / "reports.csv").open(encoding="utf-8") as fh:
        rows = {renamed[r["source_file"]]: r for r in csv.DictReader(fh)}
    scores = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        row = rows.get(gold["file"], {})
        accepted = {"agency": {gold["agency"], *gold.get("agency_aliases", [])}, "region": {gold.get("region")},
                    "level": {gold.get("level")}}
        got = {f: row.get(f, "") for f in IDENTITY_FIELDS}
        scores.append(IdentityScore(gold["file"], {
            f: "blank" if not got[f] else "right" if got[f] in accepted[f] else "wrong" for f in IDENTITY_FIELDS}, got))
    return scores


def identity_summary(scores: list[IdentityScore]) -> dict:
    return {f"{f}_{outcome}": sum(s.fields[f] == outcome for s in scores)
            for f in IDENTITY_FIELDS for outcome in ("right", "wrong", "blank")}


# ---- scans (`invoke score --scans`) --------------------------------------------------------------------------

SCAN_VARIANTS = (("150 dpi", 150, ""), ("100 dpi", 100, ""),
                 *((f"100 dpi {how}", 100, how) for how in ("blur", "noise", "jpeg", "skew", "tilt", "grey")))


@dataclass
class ScanScore:
    variant: str
    file: str
    cells: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)  # a value that is not the printed one: must never happen
    flagged: int = 0  # left blank, with a warning on its row or an OCR uncertainty warning
    unflagged: list[str] = field(default_factory=list)  # left blank without a word
    nonzero: int = 0
    nonzero_right: int = 0
    checks_ok: bool = False
    seconds: float = 0.0


def scan_sources(reports_dir: Path, gold_dir: Path, fixtures: Path) -> list[tuple[Path, dict]]:
    """The text PDFs with gold labels (the corpus's, when ../shared is there, and the project's own)."""
    sources = []
    for gold_path in sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if gold["file"].endswith(".pdf"):
            sources.append((reports_dir / gold["file"], gold))
    expected = json.loads((fixtures / "official_2021.json").read_text(encoding="utf-8"))
    for name in ("official_2021.pdf", "borderless_2021.pdf"):
        sources.append((fixtures / name, {**expected, "failed_checks": []}))
    return sources


def score_scan(scan: Path, gold: dict, variant: str) -> ScanScore:
    import time

    start = time.perf_counter()
    score = ScanScore(variant, gold.get("file", scan.name))
    try:
        doc = read_document(scan)
        report = extract_report(doc)
    except ReadError as e:
        doc, report = None, Report(template="unknown", problem=str(e))
    score.seconds = time.perf_counter() - start
    uncertain = bool(doc and doc.warnings)
    for key, (table, row, col), want in scored_cells(gold):
        got = report.value(table, row, col)
        score.cells += 1
        ok = _same(got, want)
        score.right += ok
        if want not in (None, 0):
            score.nonzero += 1
            score.nonzero_right += ok
        if ok:
            continue
        if got is not None:
            score.wrong.append(f"{key}: got {got!r}, want {want!r}")
        elif uncertain or any(f.table == table and f.row in ("", row) and f.col in ("", col)
                              for f in report.findings):
            score.flagged += 1
        else:
            score.unflagged.append(f"{key}: blank, want {want!r}")
    found = {f.key for f in arithmetic_findings(report)} if not report.problem else set()
    expected, optional = set(gold.get("failed_checks", [])), set(gold.get("optional_checks", []))
    score.checks_ok = expected <= found <= expected | optional
    return score


def score_scans(reports_dir: Path, gold_dir: Path, fixtures: Path, work: Path,
                variants=SCAN_VARIANTS, progress=lambda s: None) -> list[ScanScore]:
    """Every gold PDF made into image-only PDFs (each variant: a resolution and a degradation) and scored."""
    from ..parse.readers import ocr
    from .scans import image_only_pdf

    # What is measured is reading, not the time budget: on a machine busy with other work a 6-page scan
    # can run past the 80 s a worker gives OCR.
    ocr.SECONDS = 3600
    work.mkdir(parents=True, exist_ok=True)
    scores = []
    for variant, dpi, how in variants:
        for source, gold in scan_sources(reports_dir, gold_dir, fixtures):
            scan = work / f"{source.stem} {dpi}dpi{' ' + how if how else ''}.pdf"
            if not scan.exists():
                scan.write_bytes(image_only_pdf(source.read_bytes(), dpi, how))
            scores.append(score_scan(scan, gold, variant))
            progress(scores[-1])
    return scores


def scan_summary(scores: list[ScanScore]) -> list[dict]:
    """Per variant: the share of cells and of non-zero cells right, wrong cells, flagged and unflagged blanks."""
    out = []
    for variant in dict.fromkeys(s.variant for s in scores):
        group = [s for s in scores if s.variant == variant]
        cells, nonzero = sum(s.cells for s in group), sum(s.nonzero for s in group)
        out.append({
            "variant": variant, "files": len(group), "cells": cells,
            "accuracy": round(sum(s.right for s in group) / cells, 4) if cells else 0.0,
            "nonzero_accuracy": round(sum(s.nonzero_right for s in group) / nonzero, 4) if nonzero else 0.0,
            "wrong": sum(len(s.wrong) for s in group),
            "blank_flagged": sum(s.flagged for s in group),
            "blank_unflagged": sum(len(s.unflagged) for s in group),
            "checks_right": sum(s.checks_ok for s in group),
            "seconds": round(sum(s.seconds for s in group), 1),
        })
    return out


LAYOUT_VARIANTS = (("150 dpi", 150, ""), ("100 dpi blur", 100, "blur"), ("100 dpi jpeg", 100, "jpeg"))


def gold_of(lab) -> dict:
    """A labelled report (measure/flatten.Labelled) as a gold file: its cells, and the checks its own numbers fail."""
    from ..parse.checks import run_checks

    cells: dict = {}
    for (table, row, col), value in lab.cells.items():
        cells.setdefault(table, {}).setdefault(row, {})[col] = value
    request_rows = tuple(dict.fromkeys(r for t, r, _ in lab.cells if t == "requests"))
    failed = run_checks(lambda t, r, c: lab.cells.get((t, r, c)), request_rows)
    return {"file": lab.name, "template": lab.template, "cells": cells,
            "ambiguous": [".".join(k) for k in lab.unscored], "failed_checks": sorted({f.key for f in failed})}


def score_layout_scans(labs: list, work: Path, chromium: str, variants=LAYOUT_VARIANTS,
                       progress=lambda s: None) -> list[ScanScore]:
    """Labelled reports printed in the layout families of measure/scans.py (one family each, in turn), printed
    to PDF by Chromium, made into scans and read by OCR: layouts no real report in the corpus has."""
    from ..parse.readers import ocr
    from .scans import LAYOUT_FAMILIES, image_only_pdf, print_pdfs, printed_html

    ocr.SECONDS = 3600  # reading is measured, not the time budget
    work.mkdir(parents=True, exist_ok=True)
    plans = [(lab, LAYOUT_FAMILIES[k % len(LAYOUT_FAMILIES)]) for k, lab in enumerate(labs)]
    printed = {f"{lab.name} {family}": work / f"{lab.name} {family}.pdf" for lab, family in plans}
    missing = [(lab, family) for lab, family in plans if not printed[f"{lab.name} {family}"].exists()]
    if missing:
        for (lab, family), pdf in zip(missing, print_pdfs([printed_html(lab, family, 0) for lab, family in missing],
                                                          chromium)):
            printed[f"{lab.name} {family}"].write_bytes(pdf)
    scores = []
    for variant, dpi, how in variants:
        for lab, family in plans:
            source = printed[f"{lab.name} {family}"]
            scan = work / f"{source.stem} {dpi}dpi{' ' + how if how else ''}.pdf"
            if not scan.exists():
                scan.write_bytes(image_only_pdf(source.read_bytes(), dpi, how))
            score = score_scan(scan, gold_of(lab), f"{variant} {family}")
            scores.append(score)
            progress(score)
    return scores
