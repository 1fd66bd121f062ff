"""Speed of the parse stage, measured (`invoke bench-parse`): text/HTML reports per second, PDF pages per
second, and our PDF parse time against pdfplumber's bare extract_text() + extract_tables() on the same pages."""

from __future__ import annotations

import time
from pathlib import Path

import pdfplumber

from .extract import extract_report
from .readers import read_document

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def _timed(fn, min_seconds: float) -> tuple[float, int]:
    """Seconds per call of fn, repeated for at least min_seconds (one warm-up call first)."""
    fn()
    rounds, start = 0, time.perf_counter()
    while True:
        fn()
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / rounds, rounds


def _parse_all(files: list[tuple[Path, bytes]]) -> None:
    for path, data in files:
        extract_report(read_document(path, data))


def _bare_pdfplumber(files: list[tuple[Path, bytes]]) -> None:
    for path, _ in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()


def bench_parse(text_dirs: list[Path], pdf_files: list[Path], min_seconds: float = 3.0) -> dict:
    texts = [(p, p.read_bytes()) for d in text_dirs for p in sorted(d.iterdir()) if p.suffix.lower() in TEXT_SUFFIXES]
    pdfs, pages = [], 0
    for path in pdf_files:
        with pdfplumber.open(path) as pdf:
            if any(page.chars for page in pdf.pages):  # a scanned PDF is not parsed at all: nothing to time
                pdfs.append((path, path.read_bytes()))
                pages += len(pdf.pages)
    result: dict = {"text_files": len(texts), "pdf_files": len(pdfs)}
    if texts:
        per_round, _ = _timed(lambda: _parse_all(texts), min_seconds)
        result["text_reports_per_s"] = round(len(texts) / per_round, 1)
    if pdfs:
        ours, _ = _timed(lambda: _parse_all(pdfs), min_seconds)
        bare, _ = _timed(lambda: _bare_pdfplumber(pdfs), min_seconds)
        result.update(pdf_pages=pages, pdf_pages_per_s=round(pages / ours, 1),
                      pdfplumber_pages_per_s=round(pages / bare, 1), pdf_time_ratio=round(ours / bare, 2))
    return result
