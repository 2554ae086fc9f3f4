"""A REFI-QDA archive (``.qdpx``) read safely: in memory, never extracted, within a
number of entries and a total size, and with no path that leaves the archive."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from ..inputs import safexml
from ..model.errors import InputError

if TYPE_CHECKING:
    pass

_PRODUCERS = "REFI-QDA files"  # who writes these files, for messages
#: The most bytes read from one archive (the .qde and the text sources), uncompressed.
MAX_TOTAL_SIZE = 512 * 1024 * 1024
#: The most entries an archive may have.
MAX_ENTRIES = 50_000


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_entry(name: str) -> str | None:
    """Why a ZIP entry name is refused, or None."""
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return "has an absolute path"
    if ".." in path.split("/"):
        return "points outside the archive with '..' (a zip-slip attack)"
    return None


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


class _Archive:
    """A .qdpx read in memory: names checked once, every read bounded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise InputError(path, "no such file")
        if path.is_dir():
            raise InputError(path, "is a folder; give the .qdpx file a REFI-QDA export wrote")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise InputError(path, self._not_zip(exc)) from None
        except OSError as exc:
            raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
        try:
            self._check_entries()
        except InputError:
            self.zip.close()
            raise
        self.remaining = MAX_TOTAL_SIZE

    def _not_zip(self, exc: Exception) -> str:
        try:
            with self.path.open("rb") as handle:
                head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        except OSError:
            head = b""
        problem = "not a REFI-QDA project: not a ZIP archive"
        if head.startswith(b"<"):
            return (
                f"{problem} (it looks like bare XML; a .qdpx is a ZIP holding project.qde "
                "and a sources/ folder)"
            )
        return f"{problem} (a .qdpx is a ZIP file; this one is corrupt or something else: {exc})"

    def _check_entries(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(
                self.path,
                f"refused: the archive has {len(infos)} entries, more than the "
                f"{MAX_ENTRIES} this importer accepts",
            )
        for info in infos:
            problem = _unsafe_entry(info.filename)
            if problem:
                raise InputError(
                    self.path, f"refused: the archive entry {info.filename!r} {problem}"
                )
        self.files = [info for info in infos if not info.is_dir()]
        self.by_name = {info.filename: info for info in self.files}
        self.by_folded: dict[str, list[zipfile.ZipInfo]] = {}
        for info in self.files:
            self.by_folded.setdefault(info.filename.casefold(), []).append(info)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def project_file(self) -> zipfile.ZipInfo:
        """The single ``*.qde`` at the root of the archive."""
        qde = [i for i in self.files if i.filename.casefold().endswith(".qde")]
        top = [i for i in qde if "/" not in i.filename.replace("\\", "/")]
        if len(top) == 1:
            return top[0]
        if len(top) > 1:
            names = ", ".join(sorted(i.filename for i in top))
            raise InputError(
                self.path,
                f"not a valid REFI-QDA project: several project files ({names}) at the top of "
                "the archive; a .qdpx holds exactly one",
            )
        nested = ", ".join(sorted(i.filename for i in qde))
        hint = f" (found {nested} in a subfolder)" if nested else ""
        raise InputError(
            self.path,
            f"not a REFI-QDA project: no .qde project file at the top of the archive{hint}",
        )

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """An entry by exact name, else by a unique case-insensitive match."""
        if name in self.by_name:
            return self.by_name[name]
        found = self.by_folded.get(name.casefold(), [])
        return found[0] if len(found) == 1 else None

    def source_file(self, name: str) -> zipfile.ZipInfo | None:
        """An internal file: ``sources/NAME`` or ``Sources/NAME``, else ``NAME`` (any case)."""
        name = name.replace("\\", "/").lstrip("/")
        for candidate in (f"sources/{name}", f"Sources/{name}", name):
            if candidate in self.by_name:
                return self.by_name[candidate]
        for candidate in (f"sources/{name}", name):
            found = self.by_folded.get(candidate.casefold(), [])
            if len(found) == 1:
                return found[0]
        return None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The entry's bytes, within the size budget (checked before and while reading)."""
        if info.file_size > self.remaining:
            raise self._too_large(info)
        try:
            with self.zip.open(info) as handle:
                data = handle.read(self.remaining + 1)
        except RuntimeError as exc:  # encrypted
            raise InputError(
                self.path, f"cannot read {info.filename!r}: {exc} (encrypted archives are not read)"
            ) from None
        except NotImplementedError as exc:
            raise InputError(
                self.path, f"cannot read {info.filename!r}: {exc} (compression not supported)"
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise InputError(
                self.path, f"the archive is corrupt: cannot read {info.filename!r} ({exc})"
            ) from None
        if len(data) > self.remaining:
            raise self._too_large(info)
        self.remaining -= len(data)
        return data

    def parse(self, info: zipfile.ZipInfo) -> Element:
        """An XML entry's root, parsed as it is inflated, within the size budget."""
        if info.file_size > self.remaining:
            raise self._too_large(info)
        root = safexml.parse_member(self.zip, info, self.path, producers=_PRODUCERS)
        assert root is not None  # kept: parse_member returns the root
        self.remaining -= info.file_size
        return root

    def _too_large(self, info: zipfile.ZipInfo) -> InputError:
        return InputError(
            self.path,
            f"refused: {info.filename!r} ({_mib(info.file_size)} by its header) would take "
            f"the data read from the archive beyond {_mib(MAX_TOTAL_SIZE)} uncompressed "
            "(a size limit against ZIP bombs)",
        )
