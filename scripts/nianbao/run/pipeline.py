"""The three stages, parse → pages → site, over one set of folders, each skipped when its inputs did not
change since it last ran (stamp.py). `invoke build` runs them on the repository's folders; `invoke bench`
on a synthetic corpus's.

A stage that runs does so in a fresh process: the memory one stage used (10,000 parsed reports, say) is
given back to the system when it ends, instead of staying in the Python heap under the next stage."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .. import paths
from ..isolate import in_child
from .stamp import Stamp, code_digest, content_digest, tree_digest

PAGES_CODE = ("publish/*.py", "publish/templates/*", "schema.py")
SITE_CODE = ("run/site.py", "publish/mkdocs_hooks.py", "publish/theme/*", "publish/theme/partials/*",
             "publish/theme/partials/languages/*")


@dataclass(frozen=True)
class Layout:
    reports: Path = paths.REPORTS
    sources: Path = paths.SOURCES
    agencies: Path = paths.AGENCIES
    csv: Path = paths.CSV
    docs: Path = paths.DOCS
    site: Path = paths.SITE
    cache: Path = paths.CACHE

    def stamp(self, stage: str, inputs: str, outputs: list[Path]) -> Stamp:
        """One stamp per stage and output folder: `invoke parse --out elsewhere` leaves the build's alone."""
        where = hashlib.sha1(str(outputs[0].resolve()).encode()).hexdigest()[:8]
        return Stamp(self.cache / "stamps" / f"{stage}-{where}.json", inputs, outputs)


def parse(layout: Layout, limits=None, jobs: int = 0, scheduler: str = "") -> str:
    from .dataset import Limits
    from .parse_cache import code_version

    limits = limits or Limits()

    def inputs() -> str:
        return content_digest(code_version(f"{limits}"), tree_digest(layout.reports), layout.sources, layout.agencies)

    stamp = layout.stamp("parse", inputs(), [layout.csv])
    if stamp.fresh():
        return f"parse: unchanged since the last run → {layout.csv}"
    stamp.clear()
    summary = in_child(_parse, layout, limits, jobs, scheduler)
    stamp.inputs = inputs()  # the run may have added agencies to the registry: that is its own output
    stamp.save()
    return summary


def _parse(layout: Layout, limits, jobs: int, scheduler: str) -> str:
    from ..parse.registry import Registry
    from .dataset import parse_corpus, summary_line

    registry = Registry.load(layout.sources, layout.agencies)
    entries = parse_corpus(layout.reports, layout.csv, registry, limits, jobs, cache=layout.cache / "parse.sqlite",
                           scheduler=scheduler)
    added = registry.save_added(layout.agencies)  # their slugs stay, whatever their later reports are called
    return summary_line(entries, layout.csv) + (f"; {added} new agencies added to {layout.agencies}" if added else "")


def pages(layout: Layout, site_url: str = "") -> str:
    from ..publish.pages import build_pages

    repo_url = os.environ.get("REPO_URL", "")  # the 数据纠错 links' issue form (the Pages workflow sets it)
    inputs = content_digest(code_digest(PAGES_CODE), tree_digest(layout.csv, layout.reports), layout.agencies,
                            site_url + "|" + repo_url)
    stamp = layout.stamp("pages", inputs, [layout.docs])
    if stamp.fresh():
        return f"pages: unchanged since the last run → {layout.docs}"
    stamp.clear()
    summary = in_child(build_pages, layout.csv, layout.docs, layout.reports, layout.agencies, layout.cache / "charts",
                       site_url, 0, repo_url)
    stamp.save()
    return summary


def site(layout: Layout, config: Path = paths.MKDOCS_YML) -> str:
    from .site import build_site

    settings = f"{os.environ.get('SITE_URL', '')}|{os.environ.get('SEARCH_ENGINE', '')}|" \
               f"{version('mkdocs')}|{version('mkdocs-material')}|{version('pagefind')}"
    inputs = content_digest(code_digest(SITE_CODE), tree_digest(layout.docs), config, settings)
    stamp = layout.stamp("site", inputs, [layout.site])
    if stamp.fresh():
        return f"site: unchanged since the last run → {layout.site}"
    stamp.clear()
    build_site(layout.docs, layout.site, config)  # MkDocs in a process of its own, then Pagefind
    stamp.save()
    return f"site: built → {layout.site}"


def build(layout: Layout, limits=None, jobs: int = 0, scheduler: str = "", site_url: str = "",
          report=print) -> dict[str, float]:
    """Run the three stages; returns seconds per stage."""
    seconds = {}
    for name, stage in (("parse", lambda: parse(layout, limits, jobs, scheduler)),
                        ("pages", lambda: pages(layout, site_url)), ("site", lambda: site(layout))):
        start = time.perf_counter()
        report(stage())
        seconds[name] = time.perf_counter() - start
    return seconds
