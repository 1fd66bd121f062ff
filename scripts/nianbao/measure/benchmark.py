"""Benchmarks. `invoke bench-parse`: text/HTML reports per second, PDF pages per second, our PDF parse
time against pdfplumber's bare extract_text() + extract_tables() on the same pages, and scanned pages (OCR)
per second. `invoke bench`: the
whole pipeline on a synthetic corpus, with its memory, site size and search download."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pdfplumber

from .. import paths
from ..parse.extract import extract_report
from ..parse.readers import read_document
from ..publish.pages import copy_hand_written
from ..run import pipeline
from . import synth

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


def bench_parse(text_dirs: list[Path], pdf_files: list[Path], min_seconds: float = 3.0,
                scan_files: list[Path] = ()) -> dict:
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
    if scan_files:
        result.update(bench_scans(scan_files))
    return result


def text_speed(text_dirs: list[Path], min_seconds: float) -> float:
    """Text/HTML reports per second (the figure the baseline's own code measures the same way)."""
    return bench_parse(text_dirs, [], min_seconds)["text_reports_per_s"]


def baseline_speed(rev: str, text_dirs: list[Path], min_seconds: float) -> float:
    """text_speed of the parser as it was at git revision `rev`, exported and run in a process of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(paths.ROOT), "archive", rev, "scripts/nianbao"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        code = ("import json,sys; from pathlib import Path; from nianbao.measure.benchmark import bench_parse; "
                "print(json.dumps(bench_parse([Path(p) for p in sys.argv[2:]], [], float(sys.argv[1]))))")
        run = subprocess.run([sys.executable, "-c", code, str(min_seconds), *map(str, text_dirs)], check=True,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": f"{tmp}/scripts"})
        return json.loads(run.stdout.strip().splitlines()[-1])["text_reports_per_s"]


def slowest_flattened(labelled, seeds: int = 1) -> dict:
    """The slowest parse over every rendering of every labelled report through every flattening family."""
    from .flatten import FAMILIES, render

    worst, count, total = (0.0, ""), 0, 0.0
    for lab in labelled:
        for family in FAMILIES:
            for seed in range(seeds):
                rendering = render(lab, family, seed)
                if rendering is None:
                    continue
                data = rendering.text.encode("utf-8")
                start = time.perf_counter()
                extract_report(read_document(Path(f"{lab.name}{rendering.suffix}"), data))
                seconds = time.perf_counter() - start
                count, total = count + 1, total + seconds
                worst = max(worst, (seconds, f"{lab.name} as {family} (seed {seed})"))
    return {"flattened_renderings": count, "flattened_mean_ms": round(1000 * total / max(count, 1), 1),
            "flattened_slowest_ms": round(1000 * worst[0], 1), "flattened_slowest": worst[1]}


def bench_scans(scan_files: list[Path]) -> dict:
    """Scanned pages per second: image-only PDFs read by OCR once, with the OCR cache off and the models
    loaded beforehand (a worker loads them once for all the files it reads)."""
    from ..parse.readers import ocr

    scans = [(p, p.read_bytes()) for p in scan_files]
    saved = os.environ.get("NIANBAO_OCR_CACHE")
    os.environ["NIANBAO_OCR_CACHE"] = ""
    try:
        start = time.perf_counter()
        ocr._ocr()
        load = time.perf_counter() - start
        start = time.perf_counter()
        _parse_all(scans)
        elapsed = time.perf_counter() - start
    finally:
        if saved is None:
            os.environ.pop("NIANBAO_OCR_CACHE")
        else:
            os.environ["NIANBAO_OCR_CACHE"] = saved
    pages = sum(len(pdfplumber.open(p).pages) for p, _ in scans)
    return {"scan_files": len(scans), "scan_pages": pages, "scan_pages_per_s": round(pages / elapsed, 2),
            "ocr_model_load_s": round(load, 2)}


# ---- the whole pipeline at scale (`invoke bench --reports N`) ------------------------------------------------

SEARCH_QUERY = "依申请公开"  # a Chinese phrase every report uses: the heaviest first query
SEARCH_ASSETS = ("/pagefind/", "/search/search_index.json", "/workers/search")  # what searching downloads


def bench_pipeline(n: int, jobs: int = 0, search: str = "", progress=None) -> dict:
    """Synthesise (or reuse) n reports, build everything cold, build again unchanged, and measure the site."""
    progress = progress or (lambda s: print(s, file=sys.stderr))
    bench = paths.CACHE / "bench"
    corpus = bench / f"synth-{n}"
    if not (corpus / "synth.json").exists() or json.loads((corpus / "synth.json").read_text())["reports"] != n:
        shutil.rmtree(corpus, ignore_errors=True)
        synth.generate(corpus, n, progress)
    run = bench / f"run-{n}"
    shutil.rmtree(run, ignore_errors=True)
    layout = pipeline.Layout(corpus / "reports", corpus / "sources.csv", corpus / "agencies.csv", run / "csv",
                             run / "docs", run / "site", run / "cache")
    copy_hand_written(layout.docs)
    if search:
        os.environ["SEARCH_ENGINE"] = search

    with PeakRss() as rss:
        start = time.perf_counter()
        seconds = pipeline.build(layout, jobs=jobs, report=progress)
        total = time.perf_counter() - start
        start = time.perf_counter()
        pipeline.build(layout, jobs=jobs, report=progress)
        rerun = time.perf_counter() - start
    pages = [p.stat().st_size for p in layout.site.rglob("*.html")]
    return {
        "reports": n,
        "parse_s": round(seconds["parse"], 1),
        "pages_s": round(seconds["pages"], 1),
        "mkdocs_s": round(seconds["site"], 1),
        "total_s": round(total, 1),
        "rerun_s": round(rerun, 2),
        "peak_rss_mb": round(rss.peak / 2**20),
        "site_mb": round(sum(p.stat().st_size for p in layout.site.rglob("*") if p.is_file()) / 2**20, 1),
        "search_first_query_kb": round(first_query_bytes(layout.site, SEARCH_QUERY) / 1024, 1),
        "page_html_kb_median": round(statistics.median(pages) / 1024, 1),
    }


class PeakRss:
    """The peak of the memory used by this process and all its descendants together: the sum of their
    proportional set sizes (a page shared by forked workers counts once in all). Resident sizes are read 5
    times a second; PSS, which costs the kernel ~25 ms for a 2 GB process, only when their sum could make
    a new peak, and at most once a second, so that measuring does not slow down what it measures."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        last_pss = 0.0
        while not self._stop.is_set():
            tree = _process_tree(os.getpid())
            if sum(_memory(pid, "VmRSS") for pid in tree) > self.peak and time.monotonic() - last_pss >= 1:
                pss = sum(_memory(pid, "Pss") for pid in tree)
                self.peak = max(self.peak, pss or sum(_memory(pid, "VmRSS") for pid in tree))
                last_pss = time.monotonic()
            self._stop.wait(0.2)


def _process_tree(root: int) -> set[int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as fh:
                    parents[int(entry.name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def _memory(pid: int, field: str) -> int:
    """Bytes: "Pss" from smaps_rollup or "VmRSS" from status; 0 where the kernel does not say, or the process
    has ended."""
    path = f"/proc/{pid}/smaps_rollup" if field == "Pss" else f"/proc/{pid}/status"
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def first_query_bytes(site: Path, query: str) -> int:
    """Bytes a fresh browser downloads to search the built site for query the first time: the search
    interface, its index files and the results it shows (Debian's Chromium, driven by Playwright)."""
    from playwright.sync_api import sync_playwright

    from .localsite import served

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("bench: the search measurement needs Debian's chromium (apt-get install chromium)")
    sizes: list[int] = []
    with served(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()

        def record(response):
            if any(part in response.url for part in SEARCH_ASSETS):
                try:
                    sizes.append(len(response.body()))
                except Exception:  # noqa: BLE001  a redirect or aborted request has no body
                    pass

        page.on("response", record)
        if (site / "pagefind").is_dir():
            page.goto(url + "search/")
            page.locator("#nb-search-input").fill(query)
            page.locator("#nb-results a").first.wait_for(timeout=60_000)
        else:
            page.goto(url)
            page.locator('input[data-md-component="search-query"]').click()
            page.locator('input[data-md-component="search-query"]').fill(query)
            page.locator(".md-search-result__item").first.wait_for(timeout=120_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return sum(sizes)
