"""Bytes → str for reports from Chinese government sites: UTF-8 first, then the GB family."""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk"}


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode using the declared charset if it works, else UTF-8, else GB18030 (a superset of GBK/GB2312)."""
    if declared is None:
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    candidates = []
    if declared:
        candidates.append("gb18030" if declared in _GB else declared)
    candidates += ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    # Mostly-valid text with a few broken bytes: keep what can be read, mark the rest.
    return data.decode("utf-8", errors="replace")
