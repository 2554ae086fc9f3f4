"""Writing tables to disk: all or nothing, and never over a researcher's own file.

The output folder holds a manifest (``.ektp-qual-manifest.json``) that records, for
every file the tool wrote, its checksum and the run (command and time) that wrote it.
A file already in the folder is replaced only when the manifest says the tool wrote it
and its checksum shows nobody edited it since; otherwise the whole export stops before
anything is written. A run of a command also removes the files an earlier run of the
same command wrote there and this run does not write (an old ``comparison.csv``), unless
they were edited since. Files are written to temporary names first and renamed into
place once all of them are complete; the manifest records the run as pending before the
renames, so that a run stopped between them is finished by the next (``recover``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import __version__
from ..inputs.locking import locked
from ..inputs.review_file import ReviewFile, read_review, review_target
from ..inputs.spreadsheet import table_csv_text
from ..language.privacy import shared_codebook
from ..model.errors import InputError

if TYPE_CHECKING:
    from ..model.results import Analysis

MANIFEST = ".ektp-qual-manifest.json"
#: The command recorded for files written through the Python API.
PYTHON_API = "python"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_of(data: bytes | Path) -> str:
    """The checksum of the data, or of a staged file's content, read in blocks."""
    if not isinstance(data, Path):
        return _sha256(data)
    digest = hashlib.sha256()
    with open(data, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def csv_bytes(table: pd.DataFrame, *, safe: bool = True) -> bytes:
    """UTF-8 CSV without index or BOM; pandas, R and spreadsheets read it as is.

    ``safe`` (the default) quotes text cells a spreadsheet would run as a formula, the
    OWASP way (see ``inputs.spreadsheet``); ``safe=False`` writes every cell's text as it is,
    for R and pandas. Numbers are formatted by pandas either way.
    """
    return table_csv_text(table, safe=safe).encode("utf-8")


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
            entries[_plain(name)] = entry
        record["files"] = entries
        if "pending" in record:
            _check_pending(record["pending"])
        return record
    except (ValueError, KeyError, TypeError):
        raise _damaged(folder) from None


def _plain(name: object) -> str:
    """A file name of the folder itself: a manifest never names a file elsewhere."""
    if not isinstance(name, str) or name in ("", ".", "..") or Path(name).name != name:
        raise TypeError
    return name


def _check_pending(pending: object) -> None:
    """A pending run names its command, run, time, staged files and files to remove."""
    if not isinstance(pending, dict):
        raise TypeError
    for key in ("command", "run", "written"):
        if not isinstance(pending[key], str):
            raise TypeError
    if not isinstance(pending["write"], dict) or not isinstance(pending["remove"], dict):
        raise TypeError
    for name, intended in pending["write"].items():
        _plain(name)
        staged = _plain(intended["staged"])
        if not isinstance(intended["sha256"], str) or not _STAGED.fullmatch(staged):
            raise TypeError
    for name, sha in pending["remove"].items():
        _plain(name)
        if not isinstance(sha, str):
            raise TypeError


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

    A run that an earlier one left unfinished is finished first (see ``recover``).
    Returns the checksums the folder's manifest records (empty for a new folder).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "the output path exists and is not a folder")
    recover(folder)
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
    files: dict[str, bytes | Path], folder: str | Path, command: str, *, prune: bool = True
) -> Run:
    """Write the files of one run of ``command`` into ``folder`` as one set.

    With ``prune``, the files an earlier run of the same command wrote into the folder and
    this run does not write are removed (unless edited since, when they are kept), so the
    folder never mixes the tables of two runs. The manifest records the command and the
    run that wrote each file.

    The set switches at once: every file is staged under a temporary name, then the
    manifest records the run as pending (the files to put in place, with their checksums,
    and the files to remove), then the renames happen, then the manifest records the
    run as done. A run stopped between the two manifests is finished by the next one
    (see ``recover``). A file given as a ``Path`` is already staged in the folder (a table
    written as it was produced, see ``outputs.stream``).
    """
    folder = Path(folder)
    check_writable(folder, files, command)
    record = _read_record(folder) if folder.exists() else {"files": {}}
    entries: dict[str, dict] = record["files"]
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    result = Run(command=command, run=_run_id(now))
    stale: dict[str, str] = {}
    if prune:
        for name, entry in entries.items():
            if name in files or entry.get("command") != command:
                continue
            current = _current_sha(folder / name)
            if current == entry["sha256"]:
                stale[name] = current
            elif current is not None:
                result.kept.append(folder / name)
    staged: dict[str, Path] = {}
    try:
        for name, data in files.items():
            mode = _mode_of(folder / name)
            if isinstance(data, Path):
                if mode is not None:
                    data.chmod(mode)
                staged[name] = data
            else:
                staged[name] = _stage(folder, data, mode)
        record["pending"] = {
            "command": command,
            "run": result.run,
            "written": now.isoformat(timespec="seconds"),
            "write": {
                name: {"sha256": _sha256_of(data), "staged": staged[name].name}
                for name, data in files.items()
            },
            "remove": stale,
        }
        _save_record(folder, record)
    except BaseException:
        for tmp in staged.values():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    result.removed = [folder / name for name in _finish(folder, record, verify=False)]
    result.written = [folder / name for name in files]
    return result


