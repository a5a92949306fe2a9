"""Using both cores: a forked second process beside this one.

pyoxigraph holds the GIL while it evaluates a query (the work happens as the
solutions are iterated), and Jinja rendering is pure Python, so threads run
one at a time. After the model is loaded the process forks: the child shares
its memory copy-on-write. Validation shares checks between the two through a
counter (:func:`forked`); the build renders one language in each (:func:`beside`).
Against a remote endpoint the time is spent waiting on HTTP, where threads are
enough (:func:`threaded`).
"""

from __future__ import annotations

import gc
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


def serial(items: Sequence[T], work: Callable[[T], R]) -> list[R]:
    return [work(item) for item in items]


def threaded(items: Sequence[T], work: Callable[[T], R], workers: int) -> list[R]:
    """``work`` of every item, in the order of ``items``."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(work, items))


def forked(items: Sequence[T], work: Callable[[T], R]) -> list[R]:
    """``work`` of every item, in the order of ``items``, shared between this process and one forked child.

    Both take the next item from a shared counter, so the slowest items should come first.
    """
    if len(items) < 2 or not can_fork():
        return serial(items, work)
    counter = multiprocessing.get_context("fork").Value("i", 0)

    def take() -> int:
        with counter.get_lock():
            index = int(counter.value)
            counter.value = index + 1
        return index

    def run() -> dict[int, R]:
        done: dict[int, R] = {}
        while (index := take()) < len(items):
            done[index] = work(items[index])
        return done

    mine, theirs = beside(run, run)
    merged = {**mine, **theirs}
    return [merged[index] for index in range(len(items))]


def _child(run: Callable[[], Any], writer: Connection) -> None:
    try:
        writer.send(("ok", run()))
    except BaseException as exc:  # the parent reports it; a child must never print a traceback of its own
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        writer.close()


def _receive(reader: Connection) -> Any:
    try:
        status, payload = reader.recv()
    except EOFError:
        raise ArsitekError("the second process ended without a result (out of memory?)") from None
    if status != "ok":
        raise ArsitekError(f"the second process failed: {payload}")
    return payload


def beside(mine: Callable[[], R], theirs: Callable[[], R]) -> tuple[R, R]:
    """``mine()`` here and ``theirs()`` in a forked child at the same time; both results (small, pickled back).

    Without fork (macOS, Windows) the two run one after the other.
    """
    if not can_fork():
        return mine(), theirs()
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(theirs, writer), daemon=True)
    # Everything loaded so far is kept out of the garbage collector's reach while both run: its full
    # passes would walk the whole model in each process, and in the child write to every shared page,
    # copying the parent's memory (about a tenth of a national build's time).
    gc.freeze()
    try:
        child.start()
        writer.close()
        try:
            first = mine()
            second: R = _receive(reader)
        finally:
            child.join()
    finally:
        gc.unfreeze()
    return first, second
