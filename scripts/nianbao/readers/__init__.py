"""Readers turn a report file into a `Document`; they know formats, never templates or labels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ReadError(Exception):
    """The file cannot be read as a report; the message says why, in words a person can act on."""


class Unsupported(ReadError):
    """The file is of a kind we do not read (yet)."""


@dataclass
class Document:
    """A report's content in reading order: every text line and every table row, as a list of cells.

    A paragraph is a row of one cell; a table row keeps its cells (blank ones as ""). Keeping both in one
    sequence lets extraction treat real tables and tables flattened into text the same way.
    """

    path: Path
    format: str
    rows: list[list[str]]

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


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read any supported file (its bytes, if the caller has them already); raises ReadError or Unsupported."""
    from . import docx, html, pdf, text  # noqa: F401  (registers the readers)

    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise Unsupported(f"unsupported file type '{suffix or path.name}': readable types are {', '.join(sorted(READERS))}")
    if data is None:
        data = path.read_bytes()
    if not data.strip():
        raise ReadError("empty file")
    return READERS[suffix](path, data)