def _finish(folder: Path, record: dict, *, verify: bool) -> list[str]:
    """Put the pending run's staged files in place, remove its stale files, and record it
    as done; returns the names removed.

    ``verify`` (when finishing a run another process began) renames a staged file only
    over the file the manifest still describes, and removes only unedited files.
    """
    pending = record.pop("pending")
    entries: dict[str, dict] = record["files"]
    stamp = {key: pending[key] for key in ("command", "run", "written")}
    for name, intended in pending["write"].items():
        target, staged = folder / name, folder / intended["staged"]
        if verify:
            previous = entries.get(name, {}).get("sha256")
            if staged.is_file() and _current_sha(target) in (None, previous):
                os.replace(staged, target)
            if _current_sha(target) != intended["sha256"]:
                continue
        else:
            os.replace(staged, target)
        entries[name] = {"sha256": intended["sha256"], **stamp}
    removed = []
    for name, sha in pending["remove"].items():
        target = folder / name
        if _current_sha(target) == sha:
            target.unlink()
        if not target.exists():
            entries.pop(name, None)
            removed.append(name)
    _save_record(folder, record)
    return removed


def recover(folder: str | Path) -> list[str]:
    """Finish a run that stopped between its renames, and remove the temporary files that
    killed or failed runs left; returns what was done, in words.

    A run killed or failed after recording itself as pending left some new files in place
    and some old ones: its staged files are put in place now, so the folder holds the
    whole set of that run. A pending run whose process still runs is left to finish.
    Temporary files (``.ektp-qual-*.tmp``) of runs that are no longer running are
    removed, however large.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    done: list[str] = []
    record = _read_record(folder)
    pending = record.get("pending")
    staged = [folder / intended["staged"] for intended in (pending or {}).get("write", {}).values()]
    if pending and not any(path.exists() and not _abandoned(path) for path in staged):
        _finish(folder, record, verify=True)
        done.append(
            f"finished the run {pending['run']} of {_who(pending['command'])}, which stopped "
            "before all its files were in place"
        )
    leftovers = [
        path
        for path in folder.glob(".ektp-qual-*.tmp")
        if path.is_file() and not path.is_symlink() and _abandoned(path)
    ]
    size = 0
    for path in leftovers:
        with contextlib.suppress(FileNotFoundError):
            size += path.stat().st_size
            path.unlink()
    if leftovers:
        done.append(
            f"removed {len(leftovers)} temporary file{'s' * (len(leftovers) != 1)} "
            f"({size / 1e6:.1f} MB) left by a run that was killed or failed"
        )
    return done


#: Staged files this process is still writing, chunk by chunk (``outputs.stream``): not
#: left over, though their process is this one.
STREAMING: set[str] = set()
_STAGED = re.compile(r"\.ektp-qual-(\d+)-[^/]*\.tmp")
#: A temporary file this old is abandoned, whatever process has its number now.
_ABANDONED_AFTER = 24 * 3600


def _abandoned(path: Path) -> bool:
    """Whether a temporary file belongs to no running ektp-qual: its process (named in
    the file's name) has ended, or it is a day old, or an earlier version wrote it."""
    match = _STAGED.fullmatch(path.name)
    if match is None:
        return True
    with contextlib.suppress(FileNotFoundError):
        if time.time() - path.stat().st_mtime > _ABANDONED_AFTER:
            return True
    pid = int(match.group(1))
    if pid == os.getpid():
        return path.name not in STREAMING
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such number)
        return True
    except PermissionError:  # another user's process
        return False
    return False


def _save_record(folder: Path, record: dict) -> None:
    """Replace the manifest in one step."""
    data = {
        "tool": "ektp-qual",
        "version": __version__,
        "files": dict(sorted(record["files"].items())),
    }
    if "pending" in record:
        data["pending"] = record["pending"]
    tmp = _stage(folder, (json.dumps(data, indent=2) + "\n").encode())
    try:
        os.replace(tmp, folder / MANIFEST)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_files(
    files: dict[str, bytes], folder: str | Path, *, command: str = PYTHON_API
) -> list[Path]:
    """Write named files into ``folder`` atomically; returns the paths written.

    Files the folder already holds are kept (see ``write_run`` to replace a whole run).
    """
    return write_run(files, folder, command, prune=False).written


