"""Skip a stage whose inputs did not change since it last ran and whose outputs are as it left them.

A stamp records a digest of the stage's inputs and of its outputs' names, sizes and modification times.
Stages rewrite only files whose content changes, so an unchanged corpus leaves every output untouched and
the next run finds every stamp fresh; deleting or editing an output makes the stage run again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..paths import PACKAGE


def tree_digest(*roots: Path) -> str:
    """Names, types, sizes and modification times of every entry under roots (a root may be a file), as the
    parse stage lists them (listing.py): links are not followed, no file is opened."""
    from .listing import list_entries

    digest = hashlib.sha256()
    for root in roots:
        if root.is_dir():
            paths = [item.path for item in list_entries(root)]
        else:
            paths = [root] if root.exists() else []
        for path in paths:
            try:
                st = os.lstat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def content_digest(*parts: str | bytes | Path) -> str:
    """Strings, bytes and file contents (a missing file counts as empty), in order."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            data = part.read_bytes() if part.is_file() else b""
        else:
            data = part if isinstance(part, bytes) else part.encode()
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def code_files(patterns: tuple[str, ...]) -> list[Path]:
    """The source files of the nianbao package that match patterns (globs relative to the package). A pattern
    that matches nothing is an error: after a move it would quietly hash nothing and serve stale results."""
    files = []
    for pattern in patterns:
        matched = sorted(p for p in PACKAGE.glob(pattern) if p.is_file())
        if not matched:
            raise FileNotFoundError(f"code digest: {pattern!r} matches no file under {PACKAGE}")
        files += matched
    return files


def code_digest(patterns: tuple[str, ...], extra: str = "") -> str:
    """The source files that match patterns, and extra."""
    digest = hashlib.sha256(extra.encode())
    for path in code_files(patterns):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Stamp:
    def __init__(self, path: Path, inputs: str, outputs: list[Path]):
        self.path, self.inputs, self.outputs = path, inputs, outputs

    def fresh(self) -> bool:
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return saved == {"inputs": self.inputs, "outputs": tree_digest(*self.outputs)}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"inputs": self.inputs, "outputs": tree_digest(*self.outputs)}), encoding="utf-8")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
