"""Importing a REFI-QDA project (``.qdpx``): another tool's human coding as a review file.

``ektp-qual import PROJECT.qdpx`` reads a project exported by NVivo, ATLAS.ti, MAXQDA,
QualCoder or ektp-qual itself and turns its codings into the review-file form of
``ektp_qual.review``: one ``add`` per informant sentence a coding touches. The coding a
researcher did in another tool can then be analysed (``ektp-qual code --review``) or
compared with the automatic coder or with another coder (``ektp-qual agree``).

Two steps:

* ``read_qdpx(path)`` reads the archive into a ``QdaProject``: users, codes, text sources,
  cases, and a ``selections`` table (one row per selection and code) whose ``start``/``end``
  are 0-based code-point offsets, end-exclusive, into the source text as returned (BOM
  removed, ``\\n`` line ends), whatever convention the producing tool used (``CONVENTIONS``;
  NVivo counts UTF-16 units, ATLAS.ti counts a CRLF as one). Selection names that quote
  the text are used to check the convention, and to find it when the origin is unknown.
* ``to_review(project, reduction)`` maps sources onto transcripts, codes onto criteria
  and polarities (``code_meaning``), and selections onto the segments they overlap.

Nothing is lost silently: what cannot be mapped stays in ``ImportResult.codings`` with a
``status`` saying why, and is reported in the notices.

Hostile files are refused with one ``InputError`` naming the file: the project XML is
parsed as it is inflated, within ``ektp_qual.inputs.limits`` (size, elements, depth), with
``defusedxml`` (no DTD, hence no entity expansion and no external entities), the archive
is read in memory and never extracted, entry names that are absolute or contain ``..``
are refused, and at most ``MAX_ENTRIES`` entries and ``MAX_TOTAL_SIZE`` bytes (what is
actually read, however small the headers say the entries are) are accepted. Paths that
point outside the archive (``absolute:///``, ``relative:///`` with a disk ``basePath``)
are never read from the disk: their sources are reported as missing.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import pandas as pd

from ..inputs import limits, safexml
from ..inputs.review_file import REVIEW_COLUMNS, ReviewFile
from ..inputs.textfile import normalise
from ..language.privacy import MaskedText, Masker
from ..model import Criterion, Notice, Transcript
from ..model.errors import InputError

if TYPE_CHECKING:
    from ..model.results import Reduction

#: The most bytes read from one archive (the .qde and the text sources), uncompressed.
MAX_TOTAL_SIZE = 512 * 1024 * 1024
#: The most entries an archive may have.
MAX_ENTRIES = 50_000

#: One row per (selection, code). ``start``/``end``: code points into ``QdaSource.text``.
SELECTION_COLUMNS = [
    "source",  # the source's name
    "source_guid",
    "start",  # 0-based code point, into the source text as returned (nullable: no text)
    "end",  # exclusive
    "text",  # source text [start:end]
    "code_guid",
    "code",  # the code's name ("" when the GUID names no code of the project)
    "code_path",  # names from the root code down, joined by "/"
    "coder",  # the name of the user who made the coding ("" when unknown)
    "created",  # creationDateTime of the coding (or of the selection), as written
    "selection_guid",
    "note",  # the selection's Description and the notes it refers to
    "name",  # the selection's name (often the quoted text, or empty)
    "raw_start",  # the offsets exactly as written in the file
    "raw_end",
    "scope",  # "selection", or "source" for a coding of a whole source
    "verified",  # the name quotes the text (True/False), or None when there is no name
    "coder_guid",
    "coding_guid",
]

#: ``ImportResult.codings``: the selections with what they became.
IMPORT_COLUMNS = [
    *SELECTION_COLUMNS,
    "informant",  # the transcript the source matched ("" when none)
    "body_start",  # offsets in the transcript body (nullable)
    "body_end",
    "segment_ids",  # the segments the selection overlaps, space-separated
    "criterion",  # what the code means in the codebook ("" when nothing)
    "polarity",
    "status",  # "imported", or why not (see STATUSES)
]

#: Why a coding was not imported, in the order they are checked.
STATUSES = (
    "whole source",  # a coding of a whole source, not of a passage
    "no text",  # the source's text is missing from the archive
    "unknown code",  # the CodeRef names no code of the project
    "code not mapped",  # the code means no criterion
    "no polarity",  # the code means a criterion but says no polarity
    "no transcript",  # the source matches no transcript
    "not placed",  # the passage could not be found in the transcript's text
    "empty",  # a selection of zero length
    "no segment",  # it overlaps no informant sentence
    "imported",
)


# -- offset conventions ----------------------------------------------------------------


@dataclass(frozen=True)
class Convention:
    """How a tool counts the offsets of a text selection in the stored ``.txt``.

    The BOM is never counted. ``utf16``: characters outside the Basic Multilingual Plane
    (emoji) count 2. ``line_break_as_one``: a ``\\r\\n`` in the stored text counts 1.
    """

    name: str
    utf16: bool
    line_break_as_one: bool


CODE_POINTS = Convention("code points", utf16=False, line_break_as_one=False)
UTF16_UNITS = Convention("UTF-16 units", utf16=True, line_break_as_one=False)
CODE_POINTS_LINE_BREAK_1 = Convention(
    "code points, CRLF counted as 1", utf16=False, line_break_as_one=True
)
UTF16_UNITS_LINE_BREAK_1 = Convention(
    "UTF-16 units, CRLF counted as 1", utf16=True, line_break_as_one=True
)
#: Every convention the importer can read, the standard's (code points) first.
CONVENTIONS = (CODE_POINTS, UTF16_UNITS, CODE_POINTS_LINE_BREAK_1, UTF16_UNITS_LINE_BREAK_1)


def origin_convention(origin: str) -> Convention | None:
    """The convention a producing tool is known to use, or None when the tool is unknown.

    NVivo (Windows and Mac): UTF-16 units with CRLF = 2; ATLAS.ti: code points with a line
    break = 1; QualCoder, MAXQDA, ektp-qual: code points of the text as stored, unless the
    origin says "UTF-16 units" (ektp-qual's export with ``--offsets utf16``).
    """
    text = origin.casefold()
    if "nvivo" in text or "utf-16 units" in text:
        return UTF16_UNITS
    if "atlas" in text:
        return CODE_POINTS_LINE_BREAK_1
    if any(tool in text for tool in ("qualcoder", "maxqda", "ektp")):
        return CODE_POINTS
    return None


_CRLF = re.compile(r"\r\n")
_CRLF_OR_ASTRAL = re.compile("\r\n|[\U00010000-\U0010ffff]")


class _UnitMap:
    """Offsets in a convention's units to indices into the normalised text (sparse)."""

    def __init__(self, stored: str, convention: Convention) -> None:
        pattern = _CRLF_OR_ASTRAL if convention.utf16 else _CRLF
        wide: list[int] = []  # normalised indices of characters that count 2
        crlf = 0
        for match in pattern.finditer(stored):
            if match.group() == "\r\n":
                if not convention.line_break_as_one:
                    wide.append(match.start() - crlf)
                crlf += 1
            else:
                wide.append(match.start() - crlf)
        self.length = len(stored) - stored.count("\r\n")
        self.total = self.length + len(wide)
        self.wide = wide
        self.after = [p + k + 2 for k, p in enumerate(wide)]  # unit just after each

    def index(self, unit: int, *, end: bool) -> tuple[int, bool]:
        """The text index at ``unit``; inside a 2-unit character, the character is kept."""
        if not self.wide:
            return unit, False
        m = bisect_right(self.after, unit)
        if m < len(self.wide) and self.wide[m] + m + 1 == unit:
            return self.wide[m] + (1 if end else 0), True
        return unit - m, False


def _quote_score(name: str, text: str) -> int:
    """How well a selection name quotes the selected text.

    3: it is the text (line ends aside); 2: equal once whitespace is collapsed; 1: the text
    begins with the name (a name truncated, with or without "..."); 0: no match.
    """
    if normalise(name) == text:
        return 3
    short, full = " ".join(name.split()), " ".join(text.split())
    if not short:
        return 0
    if short == full:
        return 2
    for tail in ("...", "\u2026"):
        if short.endswith(tail):
            short = short[: -len(tail)].rstrip()
            break
    return 1 if len(short) >= 3 and len(full) > len(short) and full.startswith(short) else 0


# -- data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QdaCode:
    guid: str  # lower case, without braces
    name: str
    parent: str | None  # the parent code's guid
    path: str  # names from the root down, joined by "/"
    description: str = ""
    codable: bool = True
    color: str = ""
    depth: int = 1  # 1 for a top-level code


@dataclass
class QdaSource:
    guid: str
    name: str
    text: str | None  # the plain text, BOM removed, "\n" line ends; None when missing
    kind: str = "text"  # "text", or "pdf" for a PDF's text representation
    path: str = ""  # plainTextPath as written
    problem: str = ""  # why the text is missing
    variables: dict[str, object] = field(default_factory=dict)
    stored: str | None = field(default=None, repr=False)  # the text as stored, BOM removed


@dataclass(frozen=True)
class QdaCase:
    guid: str
    name: str
    sources: tuple[str, ...]  # source guids
    variables: dict[str, object]
    selections: tuple[str, ...] = ()  # selection guids
    description: str = ""


@dataclass
class QdaProject:
    """A REFI-QDA project as read, with its offsets converted to code points."""

    path: Path
    name: str
    origin: str
    users: dict[str, str]  # guid -> name
    codes: dict[str, QdaCode]  # guid -> code, in document order
    sources: dict[str, QdaSource]  # guid -> text source
    cases: list[QdaCase]
    selections: pd.DataFrame  # SELECTION_COLUMNS
    convention: str = CODE_POINTS.name  # how the file's offsets were read
    notices: list[Notice] = field(default_factory=list)
    namespace: str = ""
    qde: str = "project.qde"  # the project file's name in the archive

    def lineage(self, guid: str) -> list[QdaCode]:
        """The code and its ancestors, root first."""
        chain: list[QdaCode] = []
        seen: set[str] = set()
        current = self.codes.get(guid)
        while current is not None and current.guid not in seen:
            seen.add(current.guid)
            chain.append(current)
            current = self.codes.get(current.parent) if current.parent else None
        return chain[::-1]


# -- the archive -----------------------------------------------------------------------

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


# -- XML -------------------------------------------------------------------------------

_PRODUCERS = "REFI-QDA files"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(element: Element | None, *names: str) -> Iterator[Element]:
    if element is None:
        return iter(())
    return (child for child in element if _local(child.tag) in names)


def _kid(element: Element | None, name: str) -> Element | None:
    return next(_kids(element, name), None)


def _kid_text(element: Element | None, name: str) -> str:
    child = _kid(element, name)
    return (child.text or "") if child is not None else ""


def _guid(value: str | None) -> str:
    """A GUID as compared: lower case, no braces, no spaces."""
    return (value or "").strip().strip("{}").strip().lower()


_DECIMAL = re.compile(r"[-+]?[0-9]+", re.ASCII)
#: Offsets are stored as 64-bit integers: REFI-QDA's xs:integer as every tool writes it.
_INT64 = range(-(2**63), 2**63)


def _position(value: str | None, path: Path, attribute: str, selection: str) -> int | None:
    """A selection offset in the digits 0-9; None when it is no number at all.

    Python's ``int`` also reads Arabic-Indic and other digits and ``_`` between digits,
    which no tool writes: such a value, or one beyond 64 bits, is refused rather than
    read as a number the producing tool did not mean.
    """
    text = (value or "").strip()
    if _DECIMAL.fullmatch(text):
        if len(text.lstrip("+-0")) < 20 and int(text) in _INT64:
            return int(text)
        raise InputError(
            path,
            f"refused: selection {selection} has {attribute}={_shown(text)}, beyond any text "
            "(a corrupt or hostile file)",
        )
    try:
        int(text)
    except ValueError:
        return None
    raise InputError(
        path,
        f"refused: selection {selection} has {attribute}={text!r}, not written in the digits "
        "0-9 as REFI-QDA offsets are",
    )


def _shown(text: str) -> str:
    return text if len(text) <= 30 else f"{text[:12]}...{text[-6:]} ({len(text)} digits)"


# -- reading ---------------------------------------------------------------------------


#: ``read_qdpx``'s ``offsets``: the convention a researcher names for a file.
OFFSET_CONVENTIONS = {"codepoints": CODE_POINTS, "utf16": UTF16_UNITS}


def read_qdpx(path: str | Path, *, offsets: str | None = None) -> QdaProject:
    """Read a REFI-QDA project archive (``.qdpx``); bad or hostile files are an InputError.

    The selections' offsets are converted to 0-based code points, end-exclusive, into each
    source's text as returned (see ``origin_convention`` and the module docstring).
    ``offsets`` (``"codepoints"`` or ``"utf16"``) says how the file counts them, instead
    of finding out from its origin and its selection names.
    """
    if offsets is not None and offsets not in OFFSET_CONVENTIONS:
        raise ValueError(f"offsets must be one of {', '.join(OFFSET_CONVENTIONS)}, not {offsets!r}")
    path = Path(path)
    with _Archive(path) as archive:
        info = archive.project_file()
        root = archive.parse(info)
        if _local(root.tag) != "Project":
            if _local(root.tag) == "CodeBook":
                raise InputError(
                    path,
                    f"{info.filename} is a REFI-QDA codebook, not a project: it has codes "
                    "but no coded text to import",
                )
            raise InputError(
                path,
                f"not a REFI-QDA project: {info.filename} has the root element "
                f"<{_local(root.tag)}>, not <Project>",
            )
        forced = OFFSET_CONVENTIONS[offsets] if offsets is not None else None
        return _Reader(path, archive, root, info.filename, forced).project()


class _Reader:
    """Reads one project document; collects notices on the way."""

    def __init__(
        self,
        path: Path,
        archive: _Archive,
        root: Element,
        qde: str,
        forced: Convention | None = None,
    ) -> None:
        self.forced = forced
        self.path = path
        self.archive = archive
        self.root = root
        self.qde = qde
        self.origin = (root.get("origin") or "").strip()
        self.base_path = (root.get("basePath") or "").strip()
        self.notices: list[Notice] = []
        self.users: dict[str, str] = {}
        self.codes: dict[str, QdaCode] = {}
        self.variables: dict[str, str] = {}
        self.notes: dict[str, Element] = {}
        self.note_texts: dict[str, str] = {}
        self.sources: dict[str, QdaSource] = {}
        self.records: list[dict[str, Any]] = []
        self.uncoded = 0
        self.bad_positions: list[str] = []
        self.not_text = Counter[str]()
        self.unit_maps: dict[tuple[str, Convention], _UnitMap] = {}

    def notice(self, message: str) -> None:
        self.notices.append(Notice(str(self.path), None, message))

    def project(self) -> QdaProject:
        root = self.root
        for user in _kids(_kid(root, "Users"), "User"):
            self.users[_guid(user.get("guid"))] = user.get("name") or user.get("id") or ""
        self._codes(_kid(_kid(root, "CodeBook"), "Codes"))
        for variable in _kids(_kid(root, "Variables"), "Variable"):
            self.variables[_guid(variable.get("guid"))] = variable.get("name") or ""
        for note in _kids(_kid(root, "Notes"), "Note"):
            self.notes[_guid(note.get("guid"))] = note
        for element in _kids(
            _kid(root, "Sources"),
            "TextSource",
            "PDFSource",
            "PictureSource",
            "AudioSource",
            "VideoSource",
        ):
            self._source(element)
        cases = self._case_codes([self._case(case) for case in _kids(_kid(root, "Cases"), "Case")])
        convention = self._convention()
        selections = self._selections(convention)
        self._report()
        namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
        return QdaProject(
            path=self.path,
            name=root.get("name") or "",
            origin=self.origin,
            users=self.users,
            codes=self.codes,
            sources=self.sources,
            cases=cases,
            selections=selections,
            convention=convention.name,
            notices=self.notices,
            namespace=namespace,
            qde=self.qde,
        )

    # -- codes, cases, variables

    def _codes(self, codes: Element | None) -> None:
        """The code tree, in document order (iteratively: nesting depth is unbounded)."""
        stack: list[tuple[Element, str | None, str, int]] = [
            (element, None, "", 1) for element in reversed(list(_kids(codes, "Code")))
        ]
        spelled = 0  # characters of every path: long names nested repeat in each
        while stack:
            element, parent, prefix, depth = stack.pop()
            guid = _guid(element.get("guid")) or f"~code{len(self.codes) + 1}"
            name = element.get("name") or ""
            path = f"{prefix}/{name}" if prefix else name
            spelled += len(path)
            if spelled > limits.MAX_XML_PART_SIZE:
                raise InputError(
                    self.path,
                    f"refused: the code paths of {self.qde} (each code's name after its "
                    f"parents') take more than {limits.MAX_XML_PART_SIZE:,} characters "
                    "(ektp_qual.inputs.limits.MAX_XML_PART_SIZE)",
                )
            if guid in self.codes:
                self.notice(f"code GUID {guid} is used twice ({path!r}); the first is kept")
            else:
                self.codes[guid] = QdaCode(
                    guid=guid,
                    name=name,
                    parent=parent,
                    path=path,
                    description=_kid_text(element, "Description"),
                    codable=(element.get("isCodable") or "true").strip().lower()
                    not in ("false", "0"),
                    color=element.get("color") or "",
                    depth=depth,
                )
            children = list(_kids(element, "Code"))
            stack += [(child, guid, path, depth + 1) for child in reversed(children)]

    def _values(self, element: Element) -> dict[str, object]:
        values: dict[str, object] = {}
        for value in _kids(element, "VariableValue"):
            ref_element = _kid(value, "VariableRef")
            ref = _guid(ref_element.get("targetGUID") if ref_element is not None else None)
            name = self.variables.get(ref, ref)
            for typed in value:
                kind = _local(typed.tag)
                if kind.endswith("Value"):
                    values[name] = _typed(kind, typed.text or "")
        return values

    def _case(self, element: Element) -> QdaCase:
        return QdaCase(
            guid=_guid(element.get("guid")),
            name=element.get("name") or "",
            sources=tuple(_guid(s.get("targetGUID")) for s in _kids(element, "SourceRef")),
            variables=self._values(element),
            selections=tuple(_guid(s.get("targetGUID")) for s in _kids(element, "SelectionRef")),
            description=_kid_text(element, "Description"),
        )

    def _case_codes(self, cases: list[QdaCase]) -> list[QdaCase]:
        """Cases linked to sources through codes of their own GUID (as NVivo and ektp-qual
        write them, and QualCoder reads them): those codes and codings are links, not
        coding, so they leave the code tree and the selections."""
        guids = {case.guid for case in cases if case.guid in self.codes}
        if not guids:
            return cases
        linked: dict[str, list[str]] = {}
        kept = []
        for record in self.records:
            if record["code_guid"] in guids:
                sources = linked.setdefault(record["code_guid"], [])
                if record["source_guid"] not in sources:
                    sources.append(record["source_guid"])
            else:
                kept.append(record)
        self.records = kept
        parents = {self.codes[guid].parent for guid in guids} - {None}
        for guid in guids:
            del self.codes[guid]
        for guid in parents:  # a folder that held only case codes goes too
            if not any(c.parent == guid for c in self.codes.values()):
                self.codes.pop(guid, None)
        return [
            replace(case, sources=tuple(dict.fromkeys([*case.sources, *linked.get(case.guid, [])])))
            for case in cases
        ]

    def _note(self, element: Element) -> str:
        """The selection's Description and the text of the notes it refers to."""
        parts = [_kid_text(element, "Description").strip()]
        for ref in _kids(element, "NoteRef"):
            guid = _guid(ref.get("targetGUID"))
            if guid not in self.note_texts:
                note = self.notes.get(guid)
                text = None
                if note is not None:
                    text, _ = self._text(note, what="note")
                self.note_texts[guid] = normalise(text or "").strip()
            parts.append(self.note_texts[guid])
        return "\n\n".join(p for p in parts if p)

    # -- sources

    def _source(self, element: Element) -> None:
        kind = _local(element.tag)
        if kind == "TextSource":
            self._text_source(element, element.get("name") or "", "text")
            return
        representation = _kid(element, "Representation") if kind == "PDFSource" else None
        if representation is not None:
            name = element.get("name") or representation.get("name") or ""
            self._text_source(representation, name, "pdf")
        for child in element:
            if _local(child.tag) != "Representation":
                self.not_text[kind] += sum(1 for e in child.iter() if _local(e.tag) == "Coding")

    def _text_source(self, element: Element, name: str, kind: str) -> None:
        guid = _guid(element.get("guid")) or f"~source{len(self.sources) + 1}"
        stored, problem = self._text(element, what="source")
        if stored is None:
            self.notice(f"source {name!r}: its text is missing ({problem})")
        source = QdaSource(
            guid=guid,
            name=name,
            text=None if stored is None else normalise(stored),
            kind=kind,
            path=element.get("plainTextPath") or "",
            problem=problem,
            variables=self._values(element),
            stored=stored,
        )
        if guid in self.sources:
            self.notice(f"source GUID {guid} is used twice ({name!r}); both are read")
            guid = f"{guid}~{len(self.sources) + 1}"
            source.guid = guid
        self.sources[guid] = source
        for selection in _kids(element, "PlainTextSelection"):
            self._selection(source, selection)
        for coding in _kids(element, "Coding"):
            self._record(source, element, coding, None, None, scope="source")

    def _text(self, element: Element, *, what: str) -> tuple[str | None, str]:
        """The plain text as stored (BOM removed) from the path or inline, or why not."""
        location = (element.get("plainTextPath") or "").strip()
        inline = _kid(element, "PlainTextContent")
        if location:
            data, problem = self._resolve(location)
            if data is not None:
                return _decode(data)
            if inline is not None:
                return inline.text or "", ""
            return None, problem
        if inline is not None:
            return inline.text or "", ""
        return None, f"the {what} has neither a plainTextPath nor a PlainTextContent"

    def _resolve(self, location: str) -> tuple[bytes | None, str]:
        """An internal or in-archive relative file's bytes; other paths are never read."""
        scheme, separator, rest = location.partition("://")
        if not separator:
            scheme, rest = "internal", location
        scheme = scheme.strip().casefold()
        if scheme == "internal":
            name = rest.lstrip("/")
            info = self.archive.source_file(name) or self.archive.source_file(unquote(name))
            if info is None:
                return None, f"{location} is not in the archive"
            return self.archive.read(info), ""
        if scheme == "relative":
            base = self.base_path.replace("\\", "/")
            if base.startswith(("/", "file:")) or _DRIVE.match(base):
                return None, (
                    f"{location} is relative to {self.base_path!r}, outside the archive; "
                    "files outside the .qdpx are not read"
                )
            for candidate in (posixpath.join(base, rest.lstrip("/")), rest.lstrip("/")):
                name = posixpath.normpath(candidate)
                if name.startswith("../") or name == "..":
                    continue
                info = self.archive.find(name) or self.archive.find(unquote(name))
                if info is not None:
                    return self.archive.read(info), ""
            return None, (
                f"{location} (relative to basePath {self.base_path!r}) is not in the archive; "
                "files outside the .qdpx are not read"
            )
        if scheme == "absolute":
            return None, f"{location} is a path on the producer's disk, which is not read"
        return None, f"{location!r} uses an unknown scheme {scheme!r}"

    # -- selections

    def _selection(self, source: QdaSource, element: Element) -> None:
        guid = _guid(element.get("guid"))
        shown = guid or "(no guid)"
        start = _position(element.get("startPosition"), self.path, "startPosition", shown)
        end = _position(element.get("endPosition"), self.path, "endPosition", shown)
        if start is None or end is None:
            self.bad_positions.append(shown)
            return
        codings = list(_kids(element, "Coding"))
        if not codings:
            self.uncoded += 1
            return
        for coding in codings:
            self._record(source, element, coding, start, end, scope="selection")

    def _record(
        self,
        source: QdaSource,
        element: Element,
        coding: Element,
        start: int | None,
        end: int | None,
        *,
        scope: str,
    ) -> None:
        ref = _kid(coding, "CodeRef")
        user = _guid(coding.get("creatingUser") or element.get("creatingUser"))
        is_selection = scope == "selection"
        self.records.append(
            {
                "source": source.name,
                "source_guid": source.guid,
                "raw_start": start,
                "raw_end": end,
                "code_guid": _guid(ref.get("targetGUID") if ref is not None else None),
                "coder_guid": user,
                "coder": self.users.get(user, ""),
                "created": (
                    coding.get("creationDateTime")
                    or (element.get("creationDateTime") if is_selection else None)
                    or ""
                ).strip(),
                "selection_guid": _guid(element.get("guid")) if is_selection else "",
                "coding_guid": _guid(coding.get("guid")),
                "note": self._note(element) if is_selection else self._note(coding),
                "name": (element.get("name") or "") if is_selection else "",
                "scope": scope,
            }
        )

    def _unit_map(self, source_guid: str, convention: Convention) -> _UnitMap:
        key = (source_guid, convention)
        if key not in self.unit_maps:
            self.unit_maps[key] = _UnitMap(self.sources[source_guid].stored or "", convention)
        return self.unit_maps[key]

    def _slice(self, record: dict[str, Any], convention: Convention) -> tuple[int, int, list[str]]:
        """Code-point offsets into the source text, and what had to be corrected."""
        units = self._unit_map(record["source_guid"], convention)
        problems = []
        start, end = record["raw_start"], record["raw_end"]
        if start < 0 or start > units.total or end < 0 or end > units.total:
            problems.append("clamped")
            start, end = min(max(start, 0), units.total), min(max(end, 0), units.total)
        if end < start:
            problems.append("reversed")
            end = start
        first, split_first = units.index(start, end=False)
        last, split_last = units.index(end, end=True)
        if split_first or split_last:
            problems.append("split")
        return first, last, problems

    def _convention(self) -> Convention:
        """The convention of the origin, checked against (or found from) selection names;
        or the one the researcher named."""
        if self.forced is not None:
            if any(r["scope"] == "selection" for r in self.records):
                self.notice(f"selection offsets read as {self.forced.name}, as asked")
            return self.forced
        expected = origin_convention(self.origin)
        order = [expected, *(c for c in CONVENTIONS if c != expected)] if expected else CONVENTIONS
        named = {}
        for record in self.records:
            text = self.sources[record["source_guid"]].text
            if record["scope"] == "selection" and record["name"] and text is not None:
                named.setdefault(record["selection_guid"] or id(record), record)
        if not any(r["scope"] == "selection" for r in self.records):
            return expected or CODE_POINTS
        origin = f"origin {self.origin!r}"
        if expected:
            why = f"the convention of {self.origin}"
        elif self.origin:
            why = f"{origin} is not a known tool; code points are the REFI-QDA standard's unit"
        else:
            why = "the project names no origin; code points are the REFI-QDA standard's unit"
        if not named:
            chosen = expected or CODE_POINTS
            self.notice(
                f"selection offsets read as {chosen.name} ({why}); no selection name quotes "
                "its text, so this could not be checked"
            )
            return chosen
        scores = {}
        exact = {}
        for convention in order:
            results = [
                _quote_score(r["name"], self._text_of(r, convention)) for r in named.values()
            ]
            scores[convention] = sum(results)
            exact[convention] = sum(1 for s in results if s > 0)
        best = max(order, key=lambda c: scores[c])  # the first of the best: expected wins ties
        total = len(named)
        if scores[best] == 0:
            chosen = expected or CODE_POINTS
            self.notice(
                f"selection offsets read as {chosen.name} ({why}); the selection names do not "
                "quote the selected text under any convention, so this could not be checked"
            )
            return chosen
        verified = f"{exact[best]} of {total} selection names quote the selected text"
        if expected is None:
            who = f"{origin} is not a known tool" if self.origin else "the project names no origin"
            message = f"{who}: offsets read as {best.name}, with which {verified}"
        elif best == expected:
            message = f"selection offsets read as {best.name} ({origin}); {verified}"
        else:
            message = (
                f"{origin} suggests offsets in {expected.name} ({exact[expected]} of {total} "
                f"names match), but the selection names match {best.name}: offsets read as "
                f"{best.name}; {verified}"
            )
        if exact[best] < total:
            message += (
                f"; the other {total - exact[best]} names differ from their text "
                "(renamed quotations?)"
            )
        self.notice(message)
        return best

    def _text_of(self, record: dict[str, Any], convention: Convention) -> str:
        first, last, _ = self._slice(record, convention)
        return (self.sources[record["source_guid"]].text or "")[first:last]

    def _selections(self, convention: Convention) -> pd.DataFrame:
        problems: dict[str, list[str]] = {"clamped": [], "reversed": [], "split": []}
        rows = []
        for record in self.records:
            source = self.sources[record["source_guid"]]
            code = self.codes.get(record["code_guid"])
            row = dict(record)
            row["code"] = code.name if code else ""
            row["code_path"] = code.path if code else ""
            if source.text is None:
                row.update(start=None, end=None, text="", verified=None)
            elif record["scope"] == "source":
                row.update(start=0, end=len(source.text), text=source.text, verified=None)
            else:
                first, last, found = self._slice(record, convention)
                text = source.text[first:last]
                for problem in found:
                    problems[problem].append(record["selection_guid"] or source.name)
                row.update(start=first, end=last, text=text)
                row["verified"] = _quote_score(record["name"], text) > 0 if record["name"] else None
            rows.append(row)
        table = pd.DataFrame(rows, columns=SELECTION_COLUMNS)
        for column in ("start", "end", "raw_start", "raw_end"):
            table[column] = table[column].astype("Int64")
        table["verified"] = table["verified"].astype(object)
        for kind, what in (
            ("clamped", "have offsets outside their source's text and were clamped to it"),
            ("reversed", "end before they start and were read as empty"),
            (
                "split",
                "start or end inside a character (a surrogate pair or a CRLF); the "
                "whole character was kept",
            ),
        ):
            found = sorted(set(problems[kind]))
            if found:
                self.notice(f"{len(found)} selection(s) {what}: {_some(found)}")
        return table

    def _report(self) -> None:
        if self.uncoded:
            self.notice(
                f"{self.uncoded} selection(s) carry no code (memos on a passage, as MAXQDA "
                "writes them) and were skipped"
            )
        if self.bad_positions:
            self.notice(
                f"{len(self.bad_positions)} selection(s) have no valid start/end position and "
                f"were skipped: {_some(self.bad_positions)}"
            )
        not_text = sum(self.not_text.values())
        if not_text:
            kinds = ", ".join(f"{n} in {k}" for k, n in sorted(self.not_text.items()) if n)
            self.notice(
                f"{not_text} coding(s) of pictures, PDF regions, audio or video ({kinds}) are "
                "not text and were not read"
            )
        unknown = sorted({r["code_guid"] for r in self.records if r["code_guid"] not in self.codes})
        if unknown:
            self.notice(
                f"codings refer to {len(unknown)} code GUID(s) the project does not define: "
                f"{_some(unknown)}"
            )


def _typed(kind: str, text: str) -> object:
    text = text.strip()
    try:
        if kind == "IntegerValue":
            return int(text)
        if kind == "FloatValue":
            return float(text)
    except ValueError:
        return text
    if kind == "BooleanValue":
        return text.lower() in ("true", "1")
    return text


def _decode(data: bytes) -> tuple[str | None, str]:
    """Text as stored: UTF-8 (or UTF-16 with a BOM), the BOM removed, line ends kept."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
    return text.removeprefix("\ufeff"), ""


def _some(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# -- what a code means -----------------------------------------------------------------

_POLARITY_WORDS = {
    "positive": "positive",
    "positif": "positive",
    "pos": "positive",
    "+": "positive",
    "negative": "negative",
    "negatif": "negative",
    "neg": "negative",
    "-": "negative",
    "\u2212": "negative",  # the minus sign
}
_SEPARATORS = " /:_.-\u2013\u2014"
_SUFFIX_BRACKET = re.compile(r"(?P<outer>.*?)\s*[(\[]\s*(?P<inner>[^()\[\]]+?)\s*[)\]]")
_PREFIX_BRACKET = re.compile(r"[(\[]\s*(?P<inner>[^()\[\]]+?)\s*[)\]]\s*(?P<outer>.*)")
_COLON = re.compile(r"(?P<inner>[^:]+?)\s*:\s*(?P<outer>.+)")


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _criteria_named(key: str, criteria: Sequence[Criterion]) -> set[str]:
    return {c.id for c in criteria if key and key in {_key(c.id), _key(c.label), _key(c.label_en)}}


def _criterion_named(name: str, criteria: Sequence[Criterion]) -> str | None:
    """The criterion a name means, alone or with another name in brackets or after ":"."""
    key = _key(name)
    found = _criteria_named(key, criteria)
    if not found:
        match = (
            _SUFFIX_BRACKET.fullmatch(key)
            or _PREFIX_BRACKET.fullmatch(key)
            or _COLON.fullmatch(key)
        )
        if match:
            found = _criteria_named(match["outer"], criteria) | _criteria_named(
                match["inner"], criteria
            )
    return found.pop() if len(found) == 1 else None


def _split_polarity(key: str) -> tuple[str, str] | None:
    """("criterion part", polarity) of a name ending in a polarity word, or None."""
    for word in sorted(_POLARITY_WORDS, key=len, reverse=True):
        if key.endswith(word) and len(key) > len(word):
            head = key[: -len(word)]
            if word.isalpha() and head[-1] not in _SEPARATORS:
                continue
            head = head.rstrip(_SEPARATORS)
            if head:
                return head, _POLARITY_WORDS[word]
    return None


def code_meaning(
    path: Sequence[str], criteria: Sequence[Criterion]
) -> tuple[str | None, str | None]:
    """What a code of another tool means: ``(criterion id, polarity)``, or Nones.

    ``path`` holds the names of the code and of its ancestors, root first, for example
    ``["Sikap dan Perilaku", "positive"]``. Names are compared without regard to case,
    leading/trailing spaces, or runs of whitespace. Recognised:

    * **A criterion**: a name equal to a criterion's ``id``, ``label`` or ``label_en``
      (``attitude``, ``Sikap dan Perilaku``, ``Attitudes and Behaviour``), or such a name
      with another name in brackets or parentheses after or before it (``Sikap dan
      Perilaku (attitude)``, ``[attitude] Sikap dan Perilaku``), or before it with a colon
      (``attitude: Sikap dan Perilaku``, the parent code ektp-qual's own export writes):
      one part names the criterion and the other part names no other criterion. A name
      that could mean two criteria means none.
    * **A polarity word**: ``positive``/``negative``, ``pos``/``neg``,
      ``positif``/``negatif``, ``+``/``-`` (also the minus sign U+2212).

    A code then means:

    * ``(criterion, polarity)`` when its name is a criterion followed by a polarity word,
      whatever its parent: ``attitude positive``, ``attitude +``, ``attitude+``,
      ``attitude/positive``, ``attitude: negative``, ``Sikap dan Perilaku (attitude) -
      negative`` (separators: space ``/ : _ . -`` and dashes; ``+``/``-`` need none);
    * ``(criterion, polarity)`` when its name is a polarity word and its **parent** (the
      code directly above it) names a criterion: ``Sikap dan Perilaku`` > ``positive``;
    * ``(criterion, None)`` when its name is a criterion and nothing more;
    * ``(None, None)`` for anything else, including codes below a polarity code
      (``attitude`` > ``positive`` > ``friendly``): nothing is inherited or guessed.

    A name that is exactly a criterion's id or label is that criterion, even if it ends
    in a polarity word; otherwise a trailing polarity word is read before the bracket and
    colon forms, so ``attitude: negative`` is negative evidence, not a criterion code.
    """
    if not path:
        return None, None
    name = path[-1]
    exact = _criteria_named(_key(name), criteria)
    if exact:
        return (exact.pop(), None) if len(exact) == 1 else (None, None)
    split = _split_polarity(_key(name))
    if split:
        criterion = _criterion_named(split[0], criteria)
        if criterion:
            return criterion, split[1]
    criterion = _criterion_named(name, criteria)
    if criterion:
        return criterion, None
    polarity = _POLARITY_WORDS.get(_key(name))
    if polarity and len(path) >= 2:
        criterion = _criterion_named(path[-2], criteria)
        if criterion:
            return criterion, polarity
    return None, None


# -- onto the corpus -------------------------------------------------------------------

_DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".doc", ".rtf", ".odt", ".pdf")


@dataclass
class ImportResult:
    """A project's codings as review-file rows, with everything that was not imported."""

    review: pd.DataFrame  # REVIEW_COLUMNS, decision "add"
    codings: pd.DataFrame  # IMPORT_COLUMNS: every (selection, code), imported or not
    notices: list[Notice]
    project: QdaProject
    transcripts: dict[str, str] = field(default_factory=dict)  # source guid -> informant
    codes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def coders(self) -> tuple[str, ...]:
        return tuple(sorted({c for c in self.review["coder"] if c}))


def _canonical(text: str) -> str:
    return normalise(text).strip()


def _match_sources(
    project: QdaProject, transcripts: Sequence[Transcript], notices: list[Notice]
) -> dict[str, Transcript]:
    """Source guid -> transcript: by name (informant, file name or stem), else by text."""
    by_name: dict[str, list[Transcript]] = {}
    for t in transcripts:
        keys = {_key(t.informant)}
        if t.path is not None:
            keys |= {_key(t.path.name), _key(t.path.stem)}
        for key in keys:
            by_name.setdefault(key, []).append(t)
    by_text: dict[str, list[Transcript]] = {}
    for t in transcripts:
        by_text.setdefault(t.body.strip(), []).append(t)
    matched: dict[str, Transcript] = {}
    for guid, source in project.sources.items():
        key = _key(source.name)
        candidates = by_name.get(key, [])
        if not candidates and key.endswith(_DOCUMENT_SUFFIXES):
            candidates = by_name.get(key.rsplit(".", 1)[0], [])
        bracketed = _SUFFIX_BRACKET.fullmatch(key)
        if not candidates and bracketed:  # "interview.txt (M07)": the informant in brackets
            candidates = by_name.get(bracketed["inner"], [])
        if len(candidates) == 1:
            matched[guid] = candidates[0]
            continue
        if source.text is None:
            continue
        text = _canonical(source.text)
        same = by_text.get(text, [])
        if not same and text:
            same = [t for t in transcripts if t.body.strip() and text.count(t.body.strip()) == 1]
        if len(same) == 1:
            matched[guid] = same[0]
    targets = Counter(t.informant for t in matched.values())
    for informant, count in targets.items():
        if count > 1:
            names = [
                project.sources[g].name for g, t in matched.items() if t.informant == informant
            ]
            notices.append(
                Notice(
                    str(project.path),
                    None,
                    f"{count} sources ({_some(names)}) match transcript {informant}; the "
                    "codings of all of them are imported",
                )
            )
    return matched


class _Placement:
    """Offsets in a source's text to offsets in a transcript body.

    The same text (perhaps with other leading or trailing blank space) maps by a shift;
    the body with personal data masked (``masker``), as ektp-qual's own export writes it,
    maps around the masks; any other text is searched for each passage's words.
    """

    def __init__(self, source: str, body: str, masker: Masker | None = None) -> None:
        self.source = source
        self.body = body
        self.shift: int | None = None  # None: the texts differ; passages are looked up
        self.masked: MaskedText | None = None  # the body as masked into the source
        lead_source = len(source) - len(source.lstrip())
        lead_body = len(body) - len(body.lstrip())
        stripped_source, stripped_body = source.strip(), body.strip()
        if source == body:
            self.shift = 0
        elif stripped_source == stripped_body:
            self.shift = lead_body - lead_source
        elif stripped_body and source.count(stripped_body) == 1:
            self.shift = lead_body - source.index(stripped_body)
        elif stripped_source and body.count(stripped_source) == 1:
            self.shift = body.index(stripped_source) - lead_source
        elif masker is not None:
            masked = masker.mask_with_offsets(body)
            if masked.spans and masked.text == source:
                self.masked = masked

    @property
    def looked_up(self) -> bool:
        """Whether passages are found by their text (the texts differ beyond masks)."""
        return self.shift is None and self.masked is None

    def place(self, start: int, end: int, text: str) -> tuple[int, int] | None:
        """Body offsets of a passage: shifted, unmasked, or found by its text and order."""
        if self.shift is not None:
            size = len(self.body)
            return min(max(start + self.shift, 0), size), min(max(end + self.shift, 0), size)
        if self.masked is not None:
            return _unmasked(self.masked, start, end=False), _unmasked(self.masked, end, end=True)
        needle = text.strip()
        if not needle:
            return None
        at = start + len(text) - len(text.lstrip())  # where the needle starts in the source
        for pattern in (re.escape(needle), r"\s+".join(map(re.escape, needle.split()))):
            found = list(re.finditer(pattern, self.body))
            if len(found) == 1:
                return found[0].span()
            if found:
                # A passage that occurs several times is the same occurrence in both texts,
                # when both have it as often.
                order = [m.start() for m in re.finditer(pattern, self.source)]
                if len(order) == len(found) and at in order:
                    return found[order.index(at)].span()
                return None
        return None


def _unmasked(masked: MaskedText, offset: int, *, end: bool) -> int:
    """Where an offset into masked text lands in the original: an offset inside a mask
    moves to the start of what it masks, or with ``end`` to its end."""
    shift = 0
    for start, stop, replacement in masked.spans:
        begin = start + shift
        if offset <= begin:
            break
        if offset < begin + len(replacement):
            return stop if end else start
        shift += len(replacement) - (stop - start)
    return offset - shift


@dataclass
class _Sentences:
    """One informant's segments, sorted by offset."""

    ids: list[str]
    starts: list[int]
    ends: list[int]

    def touched(self, body: str, start: int, end: int) -> list[str]:
        """The segments [start, end) overlaps by at least one non-space character."""
        found = []
        for k in range(max(bisect_right(self.starts, start) - 1, 0), len(self.ids)):
            if self.starts[k] >= end:
                break
            low, high = max(self.starts[k], start), min(self.ends[k], end)
            if low < high and body[low:high].strip():
                found.append(self.ids[k])
        return found


def _sentences(segments: pd.DataFrame) -> dict[str, _Sentences]:
    table = segments[["segment_id", "informant", "start", "end"]].sort_values(
        ["informant", "start"], kind="stable"
    )
    return {
        str(informant): _Sentences(
            group["segment_id"].tolist(),
            [int(v) for v in group["start"]],
            [int(v) for v in group["end"]],
        )
        for informant, group in table.groupby("informant", sort=False)
    }


def to_review(
    project: QdaProject, reduction: Reduction, *, coder: str | None = None
) -> ImportResult:
    """The project's codings as review-file ``add`` rows on the corpus's segments.

    Sources match transcripts by name (informant id, file name or stem, any case) or else
    by identical text; codes mean criteria and polarities by ``code_meaning``; a selection
    adds its code to every segment it overlaps by a non-space character. A source that is
    its transcript with personal data masked (ektp-qual's own export) is mapped around
    the masks; in a source that differs otherwise, a passage is found by its text, and
    one that occurs several times by its order among the occurrences. ``coder``
    replaces the coders the project names (and names the coder where it names none).
    Every coding, imported or not, is in ``codings`` with a ``status`` (``STATUSES``).
    """
    notices = list(project.notices)
    matched = _match_sources(project, reduction.corpus.transcripts, notices)
    criteria = reduction.codebook.criteria
    meanings = {
        guid: code_meaning([c.name for c in project.lineage(guid)], criteria)
        for guid in project.codes
    }
    sentences = _sentences(reduction.segments)
    masker = Masker(t.name for t in reduction.corpus.transcripts)
    placements: dict[str, _Placement] = {}
    origin = project.origin or project.name or "a REFI-QDA project"
    rows, review = [], []
    for record in project.selections.to_dict("records"):
        row = {**record, "informant": "", "body_start": None, "body_end": None}
        criterion, polarity = meanings.get(record["code_guid"], (None, None))
        row.update(segment_ids="", criterion=criterion or "", polarity=polarity or "")
        guid = record["source_guid"]
        source, transcript = project.sources[guid], matched.get(guid)
        place_status = ""
        if transcript is not None:
            row["informant"] = transcript.informant
        if transcript is not None and source.text is not None:
            if guid not in placements:
                placements[guid] = _Placement(source.text, transcript.body, masker)
            start, end = int(record["start"]), int(record["end"])
            placed = placements[guid].place(start, end, record["text"])
            if start == end:
                place_status = "empty"
            elif placed is None:
                place_status = "not placed"
            else:
                row["body_start"], row["body_end"] = placed
                empty = _Sentences([], [], [])
                touched = sentences.get(transcript.informant, empty).touched(
                    transcript.body, *placed
                )
                row["segment_ids"] = " ".join(touched)
                place_status = "" if touched else "no segment"
        if record["scope"] == "source":
            status = "whole source"
        elif source.text is None:
            status = "no text"
        elif record["code_guid"] not in project.codes:
            status = "unknown code"
        elif criterion is None:
            status = "code not mapped"
        elif polarity is None:
            status = "no polarity"
        elif transcript is None:
            status = "no transcript"
        else:
            status = place_status or "imported"
        row["status"] = status
        rows.append(row)
        if status != "imported":
            continue
        for segment_id in row["segment_ids"].split():
            review.append(
                {
                    "segment_id": segment_id,
                    "criterion": criterion,
                    "polarity": polarity,
                    "decision": "add",
                    "coder": coder if coder is not None else record["coder"],
                    "note": f"imported from {origin}: {record['code_path']}",
                    "decided_at": _decided_at(record["created"]),
                }
            )
    codings = pd.DataFrame(rows, columns=IMPORT_COLUMNS)
    for column in ("start", "end", "raw_start", "raw_end", "body_start", "body_end"):
        codings[column] = codings[column].astype("Int64")
    review_table = pd.DataFrame(review, columns=REVIEW_COLUMNS).drop_duplicates(
        ["segment_id", "criterion", "polarity", "coder"], ignore_index=True
    )
    notices += _import_notices(project, codings, review_table, meanings, matched, placements)
    return ImportResult(
        review=review_table,
        codings=codings,
        notices=notices,
        project=project,
        transcripts={guid: t.informant for guid, t in matched.items()},
        codes=meanings,
    )


def _decided_at(created: str) -> str:
    """A coding's creationDateTime as written, or "" where it is not an ISO date and time
    (QualCoder writes '20261130_1TZ')."""
    try:
        datetime.fromisoformat(created)
    except ValueError:
        return ""
    return created


def _import_notices(
    project: QdaProject,
    codings: pd.DataFrame,
    review: pd.DataFrame,
    meanings: dict[str, tuple[str | None, str | None]],
    matched: dict[str, Transcript],
    placements: dict[str, _Placement],
) -> list[Notice]:
    where = str(project.path)
    messages: list[str] = []
    status = codings["status"]
    per_code = codings.groupby("code_guid", sort=False).size()
    for guid, count in per_code.items():
        criterion, polarity = meanings.get(str(guid), (None, None))
        if guid not in project.codes or (criterion and polarity):
            continue
        path = project.codes[str(guid)].path
        if criterion:
            messages.append(
                f"code {path!r} ({count} coding(s)) means criterion {criterion!r} but no "
                "polarity: not imported (give it child codes 'positive' and 'negative')"
            )
            continue
        hint = ""
        for ancestor in project.lineage(str(guid))[:-1][::-1]:
            meaning = meanings.get(ancestor.guid, (None, None))
            if meaning[0]:
                hint = (
                    f"; it is below {ancestor.path!r}, which means "
                    f"{'/'.join(m for m in meaning if m)}, but meanings are not inherited"
                )
                break
        messages.append(
            f"code {path!r} ({count} coding(s)) means no criterion of the codebook: "
            f"not imported{hint}"
        )
    unknown = int((status == "unknown code").sum())
    if unknown:
        messages.append(f"{unknown} coding(s) refer to no code of the project: not imported")
    imported = codings.loc[status == "imported", "created"]
    undated = sorted({c for c in imported if c and not _decided_at(c)})
    if undated:
        messages.append(
            f"creationDateTime {', '.join(repr(c) for c in undated[:3])} is not a date: "
            "those codings were imported with no decided_at"
        )
    for guid, source in project.sources.items():
        count = int((codings["source_guid"] == guid).sum())
        if guid in matched:
            placement = placements.get(guid)
            lost = int(((codings["source_guid"] == guid) & (status == "not placed")).sum())
            if placement is not None and placement.looked_up:
                message = (
                    f"source {source.name!r} differs from transcript "
                    f"{matched[guid].informant}'s text: its coded passages were looked up by "
                    f"their text, and {count - lost} of {count} found"
                )
                if lost:
                    message += f"; {lost} not found exactly once: not imported"
                messages.append(message)
        elif count and source.text is not None:
            messages.append(
                f"source {source.name!r} ({count} coding(s)) matches no transcript by name or "
                "text: not imported"
            )
        elif count:
            messages.append(f"source {source.name!r} ({count} coding(s)) has no text: not imported")
    unmatched = [s.name for g, s in project.sources.items() if g not in matched]
    if unmatched:
        messages.append(
            f"{len(unmatched)} of {len(project.sources)} source(s) match no transcript: "
            f"{_some(unmatched)}"
        )
    for kind, what in (
        ("whole source", "code a whole source, not a passage"),
        ("no segment", "cover no informant sentence (interviewer turns or blank text only)"),
        ("empty", "select no text"),
    ):
        count = int((status == kind).sum())
        if count:
            messages.append(f"{count} coding(s) {what}: not imported")
    nameless = int((review["coder"] == "").sum())
    if nameless:
        messages.append(
            f"{nameless} review row(s) have no coder (the project names none): pass a coder"
        )
    imported = codings[status == "imported"]
    coders = ", ".join(sorted({c for c in review["coder"] if c})) or "none named"
    messages.append(
        f"{len(imported)} of {len(codings)} coding(s) imported as {len(review)} review row(s) "
        f"on {review['segment_id'].nunique()} segment(s) of {imported['informant'].nunique()} "
        f"transcript(s); coders: {coders}"
    )
    return [Notice(where, None, message) for message in messages]


def review_text(result: ImportResult, *, coder: str | None = None) -> str:
    """The CSV text of a review file with the imported rows (of one coder, if given).

    A project coded by several people gives one review file per coder, for ``agree``.
    """
    table = result.review
    if coder is not None:
        table = table[table["coder"] == coder]
    rows = [
        {name: "" if pd.isna(value) else str(value) for name, value in row.items()}
        for row in table[REVIEW_COLUMNS].to_dict("records")
    ]
    return ReviewFile().with_decisions(rows).to_text()


__all__ = [
    "CONVENTIONS",
    "IMPORT_COLUMNS",
    "MAX_ENTRIES",
    "MAX_TOTAL_SIZE",
    "SELECTION_COLUMNS",
    "STATUSES",
    "Convention",
    "ImportResult",
    "QdaCase",
    "QdaCode",
    "QdaProject",
    "QdaSource",
    "code_meaning",
    "origin_convention",
    "read_qdpx",
    "review_text",
    "to_review",
]