def _stage(folder: Path, data: bytes, mode: int | None = None) -> Path:
    """The data in a temporary file beside its target, with the permissions of a new file
    (or ``mode``, the permissions of the file it will replace)."""
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".ektp-qual-{os.getpid()}-", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fchmod(out.fileno(), 0o666 & ~_umask() if mode is None else mode)
        os.fsync(out.fileno())
    return Path(name)


def _mode_of(target: Path) -> int | None:
    """The permissions of the file a new one replaces, so that a table the researcher made
    private (``chmod 600``, it quotes informants) stays private when it is written again."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def _umask() -> int:
    """The process umask (only readable by setting it, so it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_review(review: ReviewFile) -> Path:
    """Save a review file in one step: a killed process leaves the old file or the new one.

    The review file is the researcher's own: ``ReviewFile`` keeps every row and column
    they wrote, so saving it only ever adds or removes the tool's decisions, keeps its
    permissions (a file only its owner may read stays so), and, through a symbolic
    link, saves into the file the link points to.
    """
    if review.path is None:
        raise ValueError("the review file has no path")
    path = review_target(review.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    tmp = _stage(path.parent, review.to_text().encode("utf-8"), mode)
    try:
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


def update_review(path: str | Path, change: Callable[[ReviewFile], ReviewFile]) -> Path:
    """Read a review file, change it and save it, holding the file's lock throughout.

    Two sessions saving to one file at once then take turns, and each reads the other's
    decisions before adding its own: none is written away.
    """
    with locked(review_target(path)):
        return write_review(change(read_review(path)))


#: The export formats and the file each writes (csv writes one file per table).
EXPORT_FORMATS = {
    "csv": "<table>.csv",
    "xlsx": "analysis.xlsx",
    "qdpx": "project.qdpx",
    "qdc": "codebook.qdc",
    "taguette": "codebook.csv",
    "parquet": "<table>.parquet",
}


def export_files(
    analysis: Analysis,
    formats: Iterable[str],
    *,
    safe_csv: bool = True,
    offsets: str = "codepoints",
) -> dict[str, bytes]:
    """The files of each requested format, by name, ready for ``write_files``.

    ``safe_csv=False`` writes the CSV tables' text raw (see ``csv_bytes``); ``offsets``
    is how the qdpx counts selection offsets (``refi.qdaxml.OFFSETS``).
    """
    files: dict[str, bytes] = {}
    book = shared_codebook(analysis.codebook, analysis.reduction.masker)  # names masked
    for fmt in formats:
        if fmt == "csv":
            files.update(
                {
                    f"{name}.csv": csv_bytes(table, safe=safe_csv)
                    for name, table in analysis.tables().items()
                }
            )
        elif fmt == "parquet":
            from .parquet import parquet_bytes

            files.update(
                {
                    f"{name}.parquet": parquet_bytes(table)
                    for name, table in analysis.tables().items()
                }
            )
        elif fmt == "xlsx":
            from .xlsx import workbook_bytes

            files[EXPORT_FORMATS[fmt]] = workbook_bytes(analysis)
        elif fmt == "qdpx":
            from ..refi.exporter import project_qdpx

            files[EXPORT_FORMATS[fmt]] = project_qdpx(analysis, offsets=offsets)
        elif fmt == "qdc":
            from ..refi.exporter import codebook_qdc

            files[EXPORT_FORMATS[fmt]] = codebook_qdc(book)
        elif fmt == "taguette":
            from ..refi.codebooks import taguette_csv

            files[EXPORT_FORMATS[fmt]] = taguette_csv(book)
        else:
            raise ValueError(f"unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    return files


def export_names(analysis_tables: Iterable[str], formats: Iterable[str]) -> list[str]:
    """The file names the formats will write, to check the folder before any work."""
    names: list[str] = []
    for fmt in formats:
        if fmt in ("csv", "parquet"):
            names += [f"{name}.{fmt}" for name in analysis_tables]
        else:
            names.append(EXPORT_FORMATS[fmt])
    return names


def write_tables(
    tables: dict[str, pd.DataFrame], folder: str | Path, *, safe: bool = True
) -> list[Path]:
    """Write each table as ``<name>.csv`` into ``folder`` (see the module's rules).

    ``safe=False`` writes text cells raw instead of safe for spreadsheets (``csv_bytes``).
    """
    files = {f"{name}.csv": csv_bytes(table, safe=safe) for name, table in tables.items()}
    return write_files(files, folder)
