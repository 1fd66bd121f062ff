"""HTML pages: paragraphs become one-cell rows, table rows keep their cells (colspan and rowspan as printed)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from . import Document, ReadError, reader
from .encoding import decode

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "pre", "blockquote", "tr", "br"}
_SKIP = {"script", "style", "noscript", "template", "head", "title", "iframe"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(tag: Tag) -> bool:
    """An element no reader of the page sees: its text is no part of the report."""
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))


@reader(".html", ".htm")
def read_html(path: Path, data: bytes) -> Document:
    soup = BeautifulSoup(decode(data), "html.parser")
    for tag in soup.find_all(_hidden):
        tag.decompose()
    for cdata in soup.find_all(string=lambda s: isinstance(s, CData)):  # in HTML, CDATA is no shown text
        cdata.extract()
    rows: list[list[str]] = []
    gaps: list[int] = []  # empty paragraphs before each row: an empty cell, where a table became paragraphs
    line: list[str] = []
    blank = 0

    def add(row: list[str]) -> None:
        nonlocal blank
        rows.append(row)
        gaps.append(blank)
        blank = 0

    def flush() -> bool:
        text = " ".join("".join(line).split())
        if text:
            add([text])
        line.clear()
        return bool(text)

    def walk(node: Tag):
        nonlocal blank
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype", "ProcessingInstruction", "Declaration"):
                    continue
                line.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _SKIP:
                    continue
                if name == "table":
                    flush()
                    for row in _table_rows(child):
                        add(row)
                elif name in _BLOCKS:
                    flush()
                    before = len(rows)
                    walk(child)
                    if not flush() and len(rows) == before and name != "br":
                        blank += 1
                else:
                    walk(child)

    walk(soup)
    flush()
    if not rows:
        raise ReadError("HTML 页面中没有文字")
    return Document(path, "html", rows, gaps, meta=_meta(soup))


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    """<title> and the <meta name=… content=…> a government CMS writes (ArticleTitle, ContentSource …)."""
    meta = {}
    if soup.title and soup.title.string:
        meta["title"] = " ".join(soup.title.string.split())
    for tag in soup.find_all("meta"):
        name, content = tag.get("name"), tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and content.strip():
            meta.setdefault(name, " ".join(content.split()))
    return meta


def _table_rows(table: Tag) -> list[list[str]]:
    """Rows of a table, each cell once (a colspan cell is not repeated). Nested tables come out as their own rows."""
    out: list[list[str]] = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = []
        for cell in tr.find_all(["td", "th"]):
            if cell.find_parent("tr") is not tr:
                continue
            nested = cell.find("table")
            if nested is not None:
                out.extend(_table_rows(nested))
                nested.extract()
            cells.append(" ".join(cell.get_text("").split()))
        if any(cells):
            out.append(cells)
    return out
