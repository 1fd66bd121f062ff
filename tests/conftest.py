import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from nianbao import paths
from nianbao.parse.registry import Registry
from nianbao.publish.pages import build_pages, copy_hand_written
from nianbao.run.dataset import parse_corpus
from nianbao.run.site import build_site

SAMPLES = paths.REPORTS  # the real reports shipped in data/reports
FIXTURES = paths.FIXTURES  # the project's own PDF and Word files


def sample(name: str) -> Path:
    return SAMPLES / name


requires_shared = pytest.mark.skipif(not paths.GOLD.is_dir(), reason="../shared (gold labels) is not beside the repo")


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of the shipped reports."""
    dst = tmp_path / "reports"
    shutil.copytree(SAMPLES, dst)
    return dst


HOSTILE_LINES = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    '{: onclick="alert(1)" }',
    "{{ 7*7 }} {% raw %}",
]


@contextmanager
def environment(**values):
    """Environment variables set for the block (mkdocs.yml reads SITE_URL and SEARCH_ENGINE)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


SITE_URL = "http://127.0.0.1/nianbao/"  # published under a sub-path, as on GitHub Pages for a project


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The whole pipeline into a real MkDocs build, once per test session: the shipped reports plus hostile
    ones whose text tries to inject markup, Markdown links, attribute lists and Jinja, and two files that
    claim one agency and year."""
    root = tmp_path_factory.mktemp("build")
    reports = root / "reports"
    shutil.copytree(paths.REPORTS, reports)
    text = (reports / "seed_004_1a1a63d5f29059ac.txt").read_text(encoding="utf-8")
    hostile = text.replace("## 一、总体情况", "## 一、总体情况\n\n" + "\n\n".join(HOSTILE_LINES), 1)
    hostile = hostile.replace("2023 年政府信息公开", "<script>alert('t')</script>局 2023 年政府信息公开", 1)
    assert hostile != text
    (reports / "hostile.txt").write_text(hostile, encoding="utf-8")
    # More hostile reports (HTML and Markdown), and two files that claim one agency and year.
    for name in ("hostile.html", "hostile.md", "conflict_first.txt", "conflict_second.txt"):
        shutil.copy(paths.FIXTURES / "hostile" / name, reports / name)
    # A report whose appeals table is replaced by a sentence, under a real place so that it gets a page.
    sentence = (paths.FIXTURES / "flattenings" / "sentence.txt").read_text(encoding="utf-8")
    (reports / "sentence.txt").write_text(sentence.replace("某县档案馆", "宿迁市泗洪县档案馆"), encoding="utf-8")
    parse_corpus(reports, root / "csv", Registry.load(paths.SOURCES, paths.AGENCIES))
    copy_hand_written(root / "docs")
    build_pages(root / "csv", root / "docs", reports, paths.AGENCIES, root / "cache", SITE_URL)
    with environment(SITE_URL=SITE_URL):
        build_site(root / "docs", root / "site")  # strict: any MkDocs warning fails the build
    return root


@pytest.fixture(scope="session", autouse=True)
def ocr_cache(tmp_path_factory):
    """OCR results in a cache of the session's own: OCR really runs in the tests, once per scan."""
    with environment(NIANBAO_OCR_CACHE=str(tmp_path_factory.mktemp("ocr") / "ocr.sqlite")):
        yield
