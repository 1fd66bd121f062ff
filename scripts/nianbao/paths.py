"""Every path the pipeline reads or writes. Nothing else builds paths by hand."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # scripts/nianbao
ROOT = PACKAGE.parents[1]
DATA = ROOT / "data"
REPORTS = DATA / "reports"  # the collected report files, never modified
CSV = DATA / "csv"  # what `invoke parse` writes: the published data
SOURCES = DATA / "sources.csv"  # per file: what we know from outside the document
AGENCIES = DATA / "agencies.csv"  # the agency registry: stable ASCII slugs

DOCS = ROOT / "docs"
SITE = ROOT / "site"
MKDOCS_YML = ROOT / "mkdocs.yml"
TEMPLATES = PACKAGE / "publish" / "templates"  # Jinja2 templates of the generated pages
FIXTURES = ROOT / "tests" / "fixtures"  # the project's own PDF and Word reports (tests, benchmarks)

# ../shared beside the repository: gold labels and the reports we may not copy (PDF, Word).
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "corpus" / "gold"
CORPUS_REPORTS = SHARED / "corpus" / "reports"

CSV_FILES = ("reports.csv", "cells.csv", "checks.csv", "sections.csv")
CACHE = ROOT / ".cache"  # parse results, chart SVGs and stage stamps: safe to delete, slower next run
