"""MkDocs hooks: the site's one search setting, `extra.search_engine` in mkdocs.yml.

`invoke build` indexes the site after MkDocs has finished and given its memory back (site.py): Pagefind
holds every page while it indexes (about 2.8 GB for 10,000 report pages), and MkDocs about 1.2 GB more
until its build ends. A bare `mkdocs build` or `mkdocs serve` indexes here, at the end of the build.

- "pagefind": a static index split into small chunks, built after the site by Pagefind (its PyPI package
  ships the binary, with Chinese word segmentation); a query downloads only the chunks it needs. The
  search page (docs/search.md) is added to the navigation and Material's own search is turned off.
- "builtin": Material's search, one index file that the browser loads whole; fine for a few hundred pages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from html import escape, unescape
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ENGINES = ("pagefind", "builtin")
SEARCH_PAGE = "search.md"


def _engine(config) -> str:
    engine = config.extra.get("search_engine", "builtin")
    if engine not in ENGINES:
        raise PluginError(f"mkdocs.yml: extra.search_engine is '{engine}'; use one of {', '.join(ENGINES)}")
    return engine


@event_priority(100)  # before Material's search plugin reads its own settings
def on_config(config):
    pagefind = _engine(config) == "pagefind"
    config.plugins["material/search"].config.enabled = not pagefind
    if pagefind:
        config.nav.append({"搜索": SEARCH_PAGE})
    return config


def on_files(files, config):
    if _engine(config) != "pagefind":
        page = files.get_file_from_path(SEARCH_PAGE)
        if page is not None:
            files.remove(page)
    return files


def on_post_build(config):
    if _engine(config) == "pagefind" and not os.environ.get(INDEX_LATER):
        index_site(config.site_dir)


INDEX_LATER = "NIANBAO_INDEX_AFTER_BUILD"  # set by site.build_site, which indexes once MkDocs has ended


# Chinese is indexed one character a word, and docs/assets/search.js sends a query as an exact phrase of its
# characters: a search finds every page whose text contains the query, and only those. Word segmentation
# would make the index (jieba, at build time) and the query (the browser's own segmenter) cut the same text
# differently: 行政复议 was indexed as 行政 + 复议 and searched as one word, and found 3 of the 12 pages with it.
# Punctuation separates words the same way on both sides (Pagefind's own rules differ between them).
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
SEPARATE = CJK
# Pagefind keeps a place in a phrase for punctuation but drops it from a query: 国办公开办函〔2019〕60号 was
# found by no query. The index leaves punctuation out, so that a phrase is its words (search.js leaves it
# out of the query too); the · that ends a block stays.
_PUNCTUATION = re.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
                          "!-/:-@\\[-`{-~\u2010-\u2027\u2030-\u205e]")
# on either side of every such character (also at a text's ends: the next element's text may follow directly)
_AROUND = re.compile(f"(?<=[{SEPARATE}])(?=\\S)|(?<=\\S)(?=[{SEPARATE}])|^(?=[{SEPARATE}])|(?<=[{SEPARATE}])$")
_TEXT = re.compile(r">([^<]+)<")


# The end of a cell, a paragraph or a heading: a word of its own, so that no phrase runs on from one block
# into the next (a reader does not see 不予公开 and 行政复议 of two table headers as 公开行政), and results
# show where a block ends.
_BLOCK_END = re.compile(r"</(td|th|li|p|h[1-6]|dt|dd|figcaption|caption)>")


def spaced(html: str) -> str:
    """The page as Pagefind reads it: every CJK character of its text a word of its own, and a · at the end
    of every block."""
    html = _TEXT.sub(lambda m: ">" + escape(_AROUND.sub(" ", _PUNCTUATION.sub(" ", unescape(m.group(1)))),
                                            quote=False) + "<", html)
    return _BLOCK_END.sub(r" · </\1>", html)


def index_site(site_dir: str) -> None:
    """Pagefind over the built site. Only the article is indexed: the header, navigation and footer repeat
    on every page; numbers in table cells and the charts are not text anyone searches for (row labels are).
    Pagefind reads a spaced copy of the pages and writes its index into the site."""
    site = Path(site_dir).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        for page in site.rglob("*.html"):
            copy = Path(tmp) / page.relative_to(site)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(spaced(page.read_text(encoding="utf-8")), encoding="utf-8")
        command = [sys.executable, "-m", "pagefind", "--site", tmp, "--output-path", str(site / "pagefind"),
                   "--root-selector", "article", "--exclude-selectors", "td", "--exclude-selectors", "svg",
                   "--force-language", "zh", "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise PluginError(f"pagefind failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
