"""Writing tables to disk: all or nothing, and never over a researcher's own file.

The output folder holds a manifest (``.ektp-qual-manifest.json``) with the checksum of
every file the tool wrote. A file already in the folder is replaced only when the
manifest says the tool wrote it and its checksum shows nobody edited it since; otherwise
the whole export stops before anything is written. Files are written to temporary
names first and renamed into place once all of them are complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__
from .errors import InputError
from .review import ReviewFile

if TYPE_CHECKING:
    from .pipeline import Analysis

MANIFEST = ".ektp-qual-manifest.json"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV without index or BOM; pandas, R and spreadsheets read it as is."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _read_manifest(folder: Path) -> dict[str, str]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError):
        raise InputError(
            path, "the tool's manifest is damaged; remove it or choose another output folder"
        ) from None


def check_writable(folder: str | Path, names: Iterable[str]) -> dict[str, str]:
    """Stop before any work when writing ``names`` into ``folder`` would be refused.

    Returns the folder's manifest (empty for a new folder).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "the output path exists and is not a folder")
    manifest = _read_manifest(folder) if folder.exists() else {}
    for name in names:
        target = folder / name
        if not target.exists():
            continue
        if name not in manifest:
            raise InputError(
                target,
                "already exists and was not written by ektp-qual; it was left untouched "
                "and nothing was written (move it, or choose another --out)",
            )
        if _sha256(target.read_bytes()) != manifest[name]:
            raise InputError(
                target,
                "was edited since ektp-qual wrote it; it was left untouched and nothing "
                "was written (move it, or choose another --out)",
            )
    return manifest


def write_files(files: dict[str, bytes], folder: str | Path) -> list[Path]:
    """Write named files into ``folder`` atomically; returns the paths written."""
    folder = Path(folder)
    manifest = check_writable(folder, files)
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            staged.append((name, _stage(folder, data)))
        for name, data in files.items():
            manifest[name] = _sha256(data)
        record = {
            "tool": "ektp-qual",
            "version": __version__,
            "files": dict(sorted(manifest.items())),
        }
        staged.append((MANIFEST, _stage(folder, (json.dumps(record, indent=2) + "\n").encode())))
        for name, tmp in staged:
            os.replace(tmp, folder / name)
    finally:
        for _, tmp in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return [folder / name for name in files]


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
    "taguette": "codebook.csv",
}


def export_files(
    analysis: Analysis,
    formats: Iterable[str],
    *,
    personal_data: bool = False,
    offsets: str = "codepoints",
) -> dict[str, bytes]:
    """The files of each requested format, by name, ready for ``write_files``.

    ``offsets`` is how the qdpx counts selection offsets (``refi_export.OFFSETS``).
    """
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

            files[EXPORT_FORMATS[fmt]] = project_qdpx(
                analysis, personal_data=personal_data, offsets=offsets
            )
        elif fmt == "qdc":
            from .refi_export import codebook_qdc

            files[EXPORT_FORMATS[fmt]] = codebook_qdc(analysis.codebook)
        elif fmt == "taguette":
            from .codebook_exchange import taguette_csv

            files[EXPORT_FORMATS[fmt]] = taguette_csv(analysis.codebook)
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
