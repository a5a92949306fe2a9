"""The one place that writes files: atomic, inside the output folder, never half-done.

A build is written to a temporary sibling folder and swapped in only when it
is complete, so a failed build leaves the previous good output untouched.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import NamedTuple

from arsitek import guard, parallel
from arsitek.errors import OutputError
from arsitek.guard import MANIFEST


class SameAs(NamedTuple):
    """An artifact's content: the same bytes as the artifact at ``path``, written before it by the same writer.

    Hard-linked where the file system allows (a national site's copy of the contracts is 120,000 files).
    """

    path: str


Artifact = tuple[str, str | bytes]
#: What a writer takes: an artifact, or a path with the same content as one written before.
Written = tuple[str, str | bytes | SameAs]


def safe_relative(relative: str) -> PurePosixPath:
    """Refuse any artifact path that could land outside the output folder."""
    path = PurePosixPath(relative)
    if (
        not relative
        or path.is_absolute()
        or ".." in path.parts
        or "\\" in relative
        or any(part.startswith("~") or ":" in part for part in path.parts)
        or "\x00" in relative
    ):
        raise OutputError(f"refusing to write {relative!r}: it would leave the output folder")
    return path


def write_file(path: Path, content: str | bytes) -> None:
    """Write one file atomically (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_model_file(path: Path, content: str) -> None:
    """Write a file of the user's model atomically, with the mode a file of theirs has.

    :func:`write_file`'s temporary file is private (0600); a Turtle file an import writes or edits
    is the user's: an existing one keeps its mode, a new one gets what their umask gives.
    """
    umask = os.umask(0)
    os.umask(umask)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask
    write_file(path, content)
    path.chmod(mode)


_MANIFEST_TEXT = "arsitek output folder: arsitek replaces everything in it on the next build.\n"
_NEW, _OLD, _LOCK = "arsitek-new", "arsitek-old", "arsitek-lock"


class OutputTree:
    """A build's output folder, assembled in a staging folder beside it and swapped in only when complete.

    Parts can be written by forked children (:meth:`write_beside`) while this process prepares
    the next part. A failure anywhere, in this process or a child, throws the staging folder
    away and leaves the previous output as it was. Only a folder that is absent, empty or marked
    with :data:`MANIFEST` by an earlier build is ever replaced (:func:`arsitek.guard.check_target`),
    one build at a time, and a kill at any moment leaves the old or the new folder whole.
    """

    def __init__(self, target: Path, protect: Iterable[Path] = ()) -> None:
        self.given = target
        self.target = target.resolve()
        self.protect = tuple(protect)
        self.written = 0
        self._running: list[parallel.Running] = []
        self._staging = self.target
        self._lock: guard.Lock | None = None

    def __enter__(self) -> OutputTree:
        guard.check_target(self.given, self.protect)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._lock = guard.Lock(self.target.parent / f".{self.target.name}.{_LOCK}", self.given)
        try:
            guard.check_target(self.given, self.protect)  # again, now that no other build can change it
            _clean_stale(self.target)
            self._staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.{_NEW}-", dir=self.target.parent))
        except BaseException:
            self._lock.release()
            raise
        return self

    def write(self, artifacts: Iterable[Written]) -> None:
        self.written += _write_into(self._staging, artifacts)

    def write_beside(self, artifacts: Callable[[], Iterable[Written]]) -> None:
        """Write ``artifacts()`` from a forked child, starting now (on Linux; elsewhere, now and here)."""
        staging = self._staging
        self._running.append(parallel.start(lambda: _write_into(staging, artifacts())))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                while self._running:
                    self.written += self._running.pop(0).result()
                write_file(self._staging / MANIFEST, _MANIFEST_TEXT)
                _swap(self._staging, self.target)
        finally:
            for running in self._running:
                running.cancel()
            self._running.clear()
            shutil.rmtree(self._staging, ignore_errors=True)  # after a swap: the old output, under the staging name
            if self._lock is not None:
                self._lock.release()


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is; afterwards ``staging`` holds the old output (or nothing).

    Where the kernel can exchange two names in one step (Linux's renameat2), a kill at any moment
    leaves one whole folder at ``target``. Elsewhere the old folder is first renamed aside; a kill
    between the two renames is repaired by the next build (:func:`_clean_stale`).
    """
    if not target.exists():
        os.rename(staging, target)
    elif not guard.exchange(staging, target):
        old = target.parent / f".{target.name}.{_OLD}-{os.getpid()}"
        os.rename(target, old)
        os.rename(staging, target)
        os.rename(old, staging)


def _clean_stale(target: Path) -> None:
    """Remove what killed builds into ``target`` left beside it; called with the lock held, so none is running.

    A folder renamed aside by a build killed before it put the new one in place is put back first.
    """
    for path in sorted(target.parent.glob(f".{glob.escape(target.name)}.*")):
        kind = _LEFTOVER.fullmatch(path.name[len(target.name) + 2 :])
        if kind is None or not path.is_dir() or path.is_symlink():
            continue
        if kind["old"] and not os.path.lexists(target):
            os.rename(path, target)
        else:
            shutil.rmtree(path, ignore_errors=True)


#: The staging and backup folders' names after ``.TARGET.``: this release's, and arsitek 0.1's (``new-``, ``old-``).
_LEFTOVER = re.compile(rf"(?:{_NEW}|new)-[a-z0-9_]{{8}}|(?P<old>(?:{_OLD}|old)-\d+)")


def write_tree(
    target: Path,
    artifacts: Iterable[Written],
    beside: Callable[[], Iterable[Written]] | None = None,
    protect: Iterable[Path] = (),
) -> int:
    """Replace ``target`` with a folder holding exactly ``artifacts``; returns how many were written.

    ``beside`` yields more artifacts (with paths of their own) that a second process renders and
    writes at the same time, on Linux; the folder is swapped in only when both are complete.
    """
    with OutputTree(target, protect) as tree:
        if beside is not None:
            tree.write_beside(beside)
        tree.write(artifacts)
    return tree.written


def _write_into(staging: Path, artifacts: Iterable[Written]) -> int:
    count = 0
    root = staging.resolve()
    checked: set[str] = set()  # folders already resolved: a national site writes thousands of files per folder
    for relative, content in artifacts:
        destination = os.path.join(root, *safe_relative(relative).parts)
        folder = os.path.dirname(destination)
        if folder not in checked:
            os.makedirs(folder, exist_ok=True)
            if not Path(folder).resolve().is_relative_to(root):
                raise OutputError(f"refusing to write {relative!r}: it would leave the output folder")
            checked.add(folder)
        try:  # "x": the staging folder is new, so a file already there was written by this build
            if isinstance(content, SameAs):
                _link(os.path.join(root, *safe_relative(content.path).parts), destination)
            else:
                with open(destination, "xb") as handle:
                    handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        except FileExistsError:
            raise OutputError(f"two artifacts would both be written to {relative!r}") from None
        count += 1
    return count


def _link(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        with open(source, "rb") as original, open(destination, "xb") as copy:
            shutil.copyfileobj(original, copy)
