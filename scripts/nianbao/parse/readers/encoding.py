"""Bytes → str for reports from Chinese government sites: UTF-8 first, then the GB family."""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk"}


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode using the declared charset if it works, else UTF-8, else GB18030 (a superset of GBK/GB2312).

    UTF-8 text with a few broken bytes (a truncated download, a bad copy) stays UTF-8 with the broken bytes
    as U+FFFD: GB18030 would accept most such files too, and turn every character into the wrong one.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a byte-order mark: UTF-16 (Windows' "Unicode" text)
        return data.decode("utf-16", errors="replace")
    if declared is None:
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    candidates = []
    if declared:
        candidates.append("gb18030" if declared in _GB else declared)
    candidates.append("utf-8-sig")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    mostly_utf8 = data.decode("utf-8-sig", errors="replace")
    if mostly_utf8.count("\ufffd") <= max(8, len(mostly_utf8) // 1000):
        return mostly_utf8
    return data.decode("gb18030", errors="replace")
