"""Invoke tasks: thin glue over the stages in scripts/nianbao. `invoke --list` shows them."""

import os
from pathlib import Path

from invoke import task
from nianbao import paths
from nianbao.run import pipeline
from nianbao.run.pipeline import Layout

LIMIT_HELP = {"jobs": "worker processes (default: one per core)",
              "max_mb": "files larger than this are not read (default 64)",
              "timeout": "seconds one file may take before it is given up (default 120; a small file gets 10 s + 20 s per MB)",
              "memory_mb": "memory one worker may add while reading a file (default 2048)",
              "scheduler": "parse on a Dask cluster instead of local processes, e.g. tcp://10.0.0.5:8786"}


def _limits(max_mb, timeout, memory_mb):
    from nianbao.run.dataset import Limits

    return Limits(float(max_mb or Limits.max_mb), float(timeout or Limits.seconds),
                  float(memory_mb or Limits.memory_mb))


@task(help={"src": "folder of report files", "out": "folder for the CSV files", **LIMIT_HELP})
def parse(c, src=str(paths.REPORTS), out=str(paths.CSV), jobs=0, max_mb=None, timeout=None, memory_mb=None,
          scheduler=""):
    """Parse every report file into reports.csv, cells.csv, checks.csv and sections.csv (cached by content).
    Another folder than data/reports keeps the agencies it registers in OUT/agencies.csv (seeded from the
    repository's), so that parsing it leaves the repository as it was."""
    import shutil

    agencies = paths.AGENCIES
    if Path(src).is_dir() and Path(src).resolve() != paths.REPORTS.resolve():  # (a missing one fails below)
        agencies = Path(out) / "agencies.csv"
        if not agencies.exists():
            agencies.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths.AGENCIES, agencies)
    layout = Layout(reports=Path(src), csv=Path(out), agencies=agencies)
    print(pipeline.parse(layout, _limits(max_mb, timeout, memory_mb), int(jobs), scheduler))


@task(help={"csv": "folder of the CSV files", "docs": "MkDocs docs folder to write into"})
def pages(c, csv=str(paths.CSV), docs=str(paths.DOCS)):
    """Generate the Markdown pages, charts and downloads under docs/ from the CSV files."""
    # SITE_URL is also what mkdocs.yml reads for site_url (the Pages workflow sets it).
    print(pipeline.pages(Layout(csv=Path(csv), docs=Path(docs)), os.environ.get("SITE_URL", "")))


@task(help=LIMIT_HELP)
def build(c, jobs=0, max_mb=None, timeout=None, memory_mb=None, scheduler=""):
    """Parse, generate pages, then build the site into site/; each stage is skipped if its inputs are unchanged."""
    seconds = pipeline.build(Layout(), _limits(max_mb, timeout, memory_mb), int(jobs), scheduler,
                             os.environ.get("SITE_URL", ""))
    print("build: " + ", ".join(f"{stage} {s:.1f} s" for stage, s in seconds.items()))


@task(pre=[build])
def serve(c, port=8000):
    """Build and preview the site at http://127.0.0.1:PORT/."""
    c.run(f"mkdocs serve --config-file {paths.MKDOCS_YML} --dev-addr 127.0.0.1:{port}",
          env={"NO_MKDOCS_2_WARNING": "1"}, pty=False)


@task
def test(c):
    """Run the whole test suite."""
    c.run("python -m pytest", pty=False)


@task(help={"reports": "how many reports", "out": "folder to write them into (reports/, sources.csv, agencies.csv)"})
def synth(c, reports=1000, out=""):
    """Write a synthetic corpus shaped like a province's reports, for measuring scale."""
    from nianbao.measure import synth as synthetic

    out_dir = Path(out or paths.CACHE / "bench" / f"synth-{reports}")
    synthetic.generate(out_dir, int(reports))
    print(f"synth: {reports} reports → {out_dir}")


@task(help={"reports": "size of the synthetic corpus", "jobs": LIMIT_HELP["jobs"],
            "search": "search set-up to build: pagefind or builtin (default: mkdocs.yml's)"})
