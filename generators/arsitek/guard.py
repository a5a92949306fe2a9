"""What an output folder must be before arsitek replaces it, and the means to replace it safely.

arsitek deletes nothing it did not write. A build replaces its output folder
whole, so the folder must be absent, empty, or one an earlier build marked with
its manifest; it must not be a link, a mount point, or hold, be or sit inside
the model being built. One build writes to a folder at a time.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import sys
from pathlib import Path

from arsitek.errors import OutputError

MANIFEST = ".arsitek-output"
"""Written into every output folder by every build: only a folder holding it (or an empty one) is replaced."""


def _refuse(given: Path, why: str, what_to_do: str) -> OutputError:
    return OutputError(f"refusing to write to {given}: {why}; {what_to_do}")


def check_target(given: Path, protect: tuple[Path, ...] = ()) -> None:
    """Raise :class:`OutputError` unless ``given`` is a folder a build may replace (see the module docstring)."""
    if str(given).strip() in ("", ".") or given.resolve() == Path.cwd().resolve():
        raise _refuse(Path.cwd(), "it is the current folder", "name a folder of its own, such as -o build")
    if given.is_symlink():
        raise _refuse(given, "it is a symbolic link", "arsitek never follows a link out of its output folder")
    target = given.resolve()
    if target == Path(target.anchor) or target == Path.home().resolve():
        raise _refuse(given, "it is the root or your home folder", "name a folder of its own, such as -o build")
    for path in protect:
        inside = path.resolve()
        if inside == target or inside.is_relative_to(target):
            raise _refuse(given, f"it holds the model being built ({path})", "write the output somewhere else")
        if target.is_relative_to(inside):
            raise _refuse(given, f"it is inside the model being built ({path})", "write the output outside it")
    if not target.exists():
        return
    if not target.is_dir():
        raise _refuse(given, "it is a file, not a folder", "name a folder")
    if is_mount_point(target):
        raise _refuse(
            given,
            "it is a mount point, which cannot be replaced in one step",
            f"build into a folder inside it, such as -o {given / 'build'}",
        )
    marker = target / MANIFEST
    if marker.is_file() and not marker.is_symlink():
        return
    if any(target.iterdir()):
        raise _refuse(
            given,
            f"it holds files arsitek did not write (no {MANIFEST} from an earlier build)",
            "give a new or empty folder, or empty this one yourself",
        )


def is_mount_point(path: Path) -> bool:
    """Whether ``path`` is mounted on (a container volume or a bind mount on the same disk too)."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
            points = {_unescape(line.split()[4]) for line in mounts if len(line.split()) > 4}
    except OSError:
        return False
    return str(path) in points


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in a path as octal escapes (``\\040``)."""
    return field.encode().decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


class Lock:
    """One build at a time per output folder: an advisory lock on a small file beside it, removed when done.

    A build that finds the lock held is refused at once, naming the process that holds it. The file
    is removed before the lock is released; whoever locked a file that was removed meanwhile tries again
    on the new one, so two builds never both hold it. A killed build leaves the file, unlocked.
    """

    def __init__(self, path: Path, given: Path) -> None:
        self._path = path
        self._fd = -1
        while self._fd < 0:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                os.close(fd)
                raise OutputError(
                    f"another arsitek build is writing to {given} (process {holder or 'unknown'}); "
                    "wait for it to finish, then run again"
                )
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
            else:
                os.close(fd)
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def release(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                self._path.unlink()
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # no advisory locks there; the staging folder is still private to each build
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
