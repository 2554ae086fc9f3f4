"""Tables written as they are produced, chunk by chunk, for corpora too big for memory.

Each table goes to a temporary file beside its target, one chunk appended after another
(a CSV's header once; a Parquet file gets a row group per chunk); ``TableStream.files``
hands the staged files to ``write_run``, which puts them in place with the run's other
files at once, as every run is written. A run that stops half way leaves only
temporary files, which the next run removes.

The CSV rows may come already formatted (``csv_bytes`` run in a worker process), so
that the process writing only appends bytes. ``KeyedParts`` keeps the rows of a table
that must come out grouped (the checklist matrix, informants by role) on disk, one file
per group, until the groups' order is known. ``write_sorted_run`` and ``merged_runs``
sort a table bigger than memory: each chunk's rows sorted and kept on disk, then merged.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
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

    def add(
        self, name: str, table: pd.DataFrame | None = None, *, csv: bytes | None = None
    ) -> None:
        """Append the rows of ``table`` to ``<name>.csv`` (with the header the first time)
        and to ``<name>.parquet``, as the formats ask; ``csv``: the table's CSV, already
        made by ``csv_bytes`` with this stream's quoting (``table`` is then needed for
        Parquet only)."""
        if "csv" in self.formats:
            self.add_csv(name, csv if csv is not None else csv_bytes(table, safe=self.safe))
        if "parquet" in self.formats:
            self.add_parquet(name, table)

    def add_csv(self, name: str, data: bytes, *, header: bool = True) -> None:
        """Append CSV bytes to ``<name>.csv``; ``header``: they begin with the header
        line, kept only the first time."""
        file_name = f"{name}.csv"
        if file_name not in self._files:
            self._files[file_name] = self._staged()
        elif header:
            data = data.split(b"\n", 1)[1] if b"\n" in data else b""
        self._files[file_name][1].write(data)

    def add_parquet(self, name: str, table: pd.DataFrame) -> None:
        """Append ``table`` to ``<name>.parquet`` as one row group."""
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


#: Bytes of a group's CSV copied at a time into the table's staged file.
_BLOCK = 8 * 1024 * 1024


class KeyedParts:
    """Parts of a table kept on disk by group until all are known, then written group
    after group, in order of each group's first part (``drain``): a table grouped by
    role, with the roles in the order they appear, can be streamed without holding its
    rows in memory."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="ektp-qual-parts-")
        self._keys: dict[object, int] = {}

    def add(self, key: object, csv: bytes | None = None, table: pd.DataFrame | None = None) -> None:
        """Keep a part of group ``key``: its CSV (with the header) and/or its rows."""
        number = self._keys.setdefault(key, len(self._keys))
        folder = Path(self._folder.name)
        if csv is not None:
            with open(folder / f"{number}.csv", "ab") as handle:
                handle.write(csv if handle.tell() == 0 else csv.split(b"\n", 1)[-1])
        if table is not None:
            with open(folder / f"{number}.pkl", "ab") as handle:
                pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def drain(self, stream: TableStream, name: str) -> None:
        """Write every part into ``stream``'s ``name`` table, group after group."""
        folder = Path(self._folder.name)
        for number in self._keys.values():
            if (folder / f"{number}.csv").exists():
                with open(folder / f"{number}.csv", "rb") as handle:
                    first = True
                    while block := handle.read(_BLOCK):
                        stream.add_csv(name, block, header=first)
                        first = False
            if (folder / f"{number}.pkl").exists():
                with open(folder / f"{number}.pkl", "rb") as handle:
                    while True:
                        try:
                            table = pickle.load(handle)  # this run wrote it
                        except EOFError:
                            break
                        stream.add_parquet(name, table)

    def cleanup(self) -> None:
        """Remove the parts' folder."""
        self._folder.cleanup()


#: Rows of a sorted run pickled together: a merge of hundreds of runs holds one block of
#: each in memory, so a block stays small.
_RUN_BLOCK = 200


def write_sorted_run(table: pd.DataFrame, path: str | Path) -> None:
    """Keep ``table``, already in its final order, on disk as one run of a merge
    (``merged_runs``): its columns and types, then its rows in small blocks."""
    with open(path, "wb") as handle:
        pickle.dump((list(table.columns), table.dtypes.to_dict()), handle, pickle.HIGHEST_PROTOCOL)
        # Column by column: iterating rows of Arrow-backed text cell by cell costs several
        # times what each column's ``tolist`` does, for the same Python values.
        rows = zip(*(table.iloc[:, k].tolist() for k in range(table.shape[1])), strict=True)
        while block := list(itertools.islice(rows, _RUN_BLOCK)):
            pickle.dump(block, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _run_rows(path: Path) -> Iterator[tuple]:
    with open(path, "rb") as handle:
        pickle.load(handle)  # the columns, read by merged_runs
        while True:
            try:
                yield from pickle.load(handle)  # this run wrote it
            except EOFError:
                return


def merged_runs(
    paths: list[Path],
    key: Callable[[tuple], object],
    keep: Callable[[tuple], bool] | None = None,
    rows: int = 20_000,
) -> Iterator[pd.DataFrame]:
    """The rows of sorted runs (``write_sorted_run``) merged by ``key``, those ``keep``
    allows, as tables of at most ``rows`` rows with the runs' columns and types.

    On equal keys the earlier run's rows come first, each run's in its order: the
    runs one after another, sorted by ``key`` with a stable sort, give the same rows.
    Memory holds a block of each run and one table, however long the runs.
    """
    columns, types = [], {}
    for path in paths[:1]:
        with open(path, "rb") as handle:
            columns, types = pickle.load(handle)
    merged = heapq.merge(*(_run_rows(path) for path in paths), key=key)
    if keep is not None:
        merged = filter(keep, merged)
    while block := list(itertools.islice(merged, rows)):
        yield pd.DataFrame.from_records(block, columns=columns).astype(types)
