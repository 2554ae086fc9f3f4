"""Writing tables to disk: all or nothing, and never over a researcher's own file.

The output folder holds a manifest (``.ektp-qual-manifest.json``) that records, for
every file the tool wrote, its checksum and the run (command and time) that wrote it.
A file already in the folder is replaced only when the manifest says the tool wrote it
and its checksum shows nobody edited it since; otherwise the whole export stops before
anything is written. A run of a command also removes the files an earlier run of the
same command wrote there and this run does not write (an old ``comparison.csv``), unless
they were edited since. Files are written to temporary names first and renamed into
place once all of them are complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__
from .errors import InputError
from .review import ReviewFile

if TYPE_CHECKING:
    from .pipeline import Analysis

MANIFEST = ".ektp-qual-manifest.json"
#: The command recorded for files written through the Python API.
PYTHON_API = "python"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV without index or BOM; pandas, R and spreadsheets read it as is."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _damaged(folder: Path) -> InputError:
    return InputError(
        folder / MANIFEST,
        "the tool's manifest is damaged; remove it or choose another output folder",
    )


def _read_record(folder: Path) -> dict:
    """The manifest as stored, with every file's entry as a mapping.

    Manifests of earlier versions map each name to its checksum alone; their files are
    read as written by no particular command.
    """
    path = folder / MANIFEST
    if not path.exists():
        return {"files": {}}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        files = record["files"]
        if not isinstance(record, dict) or not isinstance(files, dict):
            raise TypeError
        entries = {}
        for name, entry in files.items():
            if isinstance(entry, str):
                entry = {"sha256": entry}
            if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
                raise TypeError
            entries[str(name)] = entry
        record["files"] = entries
        return record
    except (ValueError, KeyError, TypeError):
        raise _damaged(folder) from None


def _who(command: str | None) -> str:
    if command == PYTHON_API:
        return "the Python API"
    return f"'ektp-qual {command}'"


def check_writable(
    folder: str | Path, names: Iterable[str], command: str = PYTHON_API
) -> dict[str, str]:
    """Stop before any work when writing ``names`` into ``folder`` would be refused.

    Refused: a file the tool did not write, one edited since, and one another command
    wrote (a command's result is replaced only by a later run of the same command).

    Returns the checksums the folder's manifest records (empty for a new folder).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "the output path exists and is not a folder")
    entries = _read_record(folder)["files"] if folder.exists() else {}
    for name in names:
        target = folder / name
        if not target.exists():
            continue
        if target.is_dir():
            raise InputError(
                target, "is a folder where a file was to be written; nothing was written"
            )
        entry = entries.get(name)
        if entry is None:
            raise InputError(
                target,
                "already exists and was not written by ektp-qual; it was left untouched "
                "and nothing was written (move it, or choose another --out)",
            )
        if entry.get("command") not in (None, command):
            raise InputError(
                target,
                f"holds the result of {_who(entry['command'])} (run {entry.get('run')}); "
                f"{_who(command)} never replaces another command's result, so nothing was "
                "written (choose another --out, or move it)",
            )
        if _sha256(target.read_bytes()) != entry["sha256"]:
            raise InputError(
                target,
                "was edited since ektp-qual wrote it; it was left untouched and nothing "
                "was written (move it, or choose another --out)",
            )
    return {name: entry["sha256"] for name, entry in entries.items()}


@dataclass
class Run:
    """What one run did in its output folder."""

    command: str
    run: str
    written: list[Path] = field(default_factory=list)
    #: Files an earlier run of the same command wrote that this run removed.
    removed: list[Path] = field(default_factory=list)
    #: Files an earlier run of the same command wrote, edited since, so left in place.
    kept: list[Path] = field(default_factory=list)


def _run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _current_sha(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError):
        return None


def write_run(
    files: dict[str, bytes], folder: str | Path, command: str, *, prune: bool = True
) -> Run:
    """Write the files of one run of ``command`` into ``folder`` atomically.

    With ``prune``, the files an earlier run of the same command wrote into the folder and
    this run does not write are removed (unless edited since, when they are kept), so the
    folder never mixes the tables of two runs. The manifest records the command and the
    run that wrote each file.
    """
    folder = Path(folder)
    check_writable(folder, files, command)
    record = _read_record(folder) if folder.exists() else {"files": {}}
    entries: dict[str, dict] = record["files"]
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    result = Run(command=command, run=_run_id(now))
    stale: list[str] = []
    if prune:
        for name, entry in entries.items():
            if name in files or entry.get("command") != command:
                continue
            current = _current_sha(folder / name)
            if current == entry["sha256"]:
                stale.append(name)
            elif current is not None:
                result.kept.append(folder / name)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            staged.append((name, _stage(folder, data)))
        for name, data in files.items():
            entries[name] = {
                "sha256": _sha256(data),
                "command": command,
                "run": result.run,
                "written": now.isoformat(timespec="seconds"),
            }
        for name in stale:
            del entries[name]
        staged.append((MANIFEST, _stage(folder, _manifest_bytes(entries))))
        for name, tmp in staged:
            os.replace(tmp, folder / name)
        for name in stale:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
            result.removed.append(folder / name)
    finally:
        for _, tmp in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    result.written = [folder / name for name in files]
    return result


def _manifest_bytes(entries: dict[str, dict]) -> bytes:
    record = {"tool": "ektp-qual", "version": __version__, "files": dict(sorted(entries.items()))}
    return (json.dumps(record, indent=2) + "\n").encode()


def write_files(
    files: dict[str, bytes], folder: str | Path, *, command: str = PYTHON_API
) -> list[Path]:
    """Write named files into ``folder`` atomically; returns the paths written.

    Files the folder already holds are kept (see ``write_run`` to replace a whole run).
    """
    return write_run(files, folder, command, prune=False).written


def _stage(folder: Path, data: bytes) -> Path:
    """The data in a temporary file beside its target, with the permissions of a new file."""
    handle, name = tempfile.mkstemp(dir=folder, prefix=".ektp-qual-", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fchmod(out.fileno(), 0o666 & ~_umask())
        os.fsync(out.fileno())
    return Path(name)


def _umask() -> int:
    """The process umask (only readable by setting it, so it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_review(review: ReviewFile) -> Path:
    """Save a review file in one step: a killed process leaves the old file or the new one.

    The review file is the researcher's own: ``ReviewFile`` keeps every row and column
    they wrote, so saving it only ever adds or removes the tool's decisions.
    """
    if review.path is None:
        raise ValueError("the review file has no path")
    path = Path(review.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _stage(path.parent, review.to_text().encode("utf-8"))
    try:
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


#: The export formats and the file each writes (csv writes one file per table).
EXPORT_FORMATS = {
    "csv": "<table>.csv",
    "xlsx": "analysis.xlsx",
    "qdpx": "project.qdpx",
    "qdc": "codebook.qdc",
}


def export_files(
    analysis: Analysis, formats: Iterable[str], *, personal_data: bool = False
) -> dict[str, bytes]:
    """The files of each requested format, by name, ready for ``write_files``."""
    files: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "csv":
            files.update(
                {f"{name}.csv": csv_bytes(table) for name, table in analysis.tables().items()}
            )
        elif fmt == "xlsx":
            from .xlsx import workbook_bytes

            files[EXPORT_FORMATS[fmt]] = workbook_bytes(analysis)
        elif fmt == "qdpx":
            from .refi_export import project_qdpx

            files[EXPORT_FORMATS[fmt]] = project_qdpx(analysis, personal_data=personal_data)
        elif fmt == "qdc":
            from .refi_export import codebook_qdc

            files[EXPORT_FORMATS[fmt]] = codebook_qdc(analysis.codebook)
        else:
            raise ValueError(f"unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    return files


def export_names(analysis_tables: Iterable[str], formats: Iterable[str]) -> list[str]:
    """The file names the formats will write, to check the folder before any work."""
    names: list[str] = []
    for fmt in formats:
        if fmt == "csv":
            names += [f"{name}.csv" for name in analysis_tables]
        else:
            names.append(EXPORT_FORMATS[fmt])
    return names


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write each table as ``<name>.csv`` into ``folder`` (see the module's rules)."""
    return write_files({f"{name}.csv": csv_bytes(table) for name, table in tables.items()}, folder)
