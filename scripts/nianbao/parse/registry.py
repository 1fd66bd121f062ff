"""What we know about a file and its agency from outside the document: data/sources.csv and data/agencies.csv.

The document decides who published it (identity.py); the registry overrides it where a line says otherwise, and
keeps each agency's slug stable: a slug in data/agencies.csv wins, and an agency seen for the first time gets one
from its place and name in pinyin, recorded in `added` for the parse stage to write back, so that a later rename
or an older report added later does not move its pages.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from pypinyin import lazy_pinyin

from .identity import OFFICE_BODIES, PLACE_SUFFIXES, Identity, describe, normalized_body, place_of


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
        self.added: list[dict[str, str]] = []  # agencies first seen in this run, for data/agencies.csv
        self._by_key: dict[tuple[str, str], str] | None = None  # identity key of every registered name → slug

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

    def decide(self, source_file: str, document: Identity | None) -> tuple[Identity, str]:
        """One file's identity and who decided it (`document` or `registry`): the document's, with what
        data/sources.csv says about the file put over it."""
        found = document or Identity()
        src = self.source(source_file)
        if not (src.agency or src.region or src.level):
            return found, "document" if found.name else ""
        decided = describe(src.agency) if src.agency else replace(found)
        decided = replace(decided, printed=found.printed or src.agency, findings=[])
        if src.region:
            place = place_of(src.region)
            decided.region, decided.adcode = src.region, place.code if place else decided.adcode
        decided.level = src.level or decided.level
        return decided, "registry"

    def agencies(self, identities: list[tuple[Identity, tuple, str]]) -> list[tuple[str, str]]:
        """For each (identity, order, source file): the agency's slug and canonical name. One agency is one key
        (the same place and normalised name, identity.Identity.key); a name the registry knows gives its slug and
        name; otherwise the name is the one of the agency's newest report (`order` sorts newest last)."""
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (identity, _, _) in enumerate(identities):
            if identity.name:
                groups.setdefault(identity.key, []).append(i)
        slugs: dict[tuple[str, str], str] = {}
        for key, members in groups.items():
            names = [n for i in members for n in (identities[i][0].name, identities[i][0].printed)]
            slugs[key] = next((self._slugs[_key(n)] for n in names if _key(n) in self._slugs), "") \
                or self._slug_by_key(key)
        self._new_slugs({key: identities[max(members, key=lambda i: identities[i][1])][0]
                         for key, members in groups.items() if not slugs[key]}, slugs)
        out = [("", "")] * len(identities)
        for key, members in sorted(groups.items()):
            newest = max(members, key=lambda i: identities[i][1])
            name = self.names.get(slugs[key]) or identities[newest][0].name
            if slugs[key] not in self.names:
                others = sorted({n for i in members for n in (identities[i][0].name, identities[i][0].printed)} - {name})
                first = min(identities[i][2] for i in members)
                self.added.append({"slug": slugs[key], "name": name, "aliases": "|".join(others),
                                   "note": f"added by the parse stage; first seen in {first}"})
            for i in members:
                out[i] = (slugs[key], name)
        for row in self.added:
            self.names.setdefault(row["slug"], row["name"])
            for n in [row["name"], *filter(None, row["aliases"].split("|"))]:
                self._slugs.setdefault(_key(n), row["slug"])
        self._by_key = None
        return out

    def _slug_by_key(self, key: tuple[str, str]) -> str:
        """A registered agency under another of its names: the same place and normalised name (renamed since)."""
        if self._by_key is None:
            self._by_key = {}
            for name, slug in sorted(self._slugs.items()):
                self._by_key.setdefault(describe(name).key, slug)
        return self._by_key.get(key, "")

    def _new_slugs(self, newcomers: dict[tuple[str, str], Identity], slugs: dict[tuple[str, str], str]) -> None:
        """Slugs for agencies the registry does not know. Two that would share one (朝阳区 in Beijing and in
        Changchun) are told apart by the division above; failing that, by a hash of the key."""
        plain = {key: agency_slug(identity) for key, identity in newcomers.items()}
        clashes = Counter(plain.values())
        used = set(self.names)
        for key in sorted(newcomers):
            slug = plain[key]
            if clashes[slug] > 1 or slug in used:
                slug = agency_slug(newcomers[key], qualified=True)
            if slug in used:
                slug += "-" + hashlib.sha1("|".join(key).encode("utf-8")).hexdigest()[:6]
            used.add(slug)
            slugs[key] = slug

    def save_added(self, agencies_csv: Path) -> int:
        """Append the agencies first seen in this run to data/agencies.csv; returns how many."""
        if not self.added:
            return 0
        new = not agencies_csv.exists()
        with agencies_csv.open("a", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["slug", "name", "aliases", "note"], lineterminator="\n")
            if new:
                writer.writeheader()
            writer.writerows(self.added)
        count, self.added = len(self.added), []
        return count


def agency_slug(identity: Identity, qualified: bool = False) -> str:
    """The lowest place and the normalised name in pinyin: 攀枝花市西区人民政府办公室 → 'xiqu-gov-office', or
    qualified by the division above, 'panzhihua-xiqu-gov-office'; 涧西区国防动员办公室 → 'jianxi-guofangdongyuanbangongshi'."""
    parts = identity.region.split("/") if identity.region else []
    if not parts:
        return _ascii(identity.name)[:60] or "agency"
    body = normalized_body(identity.body, renames=False)  # the name it has when first seen
    words = [_place(parts[-1])] if len(parts) < 2 or not qualified else [_place(parts[-2]), _place(parts[-1])]
    if body in ("人民政府", "管理委员会"):
        words.append("gov")
    elif body in OFFICE_BODIES:
        words.append("gov-office")
    else:
        words.append(_ascii(body)[:40])
    return "-".join(words)


def _place(place: str) -> str:
    """攀枝花市 → 'panzhihua'; 西区 → 'xiqu' (a stem of one character says nothing). Read with its suffix, which
    picks the reading a place name has: 朝阳区 → 'chaoyang', where 朝阳 alone reads 'zhaoyang'."""
    syllables = lazy_pinyin(place)
    for suffix in PLACE_SUFFIXES:
        if place.endswith(suffix) and len(place) - len(suffix) >= 2 and len(syllables) == len(place):
            return _ascii("".join(syllables[: -len(suffix)]))
    return _ascii("".join(syllables))


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(text)).lower()).strip("-")


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
