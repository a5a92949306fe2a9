"""Each side of a diff as a folder of Turtle files: a git revision extracted, or a folder as it is.

A revision is read with ``git archive`` into a temporary folder (extracted with tarfile's ``data``
filter, so no member can land outside it); the user's work tree and index are never touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from arsitek.errors import UsageError


@dataclass(frozen=True)
class Side:
    """A side as a folder, and what to call it in reports (``main``, ``HEAD~1``, ``model/``)."""

    folder: Path
    name: str


def _git(repo: Path, *args: str, binary: bool = False) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed: give two folders to compare instead of revisions") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return done.stdout


def repository_of(path: Path) -> tuple[Path, str]:
    """The repository holding ``path``, and ``path`` relative to its top (``model``)."""
    folder = path if path.is_dir() else path.parent
    top = Path(_git(folder.resolve(), "rev-parse", "--show-toplevel").decode().strip())
    return top, path.resolve().relative_to(top).as_posix()


@contextmanager
def materialised(spec: str, model: Path) -> Iterator[Side]:
    """``spec`` as a folder: itself when it is one, else revision ``spec`` of ``model``'s repository."""
    if Path(spec).is_dir():
        yield Side(Path(spec), spec)
        return
    top, inside = repository_of(model)
    _git(top, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="arsitek-diff-") as scratch:
        root = Path(scratch)
        listed = _git(top, "ls-tree", "-r", "--name-only", spec, "--", inside).decode().splitlines()
        if listed:
            archive = _git(top, "archive", "--format=tar", spec, "--", inside, binary=True)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(root, filter="data")
        folder = root / inside
        folder.mkdir(parents=True, exist_ok=True)  # a model that did not exist yet at that revision: empty
        yield Side(folder, spec)
