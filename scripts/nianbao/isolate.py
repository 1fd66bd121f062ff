"""Run one function over many inputs in worker processes, each call under a time limit.

A library that hangs or crashes on a pathological file (a PDF whose content stream expands to millions of
glyphs, say) holds up one worker, never the run: past its deadline the worker is killed, the call is
reported as timed out, and a fresh worker takes the next input. Results come back in input order, so the
output does not depend on which worker was fastest. A call that knows it has slow, bounded work ahead (OCR
of a scan) may ask for more time (`more_time`), up to the item's ceiling.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, Sequence


@dataclass
class Failure:
    """Why a call returned nothing: it ran past its time limit, or its worker process died."""

    reason: str


def in_child(fn: Callable, *args) -> Any:
    """fn(*args) in a fresh Python process (spawned, not forked); its exceptions are raised here. The memory
    the call used goes back to the system when it returns."""
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_CALLER: Connection | None = None  # in a worker: the connection to the parent that set the deadline


def more_time(seconds: float) -> None:
    """Ask for the current call's deadline to be `seconds` from now (never past the item's ceiling, never
    earlier than it is). Does nothing outside a worker of run_isolated."""
    if _CALLER is not None:
        _CALLER.send(("time", seconds))


def _serve(fn: Callable, conn: Connection, memory_mb: float) -> None:
    global _CALLER
    _CALLER = conn
    if memory_mb:
        _limit_memory(memory_mb)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("done", fn(item)))
        except BaseException as e:  # noqa: BLE001  the caller decides what an exception means
            conn.send(("raised", e))


def _limit_memory(memory_mb: float) -> None:
    """Let this process's address space grow by at most memory_mb beyond what it has now: past that an
    allocation fails with MemoryError inside the call, which then fails alone (Linux only)."""
    try:
        import resource

        with open("/proc/self/statm") as fh:  # pages of address space in use
            in_use = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError):  # not Linux: no memory limit
        return
    limit = in_use + int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _Worker:
    def __init__(self, ctx, fn: Callable, memory_mb: float):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(fn, child, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.index = -1  # the input it works on, -1 when idle
        self.started = self.deadline = 0.0

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def run_isolated(fn: Callable[[Any], Any], items: Iterable[Any], jobs: int, timeout: float | Sequence[float],
                 memory_mb: float = 0, ceiling: float = 0) -> Iterator[Any]:
    """Yield fn(item) for each item, in order; a Failure where the call timed out or its worker died.
    timeout: seconds per call, or one number per item; a call may ask for more (`more_time`), up to
    `ceiling` seconds in all (0: no more than its timeout). Each worker may use memory_mb more memory than
    it started with (0: no limit).

    An exception raised by fn is re-raised here, in the parent. fn must be a module-level function.
    """
    items = list(items)
    timeouts = list(timeout) if isinstance(timeout, Sequence) else [timeout] * len(items)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    def new_worker() -> _Worker:
        return _Worker(ctx, fn, memory_mb)

    workers = [new_worker() for _ in range(max(1, min(jobs, len(items))))]
    results: dict[int, Any] = {}
    next_item = next_out = 0
    try:
        while next_out < len(items):
            for i, w in enumerate(workers):
                if w.index < 0 and next_item < len(items):
                    if not w.process.is_alive():  # killed from outside while idle
                        _replace(workers, w, new_worker)
                        w = workers[i]
                    w.conn.send(items[next_item])
                    w.started = time.monotonic()
                    w.index, w.deadline = next_item, w.started + timeouts[next_item]
                    next_item += 1
            busy = [w for w in workers if w.index >= 0]
            soonest = min(w.deadline for w in busy)
            for conn in wait([w.conn for w in busy], timeout=max(0.0, soonest - time.monotonic())):
                w = next(w for w in busy if w.conn is conn)
                try:
                    kind, value = conn.recv()
                except EOFError:  # the worker died mid-call: a crash in C code, or the kernel's OOM killer
                    w.process.join()
                    results[w.index] = Failure(f"读取程序异常退出（工作进程退出码 {w.process.exitcode}）")
                    _replace(workers, w, new_worker)
                    continue
                if kind == "time":
                    limit = w.started + max(timeouts[w.index], ceiling)
                    w.deadline = max(w.deadline, min(limit, time.monotonic() + value))
                    continue
                if kind == "raised":
                    raise value
                results[w.index] = value
                w.index = -1
            now = time.monotonic()
            for w in [w for w in workers if w.index >= 0 and w.deadline <= now]:
                results[w.index] = Failure(f"读取此文件超过 {round(w.deadline - w.started, 1):g} 秒，已放弃")
                _replace(workers, w, new_worker)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
    finally:
        for w in workers:
            w.stop()


def _replace(workers: list[_Worker], worker: _Worker, new_worker: Callable[[], _Worker]) -> None:
    worker.stop()
    workers[workers.index(worker)] = new_worker()
