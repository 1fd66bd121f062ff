"""The reports folder as a list of entries, read without trusting it.

A crawler's inbox can hold anything a file system can: links to /etc/passwd or /proc, FIFOs that block a
reader forever, files of 50 GB, folders nested a thousand deep, folders we may not open, names that are
not UTF-8 or carry control characters. Every entry under the folder becomes one `Listed`: a regular file
to read, or a reason why it is not read. Links are never followed, nothing but a regular file is opened,
and a file is opened with O_NOFOLLOW and checked again after opening, so a swap between listing and
reading cannot make us read something else.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_DEPTH = 32  # folders below this many levels are listed, not entered: no real collection nests so deep

# Characters that must not stand in a published name: controls (C0, DEL, C1), bidirectional overrides
# and isolates, line and paragraph separators, and noncharacters.
_UNPRINTABLE_NAME = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069"
                               "\ufdd0-\ufdef\ufffe\uffff]")


@dataclass(frozen=True)
class Listed:
    path: Path  # where it is on disk
    name: str  # relative to the folder, '/'-separated, printable: what reports.csv calls it
    problem: str = ""  # why it is not read (in Chinese); empty for a regular file
    status: str = ""  # for an entry not read: "unsupported" (we do not read such things) or "failed" (we could not)


def printable_name(name: str) -> str:
    """A file name as it may be published: bytes that are not UTF-8 and control characters become visible
    escapes (\\xff, \\u202e), so the name never breaks a CSV record, a page or its front matter. A
    backslash is escaped too (\\x5c), so that two names never print the same."""
    text = _UNPRINTABLE_NAME.sub(_escape, name)  # first: the escapes below must not be escaped again
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _escape(m: re.Match) -> str:
    return f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"


def list_entries(src: Path) -> list[Listed]:
    """Every entry under src (files, links, special files, folders that cannot be entered), sorted by name."""
    out: list[Listed] = []
    stack: list[tuple[Path, tuple[str, ...]]] = [(src, ())]
    while stack:
        folder, parts = stack.pop()
        try:
            with os.scandir(folder) as it:
                children = list(it)
        except OSError as e:
            if not parts:
                raise
            out.append(Listed(folder, _name(parts), f"无法打开此文件夹（{e.strerror}），其中的文件未读取", "failed"))
            continue
        for child in children:
            child_parts = (*parts, child.name)
            path = Path(child.path)
            try:
                mode = child.stat(follow_symlinks=False).st_mode
            except OSError as e:
                out.append(Listed(path, _name(child_parts), f"无法读取此项的属性（{e.strerror}），未读取", "failed"))
                continue
            if stat.S_ISDIR(mode):
                if len(child_parts) >= MAX_DEPTH:
                    out.append(Listed(path, _name(child_parts),
                                      f"文件夹嵌套超过 {MAX_DEPTH} 层，其中的文件未读取", "unsupported"))
                else:
                    stack.append((path, child_parts))
            elif stat.S_ISLNK(mode):
                out.append(Listed(path, _name(child_parts), "这是一个符号链接：链接不跟随，所指的文件未读取", "unsupported"))
            elif not stat.S_ISREG(mode):
                out.append(Listed(path, _name(child_parts), f"这不是普通文件（{_kind(mode)}），未读取", "unsupported"))
            else:
                out.append(Listed(path, _name(child_parts)))
    out.sort(key=lambda e: e.name.split("/"))
    return out


def _name(parts: tuple[str, ...]) -> str:
    return printable_name("/".join(parts))


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def open_regular(path: Path) -> int:
    """A file descriptor for path if it is a regular file; never follows a link, never blocks on a FIFO.
    Raises OSError (with strerror) otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(0, "不是普通文件")
    return fd


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most max_bytes (more raises OSError: the file grew past the limit)."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(0, "文件在读取时超过了大小上限")
    return data


def hash_regular(path: Path, max_bytes: int) -> str:
    """SHA-256 of a regular file of at most max_bytes; '' for anything else, or a file that cannot be read."""
    try:
        fd = open_regular(path)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fh.fileno()).st_size > max_bytes:
            return ""
        digest = hashlib.sha256()
        left = max_bytes + 1
        while left > 0 and (block := fh.read(min(left, 1 << 20))):
            digest.update(block)
            left -= len(block)
        return digest.hexdigest() if left > 0 else ""
