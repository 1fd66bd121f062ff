"""Readers turn a report file into a `Document`; they know formats, never templates or labels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class ReadError(Exception):
    """The file cannot be read as a report; the message says why, in words a person can act on."""


class Unsupported(ReadError):
    """The file is of a kind we do not read (yet)."""


@dataclass(frozen=True)
class Token:
    """One piece of text OCR read off a page: where it stands and how sure the engine was."""

    text: str  # as put in its cell: a number read uncertainly has every digit printed "?" ("??" for 34)
    confidence: float  # the engine's score, 0–1 (the mean of its characters')
    box: tuple[int, int, int, int]  # x0, top, x1, bottom in pixels of the page image
    page: int  # 1-based
    uncertain: bool = False  # a digit in it was read with too little confidence to be taken as printed
    read: str = ""  # what OCR read, uncertain digits included ("34"; empty when the same as text)


@dataclass
class Document:
    """A report's content in reading order: every text line and every table row, as a list of cells.

    A paragraph is a row of one cell; a table row keeps its cells (blank ones as ""). Keeping both in one
    sequence lets extraction treat real tables and tables flattened into text the same way.

    A document read from pictures of pages (`read_by == "ocr"`) also keeps, for each cell of each row, the
    OCR tokens it was made of (`tokens[i][j]` for `rows[i][j]`), and `warnings` says what OCR was unsure of
    or left unread.
    """

    path: Path
    format: str
    rows: list[list[str]]
    # Blank lines printed before each row, where the format has lines (text): evidence of cell boundaries
    # in tables printed one cell per line, where an empty cell is one more blank line. Empty: unknown.
    gaps: list[int] = field(default_factory=list)
    # What a page says about itself outside its text: an HTML page's <title> and <meta name=… content=…>.
    meta: dict[str, str] = field(default_factory=dict)
    read_by: str = "text"  # "text": the file's own text; "ocr": read from images of its pages
    tokens: list[list[list[Token]]] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join("\t".join(row) for row in self.rows)


READERS = {}


def reader(*suffixes: str):
    def register(fn):
        for suffix in suffixes:
            READERS[suffix] = fn
        return fn

    return register


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, WPS and Excel binary files
_IMAGES = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"))
_LOOKS_HTML = re.compile(rb"^\s*(<!doctype html|<html|<meta|<head|<body|<table|<div|<p[\s>])", re.I)


def sniff(data: bytes) -> str | None:
    """The reader a file's content calls for, whatever its name says; None when the content does not tell.

    Government sites often serve one format under another's name: a Word "web page" saved as .doc, a PDF
    linked as .doc, a .docx called .doc.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx"
    for magic, suffix in _IMAGES:
        if head.startswith(magic):
            return suffix
    if _LOOKS_HTML.match(head):
        return ".html"
    return None


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read any supported file (its bytes, if the caller has them already); raises ReadError or Unsupported."""
    from . import docx, html, ocr, pdf, text  # noqa: F401  (registers the readers)

    if data is None:
        data = path.read_bytes()
    if not data.strip():
        raise ReadError("空文件")
    if data.startswith(_OLE2):
        raise Unsupported("旧版 Word 97-2003 / WPS 二进制文档（.doc），暂不支持：请另存为 .docx 或 PDF 后再收录")
    suffix = path.suffix.lower()
    sniffed = sniff(data)
    if sniffed and suffix not in (".txt", ".md", ".markdown"):  # a text file may well begin with markup
        suffix = sniffed
    if suffix not in READERS:
        raise Unsupported(f"不支持的文件类型“{suffix or path.name}”：可读取的类型为 {'、'.join(sorted(READERS))}")
    return READERS[suffix](path, data)
