"""The project document of a REFI-QDA export: sources, selections, codings, users,
variables and cases, computed once from an analysis (see ``refi.exporter``)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ..language.privacy import MaskedText, shared_attributes, shared_codebook, shared_file_name
from ..model import POLARITIES, Codebook, Transcript
from .codes import criterion_code_name, polarity_code_name
from .qdaxml import (
    _XML_ILLEGAL,
    AUTOMATIC_CODER,
    CASES_CODE,
    OFFSETS,
    ORIGIN,
    PROJECT_NAMESPACE,
    UNNAMED_REVIEWER,
    UTF16_ORIGIN,
    _clean,
    _codes,
    _kind,
    _missing,
    _parse,
    _serialise,
    _shorten,
    _str,
    _sub,
    _timestamp,
    _user_guid,
    _value,
    code_guid,
    make_guid,
)

if TYPE_CHECKING:
    from ..model.results import Analysis

# --- the project ----------------------------------------------------------------------


@dataclass
class _Source:
    guid: str
    name: str
    transcript: Transcript
    text: str
    masked: MaskedText
    replaced: int  # XML-illegal characters replaced by U+FFFD
    selections: list[_Selection] = field(default_factory=list)


@dataclass
class _Selection:
    segment_id: str
    start: int  # in the exported text
    end: int
    rows: list[dict]  # the codings rows of this segment, in table order


@dataclass
class _Variable:
    guid: str
    name: str
    type: str
    values: dict[str, str]  # informant -> value as the schema writes it


class _Project:
    """Everything the project document needs, computed once."""

    def __init__(self, analysis: Analysis, offsets: str) -> None:
        personal_data = analysis.reduction.personal_data
        if offsets not in OFFSETS:
            raise ValueError(f"offsets must be one of {', '.join(OFFSETS)}, not {offsets!r}")
        self.utf16 = offsets == "utf16"
        self.analysis = analysis
        self.codebook = shared_codebook(analysis.codebook, analysis.reduction.masker)
        corpus = analysis.corpus
        self.masker = analysis.reduction.masker
        table = analysis.reduction.segments
        columns = ["segment_id", "turn", "sentence"]
        self.segments = (
            {r["segment_id"]: r for r in table[columns].to_dict("records")}
            if all(c in table for c in columns)
            else {}
        )
        self.personal_data = personal_data
        self.sources = self._sources(corpus.transcripts)
        self.as_text: list[str] = []
        self.empty_variables: list[str] = []
        self.variables = self._variables(corpus.transcripts)
        self._place_codings(analysis.reduction.codings)
        self.users = self._users()

    # -- sources and selections --

    def _sources(self, transcripts: list[Transcript]) -> list[_Source]:
        names = [shared_file_name(t, self.masker) or t.informant for t in transcripts]
        sources = []
        for transcript, name in zip(transcripts, names, strict=True):
            if names.count(name) > 1:
                name = f"{name} ({transcript.informant})"
            masked = (
                self.masker.mask_with_offsets(transcript.body)
                if self.masker
                else MaskedText(transcript.body)
            )
            text, replaced = _XML_ILLEGAL.subn("\ufffd", masked.text)
            sources.append(
                _Source(
                    guid=make_guid("source", transcript.informant),
                    name=name,
                    transcript=transcript,
                    text=text,
                    masked=masked,
                    replaced=replaced,
                )
            )
        return sources

    def _place_codings(self, codings: pd.DataFrame) -> None:
        by_informant = {s.transcript.informant: s for s in self.sources}
        criteria = set(self.codebook.criterion_ids)
        segments: dict[str, _Selection] = {}
        for row in codings.to_dict("records"):
            if row["criterion"] not in criteria or row["polarity"] not in POLARITIES:
                raise ValueError(
                    f"coding of {row['segment_id']} for {row['criterion']!r}/"
                    f"{row['polarity']!r} is not in codebook {self.codebook.id!r}"
                )
            selection = segments.get(row["segment_id"])
            if selection is None:
                source = by_informant.get(row["informant"])
                if source is None:
                    raise ValueError(f"coding of {row['segment_id']}: no transcript for it")
                start, end = int(row["start"]), int(row["end"])
                if not 0 <= start <= end <= len(source.transcript.body):
                    raise ValueError(
                        f"coding of {row['segment_id']}: offsets {start}-{end} outside "
                        f"{source.name}"
                    )
                selection = _Selection(
                    row["segment_id"],
                    source.masked.position(start),
                    source.masked.position(end, end=True),
                    [],
                )
                segments[row["segment_id"]] = selection
                source.selections.append(selection)
            selection.rows.append(row)
        for source in self.sources:
            source.selections.sort(key=lambda s: (s.start, s.end, s.segment_id))

    # -- variables --

    def _variables(self, transcripts: list[Transcript]) -> list[_Variable]:
        table: dict[str, dict[str, object]] = {"role": {}}
        if self.personal_data:
            table["name"] = {}
        for t in transcripts:
            table["role"][t.informant] = t.role
            if self.personal_data:
                table["name"][t.informant] = t.name
            for key, value in shared_attributes(t, self.codebook, self.masker).items():
                table.setdefault(str(key), {})[t.informant] = value
        variables = []
        for name, raw in table.items():
            present = {k: v for k, v in raw.items() if not _missing(v)}
            if not present:
                self.empty_variables.append(name)
                continue
            kinds = {_kind(v) for v in present.values()}
            if len(kinds) == 1:
                kind = kinds.pop()
            elif kinds <= {"Integer", "Float"}:
                kind = "Float"
            else:
                kind = "Text"
                self.as_text.append(name)
            values = {k: _value(v, kind) for k, v in present.items()}
            variables.append(_Variable(make_guid("variable", name), name, kind, values))
        return variables

    # -- users --

    def _users(self) -> list[str]:
        names = {self._coder(coding.rows) for coding in self._all_codings()}
        review = self.analysis.reduction.review
        if review is not None:
            names |= set(review.coders)
        names.discard(AUTOMATIC_CODER)
        return [AUTOMATIC_CODER, *sorted(names)]

    def _all_codings(self) -> Iterable[_Coding]:
        for source in self.sources:
            for selection in source.selections:
                yield from _codings(selection, self.codebook)

    @staticmethod
    def _coder(rows: list[dict]) -> str:
        coders = [str(r["coder"]) for r in rows if _str(r.get("coder"))]
        if coders:
            return coders[0]
        if all(_str(r.get("source")) in ("", "auto") for r in rows):
            return AUTOMATIC_CODER
        return UNNAMED_REVIEWER

    # -- the document --

    def document(self, name: str | None, created: str, losses: list[str]) -> bytes:
        """The ``project.qde`` bytes; ``losses`` (from ``refi.losses``) go in its description."""
        book = self.codebook
        self.created = created
        root = ET.Element(
            "Project",
            xmlns=PROJECT_NAMESPACE,
            name=_clean(name or book.title or book.id),
            origin=f"{ORIGIN} {UTF16_ORIGIN}" if self.utf16 else ORIGIN,
            creatingUserGUID=_user_guid(AUTOMATIC_CODER),
            creationDateTime=created,
        )
        users = _sub(root, "Users")
        for user in self.users:
            _sub(users, "User", guid=_user_guid(user), name=user)
        codes = _codes(book)
        if self.sources:
            codes.append(self._case_codes())
        if len(codes):
            _sub(root, "CodeBook").append(codes)
        if self.variables:
            variables = _sub(root, "Variables")
            for variable in self.variables:
                _sub(
                    variables,
                    "Variable",
                    guid=variable.guid,
                    name=variable.name,
                    typeOfVariable=variable.type,
                )
        if self.sources:
            cases = _sub(root, "Cases")
            for source in self.sources:
                informant = source.transcript.informant
                case = _sub(cases, "Case", guid=make_guid("case", informant), name=informant)
                for variable in self.variables:
                    if informant in variable.values:
                        value = _sub(case, "VariableValue")
                        _sub(value, "VariableRef", targetGUID=variable.guid)
                        _sub(value, f"{variable.type}Value", text=variable.values[informant])
                _sub(case, "SourceRef", targetGUID=source.guid)
            sources = _sub(root, "Sources")
            for source in self.sources:
                self._text_source(sources, source)
        _sub(root, "Description", text=self._project_description(losses))
        return _serialise(root)

    def _case_codes(self) -> ET.Element:
        """A code per informant with its Case's GUID, under a folder code: QualCoder reads
        a named Case's text from the selections coded with such a code (NVivo writes its
        cases so), and ignores the Case's SourceRef."""
        parent = ET.Element(
            "Code", guid=make_guid("code", self.codebook.id, CASES_CODE), name=CASES_CODE
        )
        parent.set("isCodable", "false")
        _sub(
            parent,
            "Description",
            text="The informants as cases: each code has its case's GUID and codes the "
            "whole transcript of that informant.",
        )
        taken = set(self.code_names)
        for source in self.sources:
            informant = source.transcript.informant
            name = informant if informant not in taken else f"case {informant}"
            _sub(
                parent,
                "Code",
                guid=make_guid("case", informant),
                name=name,
                isCodable="true",
            )
        return parent

    @property
    def code_names(self) -> list[str]:
        book = self.codebook
        return [
            name
            for criterion in book.criteria
            for name in (
                criterion_code_name(criterion),
                *(polarity_code_name(criterion.id, p) for p in POLARITIES),
            )
        ]

    def _units(self, source: _Source) -> Callable[[int], int]:
        """Code-point offsets into the source's text as the export counts them."""
        if not self.utf16:
            return lambda offset: offset
        wide = [i for i, ch in enumerate(source.text) if ord(ch) > 0xFFFF]
        return lambda offset: offset + bisect_left(wide, offset)

    def _coding_date(self, selection: _Selection, coding: _Coding) -> str:
        """When a coding was made: its review decision's time, else the export's."""
        review = self.analysis.reduction.review
        decided = (
            review.decided_at.get((selection.segment_id, coding.criterion, coding.polarity))
            if review is not None
            else None
        )
        moment = _parse(dt.datetime.fromisoformat, decided) if decided else None
        return _timestamp(moment) if isinstance(moment, dt.datetime) else self.created

    def _text_source(self, parent: ET.Element, source: _Source) -> None:
        t = source.transcript
        element = _sub(
            parent,
            "TextSource",
            guid=source.guid,
            name=source.name,
            plainTextPath=f"internal://{source.guid}.txt",
        )
        privacy = (
            "personal data included"
            if self.personal_data
            else "names, NIKs and phone numbers masked"
        )
        _sub(
            element,
            "Description",
            text=f"Interview with informant {t.informant} ({t.role}): the "
            f"transcript after its front matter; {privacy}.",
        )
        units = self._units(source)
        for selection in source.selections:
            codings = _codings(selection, self.codebook)
            creators = [self._coder(c.rows) for c in codings]
            creator = AUTOMATIC_CODER if AUTOMATIC_CODER in creators else creators[0]
            dates = [self._coding_date(selection, c) for c in codings]
            element_selection = _sub(
                element,
                "PlainTextSelection",
                guid=make_guid("selection", selection.segment_id),
                name=_shorten(source.text[selection.start : selection.end]),
                startPosition=str(units(selection.start)),
                endPosition=str(units(selection.end)),
                creatingUser=_user_guid(creator),
                creationDateTime=min(dates),
            )
            _sub(element_selection, "Description", text=self._evidence(selection, codings))
            for coding, date in zip(codings, dates, strict=True):
                element_coding = _sub(
                    element_selection,
                    "Coding",
                    guid=make_guid(
                        "coding",
                        self.codebook.id,
                        selection.segment_id,
                        coding.criterion,
                        coding.polarity,
                    ),
                    creatingUser=_user_guid(self._coder(coding.rows)),
                    creationDateTime=date,
                )
                _sub(
                    element_coding,
                    "CodeRef",
                    targetGUID=code_guid(self.codebook, coding.criterion, coding.polarity),
                )
        self._case_selection(element, source, units)

    def _case_selection(
        self, parent: ET.Element, source: _Source, units: Callable[[int], int]
    ) -> None:
        """The whole text coded with the informant's case code (see ``_case_codes``)."""
        informant = source.transcript.informant
        automatic = _user_guid(AUTOMATIC_CODER)
        selection = _sub(
            parent,
            "PlainTextSelection",
            guid=make_guid("case-selection", informant),
            name=f"Case {informant}",
            startPosition="0",
            endPosition=str(units(len(source.text))),
            creatingUser=automatic,
            creationDateTime=self.created,
        )
        coding = _sub(
            selection,
            "Coding",
            guid=make_guid("case-coding", informant),
            creatingUser=automatic,
            creationDateTime=self.created,
        )
        _sub(coding, "CodeRef", targetGUID=make_guid("case", informant))

    def _evidence(self, selection: _Selection, codings: list[_Coding]) -> str:
        first = selection.rows[0]
        where = f"Segment {selection.segment_id} (informant {first['informant']}"
        segment = self._segment(selection.segment_id)
        if segment is not None:
            where += f", turn {segment['turn']}, sentence {segment['sentence']}"
        lines = [where + ")"]
        for coding in codings:
            code = polarity_code_name(coding.criterion, coding.polarity)
            for row in coding.rows:
                lines.append(f"{code}: {_describe(row, self._private)}")
        sha = _str(first.get("codebook_sha256")) or self.codebook.sha256[:12]
        lines.append(f"Codebook {self.codebook.id}" + (f", sha256 {sha}" if sha else ""))
        return "\n".join(lines)

    def _segment(self, segment_id: str) -> dict | None:
        return self.segments.get(segment_id)

    def _project_description(self, losses: list[str]) -> str:
        book = self.codebook
        masked = "included" if self.personal_data else "masked ([NAME], [NIK], [PHONE])"
        lines = [
            f"Exported by {ORIGIN} from codebook {book.id!r} ({book.title}"
            + (f", sha256 {book.sha256[:12]}" if book.sha256 else "")
            + f", language {book.language}).",
            "Codes: one non-codable code per criterion, named '<criterion id>: <label>', with "
            "two codable children '<criterion id> +' (positive evidence) and '<criterion id> -' "
            "(negative evidence).",
            "Selections: one per coded informant sentence; offsets are 0-based "
            + ("UTF-16 code units" if self.utf16 else "Unicode code points")
            + ", end-exclusive, into the UTF-8 text (no BOM, \\n line ends).",
            f"Cases: one per informant, linked to the transcript by a SourceRef and by a code "
            f"of the same GUID (below '{CASES_CODE}') that codes the whole text.",
            f"Personal data: {masked}.",
            "What this export does not carry, or changes:",
            *(f"- {loss}" for loss in losses),
        ]
        return "\n".join(lines)

    def _private(self, text: str) -> str:
        return self.masker(text) if self.masker and text else text