def bench(c, reports=1000, jobs=0, search=""):
    """The whole pipeline on N synthetic reports, cold and then unchanged; prints one JSON line last."""
    import json

    from nianbao.measure.benchmark import bench_pipeline

    print(json.dumps(bench_pipeline(int(reports), int(jobs), search), ensure_ascii=False))


@task(help={"flatten": "also render every labelled report through each flattening family and score those",
            "synthetic": "synthetic reports added to the gold ones for --flatten (default 40)",
            "seeds": "renderings per report and family for --flatten (default 2)",
            "scans": "score image-only PDFs made from the gold PDFs and the fixtures instead (OCR)",
            "layouts": "with --scans: also N labelled reports printed in layouts of our own, scanned (default 0)"})
def score(c, flatten=False, synthetic=40, seeds=2, scans=False, layouts=0):
    """Measure the parser on the gold labels in ../shared/corpus/gold (all cells and non-zero cells, wrong cells
    apart from blank ones), and who published each report (agency, region, level) from the documents alone,
    under other file names. --flatten: the same reports through every flattening family (measure/flatten.py).
    --scans: the cells of image-only PDFs made from the gold PDFs and the fixtures, read by OCR; --layouts N
    adds N labelled reports (gold first, then synthetic) printed by Chromium in the layout families of
    measure/scans.py and scanned."""
    import tempfile

    from nianbao.measure.evaluate import identity_summary, score_corpus, score_identity, summary

    if flatten:
        _score_flattened(int(synthetic), int(seeds))
        return
    if scans:
        return score_scans(int(layouts))
    if not paths.GOLD.is_dir():
        raise SystemExit(f"no gold labels at {paths.GOLD}: ../shared is not beside the repository")
    scores = score_corpus(paths.CORPUS_REPORTS, paths.GOLD)
    with tempfile.TemporaryDirectory() as work:
        identities = {s.file: s for s in score_identity(paths.CORPUS_REPORTS, paths.GOLD, Path(work))}
    for s in scores:
        flag = "" if s.template_ok and s.year_ok and s.checks_ok and s.right == s.cells else "  <-"
        who = identities[s.file]
        fields = " ".join(f"{f} {outcome}" for f, outcome in who.fields.items())
        flag += "" if set(who.fields.values()) == {"right"} else f"  <- {who.got}"
        print(f"{s.file:34} {s.right:4}/{s.cells:<4} nonzero {s.nonzero_right:3}/{s.nonzero:<3} "
              f"wrong {s.wrong_numbers:2} blank {s.blanks:2} {s.problem[:50]} {fields}{flag}")
    print(summary(scores))
    print(identity_summary(list(identities.values())))


def _score_flattened(synthetic: int, seeds: int) -> None:
    from nianbao.measure import flatten
    from nianbao.measure.evaluate import FlatScore, score_flattened

    labelled = [flatten.from_gold(p) for p in sorted(paths.GOLD.glob("*.json"))] if paths.GOLD.is_dir() else []
    labelled += flatten.from_synthetic(synthetic)
    print(f"{len(labelled)} labelled reports ({len(labelled) - synthetic} gold, {synthetic} synthetic), "
          f"{seeds} renderings each per family")
    print(f"{'family':16} {'renderings':>10} {'cells':>7} {'decidable':>9} {'recovered':>9} {'%':>7} {'wrong':>5} "
          f"{'nonzero recovered':>18}")
    total = FlatScore("all")
    for family, s in score_flattened(labelled, seeds).items():
        total.add(s)
        _flat_line(s)
        for example in s.examples:
            print(f"    wrong: {example}")
    _flat_line(total)


def _flat_line(s) -> None:
    share = s.recovered / s.decidable if s.decidable else 1.0
    print(f"{s.family:16} {s.renderings:10} {s.cells:7} {s.decidable:9} {s.recovered:9} {share:7.2%} {s.wrong:5} "
          f"{s.nonzero_recovered:>9}/{s.nonzero:<8}")


