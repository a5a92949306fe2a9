"""Using both cores: forked processes beside this one.

pyoxigraph holds the GIL while it evaluates a query (the work happens as the
solutions are iterated), and Jinja rendering is pure Python, so threads run
one at a time. After the model is loaded the process forks: a child shares
its memory copy-on-write. Validation shares checks between two processes
through a counter (:func:`forked`), while the parent first does what it has
to do anyway (:func:`meanwhile`). The build starts writers that need only the
model (:func:`start`), then a second renderer; the two take chunks of elements
from opposite ends (:class:`Ends`). Against a remote endpoint the time is spent
waiting on HTTP, where threads are enough (:func:`threaded`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
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


_pending: list[Callable[[], None]] = []


@contextlib.contextmanager
def meanwhile(work: Callable[[], R], only_beside_a_fork: bool = False) -> Iterator[Callable[[], R | None]]:
    """Do ``work`` in this process while the first :func:`forked` of the block starts its child on the items.

    After a national model is loaded, validation shares its checks between two processes, and
    the typed view waits for it on one core: this lets the parent build the view first and then
    join in. Without a fork in the block (a small model, another engine) ``work`` runs at its end,
    or not at all if it is only worth doing beside a fork (work done ahead of need).
    Yields a function that returns ``work``'s result (None if it was not done) once the block is over.
    """
    done: list[R | None] = []

    def run() -> None:
        _pending.remove(run)
        done.append(work())

    _pending.append(run)
    try:
        yield lambda: done[0]
    except BaseException:
        if run in _pending:
            _pending.remove(run)
        raise
    if run in _pending:
        if only_beside_a_fork:
            _pending.remove(run)
            done.append(None)
        else:
            run()


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

    def first_pending_then_run() -> dict[int, R]:
        while _pending:
            _pending[0]()
        return run()

    mine, theirs = beside(first_pending_then_run, run)
    merged = {**mine, **theirs}
    return [merged[index] for index in range(len(items))]


def _child(run: Callable[[], Any], writer: Connection, parent: int) -> None:
    _follow_parent(parent)
    try:
        writer.send(("ok", run()))
    except BaseException as exc:  # the parent reports it; a child must never print a traceback of its own
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        writer.close()


def _follow_parent(parent: int) -> None:
    """A child stops when its parent does: it never goes on writing into a staging folder nobody will keep.

    Ctrl+C reaches the whole process group, but only the parent decides what happens then (it ends
    its children); SIGTERM ends a child at once; and on Linux the kernel kills a child whose parent dies,
    even by SIGKILL, so the next build can clean the staging folder without a writer still in it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request above was in place
        os._exit(1)


_PR_SET_PDEATHSIG = 1
_STOPPING = {signal.SIGTERM, signal.SIGINT}


def _receive(reader: Connection) -> Any:
    try:
        status, payload = reader.recv()
    except EOFError:
        raise ArsitekError("a second process ended without a result (out of memory?)") from None
    if status != "ok":
        raise ArsitekError(f"a second process failed: {payload}")
    return payload


class Ends:
    """Indices ``0 .. n-1`` shared by two processes: one takes them from the front, the other from the back.

    Both go on until they meet, so the faster one does more; and while they are far apart they work
    on different items (a site build: different folders, which two writers would otherwise contend for).
    Made before the fork; without one, the first to ask takes everything.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self._bounds: Any = [0, n]
        self._lock: Any = contextlib.nullcontext()
        if can_fork():
            self._bounds = multiprocessing.get_context("fork").Array("i", [0, n])
            self._lock = self._bounds.get_lock()

    def front(self) -> Iterator[int]:
        while (index := self._take(0, 1)) is not None:
            yield index

    def back(self) -> Iterator[int]:
        while (index := self._take(1, -1)) is not None:
            yield index

    def taken(self) -> int:
        """How many indices both have taken so far."""
        with self._lock:
            return int(self._bounds[0] + self.n - self._bounds[1])

    def _take(self, end: int, step: int) -> int | None:
        with self._lock:
            if self._bounds[0] >= self._bounds[1]:
                return None
            self._bounds[end] += step
            return int(self._bounds[end] - (step if step > 0 else 0))


class Running:
    """Work started in a forked child by :func:`start`: :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self._done: Any = None
        self._child: Any = None
        if not can_fork():  # without fork the work is done now, one thing after another
            self._done = work()
            return
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._child = context.Process(target=_child, args=(work, writer, os.getpid()), daemon=True)
        _freeze()
        # The child is born with SIGTERM and SIGINT held back, so the parent's handlers (which raise) never
        # run in it before it has its own (_follow_parent); the parent gets any that came meanwhile after.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            self._child.start()
        except BaseException:
            _thaw()
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        writer.close()

    def result(self) -> Any:
        if self._child is None:
            return self._done
        try:
            return _receive(self._reader)
        except BaseException:
            # Interrupted while waiting (Ctrl+C in `validate --watch`): the child may be blocked sending a
            # result nobody will read, so joining it would wait for ever. It is stopped first.
            self._child.terminate()
            raise
        finally:
            self._end()

    def cancel(self) -> None:
        """Stop the child (the parent failed: what it was writing is thrown away)."""
        if self._child is not None:
            self._child.terminate()
            self._end()

    def _end(self) -> None:
        self._child.join()
        self._reader.close()
        self._child = None
        _thaw()


_frozen = 0


def _freeze() -> None:
    # Everything loaded so far is kept out of the garbage collector's reach while a child runs: its
    # full passes would walk the whole model in each process, and in the child write to every shared
    # page, copying the parent's memory (about a tenth of a national build's time).
    global _frozen
    gc.freeze()  # again at every fork: what was built since (a gathered site) is shared too
    _frozen += 1


def _thaw() -> None:
    global _frozen
    _frozen -= 1
    if _frozen == 0:
        gc.unfreeze()


def start(work: Callable[[], Any]) -> Running:
    """``work()`` in a forked child, from now on, while this process goes on; its result is small (pickled back).

    Without fork (macOS, Windows) the work is done before this returns.
    """
    return Running(work)


def beside(mine: Callable[[], R], theirs: Callable[[], R]) -> tuple[R, R]:
    """``mine()`` here and ``theirs()`` in a forked child at the same time; both results (small, pickled back).

    Without fork (macOS, Windows) the two run one after the other.
    """
    running = start(theirs)
    try:
        first = mine()
    except BaseException:
        running.cancel()
        raise
    second: R = running.result()
    return first, second