@dataclass
class _Coding:
    criterion: str
    polarity: str
    rows: list[dict]


def _codings(selection: _Selection, book: Codebook) -> list[_Coding]:
    """The selection's rows as one coding per criterion and polarity, in codebook order."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in selection.rows:
        grouped.setdefault((row["criterion"], row["polarity"]), []).append(row)
    order = {cid: i for i, cid in enumerate(book.criterion_ids)}
    keys = sorted(grouped, key=lambda k: (order[k[0]], POLARITIES.index(k[1])))
    return [_Coding(c, p, grouped[c, p]) for c, p in keys]


def _describe(row: dict, private: Callable[[str], str]) -> str:
    """One piece of evidence, for a selection's description; ``private`` masks the words
    that come from the transcript or a reviewer."""
    method = _str(row.get("method")) or "coding"
    parts = []
    if method != "manual":
        phrase = _str(row.get("phrases")) or _str(row.get("phrase"))
        matched = private(_str(row.get("matched")))
        if phrase:
            parts.append(f'"{phrase}"')
        if matched and matched != phrase:
            parts.append(f'matched "{matched}"')
        negator = _str(row.get("negator"))
        if negator:
            parts.append(f'negated by "{negator}"')
        rule = _str(row.get("rule"))
        if rule:
            parts.append(f"rule {rule}")
    source, coder = _str(row.get("source")) or "auto", _str(row.get("coder"))
    who = coder or "an unnamed reviewer"
    status = {
        "auto": "automatic",
        "accepted": f"proposed automatically, accepted by {who}",
        "added": f"added by {who}",
    }.get(source, source)
    note = private(_str(row.get("note")))
    text = f"{method} " + ", ".join(parts) if parts else method
    return f"{text} [{status}]" + (f" note: {note}" if note else "")
