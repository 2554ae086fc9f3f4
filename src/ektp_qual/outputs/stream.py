"""Tables written as they are produced, chunk by chunk, for corpora too big for memory.

Each table goes to a temporary file beside its target, one chunk appended after another
(the header once); ``TableStream.files`` hands the staged files to ``write_run``, which
puts them in place with the run's other files at once, as every run is written. A run
that stops half way leaves only temporary files, which the next run removes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from .export import STREAMING, _umask, csv_bytes


class TableStream:
    """CSV tables appended chunk by chunk into staged files in ``folder``."""

    def __init__(self, folder: str | Path, *, safe: bool = True) -> None:
        self.folder = Path(folder)
        self.safe = safe
        self._files: dict[str, tuple[Path, object]] = {}

    def add(self, name: str, table: pd.DataFrame) -> None:
        """Append the rows of ``table`` to ``<name>.csv`` (with the header the first time)."""
        data = csv_bytes(table, safe=self.safe)
        if name in self._files:
            data = data.split(b"\n", 1)[1] if b"\n" in data else b""
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, staged = tempfile.mkstemp(
                dir=self.folder, prefix=f".ektp-qual-{os.getpid()}-", suffix=".tmp"
            )
            self._files[name] = (Path(staged), os.fdopen(handle, "wb"))
            STREAMING.add(Path(staged).name)
        self._files[name][1].write(data)

    def files(self) -> dict[str, Path]:
        """The staged files, complete, by their file names (for ``write_run``)."""
        staged = {}
        for name, (path, out) in self._files.items():
            out.flush()
            os.fchmod(out.fileno(), 0o666 & ~_umask())
            os.fsync(out.fileno())
            out.close()
            staged[f"{name}.csv"] = path
        return staged

    def release(self) -> None:
        """Forget the staged files once ``write_run`` has them (put in place or pending)."""
        for path, _ in self._files.values():
            STREAMING.discard(path.name)
        self._files.clear()

    def discard(self) -> None:
        """Remove the staged files (the run stopped before they were put in place)."""
        for path, out in self._files.values():
            out.close()
            STREAMING.discard(path.name)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._files.clear()
