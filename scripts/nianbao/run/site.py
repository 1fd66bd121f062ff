"""The site stage: MkDocs builds docs/ into site/, then Pagefind indexes it (see mkdocs_hooks.py)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .. import paths
from ..isolate import in_child


def build_site(docs: Path = paths.DOCS, site: Path = paths.SITE, config: Path = paths.MKDOCS_YML) -> None:
    """mkdocs build --strict, with docs_dir and site_dir given here, so any folder pair can be built. MkDocs
    runs in a process of its own, so that its memory is given back before Pagefind starts."""
    from ..publish.mkdocs_hooks import INDEX_LATER, index_site

    os.environ[INDEX_LATER] = "1"
    try:
        engine = in_child(_mkdocs_build, docs, site, config)
    finally:
        del os.environ[INDEX_LATER]
    if engine == "pagefind":
        index_site(str(site))


def _mkdocs_build(docs: Path, site: Path, config: Path) -> str:
    """Returns the search engine the configuration chose."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner, printed on every build
    handler = logging.StreamHandler()  # warnings as the mkdocs command line shows them
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    cfg = load_config(str(config), docs_dir=str(docs), site_dir=str(site), strict=True)
    build(cfg)
    return cfg.extra.get("search_engine", "builtin")
