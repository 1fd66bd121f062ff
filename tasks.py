"""Invoke tasks: thin glue over the stages in scripts/nianbao. `invoke --list` shows them."""

import os
from pathlib import Path

from invoke import task

from nianbao import paths

QUIET_MATERIAL = {"NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner, printed on every build


@task(help={"src": "folder of report files", "out": "folder for the CSV files",
            "jobs": "worker processes (default: one per core)",
            "max_mb": "files larger than this are not read (default 64)",
            "timeout": "seconds one file may take before it is given up (default 120)"})
def parse(c, src=str(paths.REPORTS), out=str(paths.CSV), jobs=0, max_mb=None, timeout=None):
    """Parse every report file into reports.csv, cells.csv, checks.csv and sections.csv."""
    from nianbao.dataset import Limits, parse_corpus, summary_line
    from nianbao.registry import Registry

    entries = parse_corpus(Path(src), Path(out), Registry.load(paths.SOURCES, paths.AGENCIES),
                           Limits(float(max_mb or Limits.max_mb), float(timeout or Limits.seconds)), int(jobs))
    print(summary_line(entries, Path(out)))


@task(help={"csv": "folder of the CSV files", "docs": "MkDocs docs folder to write into"})
def pages(c, csv=str(paths.CSV), docs=str(paths.DOCS)):
    """Generate the Markdown pages, charts and downloads under docs/ from the CSV files."""
    from nianbao.pages import build_pages

    # SITE_URL is also what mkdocs.yml reads for site_url (the Pages workflow sets it).
    print(build_pages(Path(csv), Path(docs), site_url=os.environ.get("SITE_URL", "")))


@task(pre=[parse, pages])
def build(c):
    """Parse, generate pages, then build the site into site/ (mkdocs --strict)."""
    c.run(f"mkdocs build --strict --config-file {paths.MKDOCS_YML}", env=QUIET_MATERIAL, pty=False)


@task(pre=[parse, pages])
def serve(c, port=8000):
    """Build and preview the site at http://127.0.0.1:PORT/."""
    c.run(f"mkdocs serve --config-file {paths.MKDOCS_YML} --dev-addr 127.0.0.1:{port}", env=QUIET_MATERIAL, pty=False)


@task
def test(c):
    """Run the whole test suite."""
    c.run("python -m pytest", pty=False)


@task
def score(c):
    """Measure the parser on the gold labels in ../shared/corpus/gold (all cells and non-zero cells)."""
    from nianbao.evaluate import score_corpus, summary

    if not paths.GOLD.is_dir():
        raise SystemExit(f"no gold labels at {paths.GOLD}: ../shared is not beside the repository")
    scores = score_corpus(paths.CORPUS_REPORTS, paths.GOLD)
    for s in scores:
        flag = "" if s.template_ok and s.year_ok and s.checks_ok and s.right == s.cells else "  <-"
        print(f"{s.file:34} {s.right:4}/{s.cells:<4} nonzero {s.nonzero_right:3}/{s.nonzero:<3} "
              f"{s.problem[:50]}{flag}")
    print(summary(scores))


@task(help={"seconds": "minimum time to repeat each measurement"})
def bench_parse(c, seconds=3.0):
    """Parse speed: text/HTML reports per second, PDF pages per second, PDF time against bare pdfplumber."""
    import json

    from nianbao.benchmark import bench_parse as run

    pdfs = sorted(paths.FIXTURES.glob("*.pdf")) + (sorted(paths.CORPUS_REPORTS.glob("*.pdf"))
                                                   if paths.CORPUS_REPORTS.is_dir() else [])
    print(json.dumps(run([paths.REPORTS], pdfs, float(seconds)), ensure_ascii=False))
