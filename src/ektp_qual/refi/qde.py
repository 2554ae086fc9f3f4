"""The project inside a ``.qdpx``: users, codes, sources, cases and selections read
from ``project.qde`` into a ``QdaProject`` (``read_qdpx``), offsets in code points.

Hostile files are refused with one ``InputError`` naming the file: the project XML is
parsed as it is inflated, within ``ektp_qual.inputs.limits`` (size, elements, depth), with
``defusedxml`` (no DTD, hence no entity expansion and no external entities), through
``archive``, which never extracts and bounds entries and sizes. Paths that point outside
the archive (``absolute:///``, ``relative:///`` with a disk ``basePath``) are never read
from the disk: their sources are reported as missing.

(Why this module is long: ``_Reader`` checks each kind of element of the standard,
users, codes, sources, selections, codings, notes, cases and variables, each with the
quirks of the tools that write it; they share one pass and one set of notices.)
"""

from __future__ import annotations

import codecs
import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import pandas as pd

from ..inputs import limits
from ..inputs.textfile import normalise
from ..model import Notice
from ..model.errors import InputError
from .archive import _DRIVE, _Archive
from .offsets import (
    CODE_POINTS,
    CONVENTIONS,
    UTF16_UNITS,
    Convention,
    _quote_score,
    _UnitMap,
    origin_convention,
)

if TYPE_CHECKING:
    pass

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
    convention_check: str = ""  # how the reading was confirmed, when nothing needed a notice
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
        self.convention_check = ""

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
            convention_check=self.convention_check,
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
        elif best == expected and exact[best] == total:
            self.convention_check = verified
            return best
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
