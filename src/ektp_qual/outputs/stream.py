"""Tables written as they are produced, chunk by chunk, for corpora too big for memory.

Each table goes to a temporary file beside its target, one chunk appended after another
(a CSV's header once; a Parquet file gets a row group per chunk); ``TableStream.files``
hands the staged files to ``write_run``, which puts them in place with the run's other
files at once, as every run is written. A run that stops half way leaves only
temporary files, which the next run removes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from .export import STREAMING, _umask, csv_bytes


class TableStream:
    """Tables appended chunk by chunk into staged files in ``folder``, in each of
    ``formats`` (``csv``, ``parquet``)."""

    def __init__(
        self, folder: str | Path, *, safe: bool = True, formats: tuple[str, ...] = ("csv",)
    ) -> None:
        self.folder = Path(folder)
        self.safe = safe
        self.formats = formats
        self._files: dict[str, tuple[Path, object]] = {}

    def _staged(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, staged = tempfile.mkstemp(
            dir=self.folder, prefix=f".ektp-qual-{os.getpid()}-", suffix=".tmp"
        )
        STREAMING.add(Path(staged).name)
        return Path(staged), os.fdopen(handle, "wb")

    def add(self, name: str, table: pd.DataFrame) -> None:
        """Append the rows of ``table`` to ``<name>.csv`` (with the header the first time)
        and to ``<name>.parquet``, as the formats ask."""
        if "csv" in self.formats:
            file_name = f"{name}.csv"
            data = csv_bytes(table, safe=self.safe)
            if file_name in self._files:
                data = data.split(b"\n", 1)[1] if b"\n" in data else b""
            else:
                self._files[file_name] = self._staged()
            self._files[file_name][1].write(data)
        if "parquet" in self.formats:
            from .parquet import ParquetAppender

            file_name = f"{name}.parquet"
            if file_name not in self._files:
                path, handle = self._staged()
                handle.close()
                self._files[file_name] = (path, ParquetAppender(path))
            self._files[file_name][1].add(table)

    def files(self) -> dict[str, Path]:
        """The staged files, complete, by their file names (for ``write_run``)."""
        for path, out in self._files.values():
            out.close()
            os.chmod(path, 0o666 & ~_umask())
            with open(path, "rb") as done:
                os.fsync(done.fileno())
        return {name: path for name, (path, _) in self._files.items()}

    def release(self) -> None:
        """Forget the staged files once ``write_run`` has them (put in place or pending)."""
        for path, _ in self._files.values():
            STREAMING.discard(path.name)
        self._files.clear()

    def discard(self) -> None:
        """Remove the staged files (the run stopped before they were put in place)."""
        for path, out in self._files.values():
            with contextlib.suppress(Exception):
                out.close()
            STREAMING.discard(path.name)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._files.clear()
