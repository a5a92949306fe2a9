"""Running compiled checks on both cores.

pyoxigraph holds the GIL while it evaluates a query (the work happens as the
solutions are iterated), so threads over the local store run one query at a
time. For a large store the process forks after loading: the child shares the
store's memory copy-on-write and takes checks from the same counter as the
parent, so neither waits while the other still has work. Against a remote
endpoint the time is spent waiting on HTTP, where threads are enough.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from arsitek.errors import ArsitekError

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    """Fork only where it is the platform's own model (Linux); macOS and Windows run serially."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def threaded(items: Sequence[T], work: Callable[[T], list[R]], workers: int) -> list[R]:
    """Results in the order of ``items``."""
    out: list[R] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for batch in pool.map(work, items):
            out += batch
    return out


def forked(items: Sequence[T], work: Callable[[T], list[R]]) -> list[R]:
    """Results of ``work`` over ``items``, shared between this process and one forked child.

    Both take the next item from a shared counter, so the slowest items should come first.
    The result is sorted by item position, so it does not depend on who ran what.
    """
    if len(items) < 2 or not can_fork():
        return [r for item in items for r in work(item)]
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    reader, writer = context.Pipe(duplex=False)

    def take() -> int:
        with counter.get_lock():
            index = int(counter.value)
            counter.value = index + 1
        return index

    def run() -> dict[int, list[R]]:
        done: dict[int, list[R]] = {}
        while (index := take()) < len(items):
            done[index] = work(items[index])
        return done

    child = context.Process(target=_child, args=(run, writer), daemon=True)
    child.start()
    writer.close()
    try:
        mine = run()
        theirs = _receive(reader)
    finally:
        child.join()
    merged = {**mine, **theirs}
    return [r for index in sorted(merged) for r in merged[index]]


def _child(run: Callable[[], dict[int, Any]], writer: Connection) -> None:
    try:
        writer.send(("ok", run()))
    except BaseException as exc:  # the parent reports it; a child must never print a traceback of its own
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        writer.close()


def _receive(reader: Connection) -> dict[int, Any]:
    try:
        status, payload = reader.recv()
    except EOFError:
        raise ArsitekError("the second validation process ended without a result (out of memory?)") from None
    if status != "ok":
        raise ArsitekError(f"the second validation process failed: {payload}")
    return dict(payload)
