"""The one place that writes files: atomic, inside the output folder, never half-done.

A build is written to a temporary sibling folder and swapped in only when it
is complete, so a failed build leaves the previous good output untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from arsitek import parallel
from arsitek.errors import OutputError

Artifact = tuple[str, str | bytes]


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


def write_tree(
    target: Path, artifacts: Iterable[Artifact], beside: Callable[[], Iterable[Artifact]] | None = None
) -> int:
    """Replace ``target`` with a folder holding exactly ``artifacts``; returns how many were written.

    ``beside`` yields more artifacts (with paths of their own) that a second process renders and
    writes at the same time, on Linux; the folder is swapped in only when both are complete.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        if beside is None:
            count = _write_into(staging, artifacts)
        else:
            mine, theirs = parallel.beside(
                lambda: _write_into(staging, artifacts), lambda: _write_into(staging, beside())
            )
            count = mine + theirs
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            os.replace(target, old)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _write_into(staging: Path, artifacts: Iterable[Artifact]) -> int:
    count = 0
    root = staging.resolve()
    checked: set[Path] = set()  # folders already resolved: a national site writes thousands of files per folder
    for relative, content in artifacts:
        destination = staging.joinpath(*safe_relative(relative).parts)
        if destination.parent not in checked:
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.parent.resolve().is_relative_to(root):
                raise OutputError(f"refusing to write {relative!r}: it would leave the output folder")
            checked.add(destination.parent)
        if os.path.lexists(destination):  # the staging folder is new: anything here was written by this build
            raise OutputError(f"two artifacts would both be written to {relative!r}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        destination.write_bytes(data)
        count += 1
    return count
