"""What we know about a file and its agency from outside the document: data/sources.csv and data/agencies.csv."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    agency: str = ""
    region: str = ""
    level: str = ""
    source_url: str = ""
    retrieved: str = ""


class Registry:
    def __init__(self, sources: dict[str, Source], slugs: dict[str, str], names: dict[str, str]):
        self.sources = sources
        self._slugs = slugs  # every known name and alias → slug
        self.names = names  # slug → canonical name

    @classmethod
    def load(cls, sources_csv: Path, agencies_csv: Path) -> "Registry":
        sources = {}
        if sources_csv.exists():
            for row in _read(sources_csv):
                sources[row["source_file"]] = Source(
                    row.get("agency", ""), row.get("region", ""), row.get("level", ""),
                    row.get("source_url", ""), row.get("retrieved", ""),
                )
        slugs, names = {}, {}
        if agencies_csv.exists():
            for row in _read(agencies_csv):
                names[row["slug"]] = row["name"]
                for name in [row["name"], *filter(None, row.get("aliases", "").split("|"))]:
                    slugs[_key(name)] = row["slug"]
        return cls(sources, slugs, names)

    def source(self, source_file: str) -> Source:
        return self.sources.get(source_file, Source())

    def slug(self, agency: str) -> str:
        """The registry's slug; an agency not in the registry gets a stable slug from its name's hash."""
        if not agency:
            return ""
        return self._slugs.get(_key(agency)) or "agency-" + hashlib.sha1(agency.encode("utf-8")).hexdigest()[:10]

    def name(self, slug: str, fallback: str) -> str:
        return self.names.get(slug, fallback)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def file_slug(source_file: str) -> str:
    """An ASCII id for a file that did not parse: 'pingtan_011.txt' → 'pingtan-011-txt'."""
    slug = re.sub(r"[^a-z0-9]+", "-", source_file.lower()).strip("-")
    if slug and source_file.isascii():
        return slug
    # Chinese file names lose most of their letters above: a hash keeps the ids apart.
    return (slug or "file") + "-" + hashlib.sha1(source_file.encode("utf-8")).hexdigest()[:8]
