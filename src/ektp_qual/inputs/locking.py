"""An exclusive lock held across a read-modify-write, so that two processes changing one
file one after the other both keep their changes.

Two review sessions on one review file each read the file, add a decision and replace
the file; without a lock, a session that read before the other replaced the file
writes the other's decision away. The lock is a small file beside the one it guards
(``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows); it is left in place,
since removing a lock file that another process is waiting on would let a third in.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None  # type: ignore[assignment]


def lock_path(path: str | Path) -> Path:
    """The lock file guarding ``path``: a hidden file beside it (``.review.csv.lock``)."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold the lock guarding ``path`` for the block, waiting for another holder."""
    with open(lock_path(path), "a+b") as handle:
        _acquire(handle)
        try:
            yield
        finally:
            _release(handle)


def _acquire(handle: BinaryIO) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    elif msvcrt is not None:
        while True:  # LK_LOCK gives up after ten seconds; a long save is still a wait
            handle.seek(0)
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError as error:
                if error.errno not in (errno.EACCES, errno.EDEADLOCK):
                    raise


def _release(handle: BinaryIO) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    elif msvcrt is not None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def hold_without_waiting(path: str | Path) -> BinaryIO | None:
    """Take the lock file ``path`` for as long as the returned handle stays open, or
    return None at once when another process holds it: what keeps a second long-running
    program (a workbench) off a file one is already serving."""
    handle = open(path, "a+b")  # noqa: SIM115 - the open handle is the lock
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        handle.close()
        return None
    return handle