def score_scans(layouts: int = 0):
    """`invoke score --scans`: each gold PDF (../shared, when there) and fixture made into scans and read by OCR;
    `layouts` labelled reports printed in layouts of our own, scanned too."""
    import json
    import shutil
    from dataclasses import replace

    from nianbao.measure import flatten
    from nianbao.measure.evaluate import scan_summary, score_layout_scans, score_scans as run

    def show(s):
        print(f"{s.variant:18} {s.file:24} {s.right:4}/{s.cells:<4} nonzero {s.nonzero_right:3}/{s.nonzero:<3} "
              f"checks {'ok' if s.checks_ok else 'differ'} {s.seconds:5.1f} s"
              + (f"  wrong {s.wrong[:3]}" if s.wrong else "") + (f"  unflagged {s.unflagged[:3]}" if s.unflagged else ""),
              flush=True)

    scores = run(paths.CORPUS_REPORTS, paths.GOLD, paths.FIXTURES, paths.CACHE / "scans", progress=show)
    if layouts:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise SystemExit("score --layouts prints reports with Debian's chromium (apt-get install chromium)")
        labs = [flatten.from_gold(p) for p in sorted(paths.GOLD.glob("*.json"))] if paths.GOLD.is_dir() else []
        labs = (labs + flatten.from_synthetic(max(0, layouts - len(labs))))[:layouts]
        laid_out = score_layout_scans(labs, paths.CACHE / "scans" / "layouts", chromium, progress=show)
        # per resolution and degradation over all layout families, then per family
        scores += [replace(s, variant=f"{s.variant.rsplit(' ', 1)[0]} all layouts") for s in laid_out] + laid_out
    for line in scan_summary(scores):
        print(json.dumps(line, ensure_ascii=False))


# The parser before the template-guided reader (issue 13): what `bench-parse` compares the current one with.
PARSER_BASELINE = "87e946e"


@task(help={"seconds": "minimum time to repeat each measurement",
            "baseline": f"git revision whose parser to time on the same files (default {PARSER_BASELINE}; '' skips)"})
def bench_parse(c, seconds=3.0, baseline=PARSER_BASELINE):
    """Parse speed on a fixed file set (data/reports and tests/fixtures/flattenings): text/HTML reports per
    second against the baseline parser in the same run, PDF pages per second and against bare pdfplumber,
    the slowest parse over every flattened rendering of the labelled reports, and scanned pages per second
    (OCR, on the fixtures made into 150-dpi scans)."""
    import json

    from nianbao.measure import flatten
    from nianbao.measure.benchmark import baseline_speed, bench_parse as run, slowest_flattened, text_speed
    from nianbao.measure.scans import image_only_pdf

    texts = [paths.REPORTS, paths.FIXTURES / "flattenings"]
    pdfs = sorted(paths.FIXTURES.glob("*.pdf")) + (sorted(paths.CORPUS_REPORTS.glob("*.pdf"))
                                                   if paths.CORPUS_REPORTS.is_dir() else [])
    scans = []  # the fixtures' pages as 150-dpi pictures (read once: OCR takes seconds a page)
    for pdf in sorted(paths.FIXTURES.glob("*.pdf")):
        scan = paths.CACHE / "scans" / "bench" / f"{pdf.stem} 150dpi.pdf"
        if pdf.name != "scanned.pdf" and not scan.exists():
            scan.parent.mkdir(parents=True, exist_ok=True)
            scan.write_bytes(image_only_pdf(pdf.read_bytes(), 150))
        scans += [scan] if scan.exists() else []
    result = run(texts, pdfs, float(seconds), scans)
    if baseline:  # alternate the two, twice, and keep each one's best: the machine's load hits both alike
        ours, theirs = [result["text_reports_per_s"]], []
        for _ in range(2):
            theirs.append(baseline_speed(baseline, texts, float(seconds)))
            ours.append(text_speed(texts, float(seconds)))
        result.update(text_reports_per_s=max(ours), baseline=baseline, baseline_text_reports_per_s=max(theirs),
                      text_speed_vs_baseline=round(max(ours) / max(theirs), 2))
    labelled = [flatten.from_gold(p) for p in sorted(paths.GOLD.glob("*.json"))] if paths.GOLD.is_dir() else []
    result.update(slowest_flattened(labelled + flatten.from_synthetic(20)))
    print(json.dumps(result, ensure_ascii=False))
