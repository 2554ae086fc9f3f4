"""REFI-QDA export: a coded study as a ``.qdpx`` project, its codebook as a ``.qdc``.

REFI-QDA (QDA-XML 1.0, documented in "REFI-QDA 1.5") is what NVivo, ATLAS.ti, MAXQDA
and QualCoder exchange. The functions here return bytes; ``outputs.export.write_files`` writes them.

* ``project_qdpx(analysis)``: a ZIP holding ``project.qde`` (namespace
  ``urn:QDA-XML:project:1.0``) and ``sources/<guid>.txt``, one per transcript.
* ``codebook_qdc(codebook)``: the codes alone (namespace ``urn:QDA-XML:codebook:1.0``).
* ``export_losses(analysis)``: what the format cannot carry, to show as a warning
  (REFI-QDA 1.5, section 7).

Codes (the same names and GUIDs in both files)
----------------------------------------------
For every criterion, in codebook order::

    <criterion id>: <label>         isCodable="false"   e.g. "attitude: Sikap dan Perilaku"
        <criterion id> +            isCodable="true"    positive evidence, e.g. "attitude +"
        <criterion id> -            isCodable="true"    negative evidence, e.g. "attitude -"

(``-`` is the ASCII hyphen-minus; the parent is just ``<criterion id>`` when the label is
empty or equal to the id.) Criterion ids start with a letter and hold only letters,
digits, ``_`` and ``-``, so ``parse_code_name`` maps a name back without ambiguity:
``"attitude +"`` -> ``("attitude", "positive")``, ``"attitude: ..."`` ->
``("attitude", None)``. Codings only ever reference the two polarity codes. The names
are unique in the whole codebook, as tools that merge codes by name (QualCoder) need.
Descriptions: the criterion code has the definition, English label, abbreviation and
guide questions; each polarity code lists the codebook phrases (and the evaluative
words) that count as that evidence.

The rest of the project
-----------------------
* Users: ``ektp-qual (automatic)`` for the rule-based coder, and each reviewer by name
  (``reviewer (unnamed)`` when a review decision names no coder).
* Variables and Cases: one Case per informant (name = informant id) with a SourceRef to
  their transcript and a VariableValue for ``role`` and every front-matter attribute
  (typed Integer, Float, Boolean, Date, DateTime or Text from the values; a missing value
  has no VariableValue). QualCoder ignores a named Case's SourceRef: it links a case to
  the text coded with a code of the Case's own GUID (the form it reads from NVivo, where
  cases are also nodes; checked against QualCoder's import code, not NVivo). So each
  informant also has a codable code of that GUID (named after the informant, below a
  non-codable ``Cases`` code) and one PlainTextSelection over the whole source text
  coded with it; QualCoder turns these into case links and drops the codes, other tools
  show them as codes of whole documents, and ektp-qual's importer reads them as links.
  The informant's ``name`` is exported only when the analysis was made with
  ``personal_data``; private attributes (``private_attributes`` in the codebook or the
  front matter) never; other attribute values are masked like text (as in
  ``informants.csv``) unless the analysis keeps personal data. A source's name is its
  file name, with name words, NIKs and phone numbers masked likewise.
* Sources: one TextSource per transcript, ``plainTextPath="internal://<guid>.txt"``, the
  text being the transcript body (after the front matter) as UTF-8 without BOM with
  ``\\n`` line ends, not otherwise normalised (no NFC: the offsets are ektp-qual's own).
  Characters XML 1.0 forbids (control characters) are replaced by U+FFFD, one for one,
  so no offset moves.
* One PlainTextSelection per coded sentence: ``startPosition``/``endPosition`` are 0-based
  code-point offsets into exactly that text, end-exclusive; ``name`` is the sentence
  (shortened when long); the Description lists the evidence (method, phrase, matched
  words, negator, rule, automatic/accepted/added, reviewer's note). One Coding (one
  CodeRef) per criterion and polarity, created by the coder who made or decided it
  (``creatingUser``); a selection's ``creatingUser`` is the automatic coder when any of
  its codings is credited to it, else the creator of its first coding (in codebook
  order). A coding's ``creationDateTime`` is when its review decision was made
  (``decided_at``), or the export's time for an automatic coding; a selection's is the
  earliest of its codings'.
* Offsets: ``offsets="utf16"`` writes ``startPosition``/``endPosition`` in UTF-16 code
  units (a character outside the Basic Multilingual Plane, such as an emoji, counts 2),
  as NVivo reads them, and adds ``(offsets in UTF-16 units)`` to the ``origin``; the
  default is code points.
* Personal data: unless the analysis was made with ``personal_data``, the texts are
  masked with the analysis's ``language.privacy.Masker`` (names, NIKs, phone numbers);
  masks change lengths, so every offset is mapped through ``Masker.mask_with_offsets``
  and the selection still covers exactly the (masked) sentence.
* GUIDs are uuid5 of ``GUID_NAMESPACE`` and stable ids (codebook id, criterion and
  polarity; informant; segment id; coder; variable name), lower-case without braces. The
  ZIP entries carry a fixed date, so two exports of the same analysis differ only in the
  project's ``creationDateTime`` (pass ``created`` to fix that too).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Integral, Real
from typing import TYPE_CHECKING

import pandas as pd

from .. import __version__
from ..language.privacy import MaskedText, shared_attributes, shared_file_name
from ..model import POLARITIES, Codebook, Criterion, Transcript
from .codes import criterion_code_name, polarity_code_name

if TYPE_CHECKING:
    from ..model.results import Analysis

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
#: The namespace of every GUID this module makes (uuid5); never change it.
GUID_NAMESPACE = uuid.UUID("6b0f3c52-4d8e-5a7e-9c1f-2e6f0d3a8b47")
ORIGIN = f"ektp-qual {__version__}"
AUTOMATIC_CODER = "ektp-qual (automatic)"
UNNAMED_REVIEWER = "reviewer (unnamed)"
POLARITY_COLOURS = {"positive": "#2E7D32", "negative": "#C62828"}
#: Longest selection name, in characters (longer sentences end in "...").
NAME_LENGTH = 100
#: Every ZIP entry's timestamp, so that two exports are byte-identical.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)

# Everything XML 1.0 allows: tab, line feed, carriage return and the printable planes.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


# --- names and GUIDs ------------------------------------------------------------------


def make_guid(*parts: str) -> str:
    """The GUID of a thing with this stable id (lower-case, no braces)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(parts)))


def code_guid(codebook: Codebook, criterion_id: str, polarity: str | None = None) -> str:
    """The GUID of a criterion's code, or of one of its polarity codes."""
    return make_guid("code", codebook.id, criterion_id, *([polarity] if polarity else []))


def _user_guid(name: str) -> str:
    return make_guid("user", name)


# --- public API -----------------------------------------------------------------------


def project_qdpx(
    analysis: Analysis,
    *,
    name: str | None = None,
    created: dt.datetime | None = None,
    offsets: str = "codepoints",
) -> bytes:
    """The analysis as a REFI-QDA project (``.qdpx``: a ZIP; see the module's docstring).

    ``name`` is the project's name (default: the codebook's title); ``created`` its
    ``creationDateTime`` and that of the automatic codings (default: now, UTC).
    ``offsets`` is how selections count characters (``OFFSETS``): ``"codepoints"`` as the
    standard says, or ``"utf16"`` (UTF-16 code units) as NVivo counts them.
    """
    project = _Project(analysis, offsets)
    qde = project.document(name, _timestamp(created))
    entries = [("project.qde", qde)]
    entries += [(f"sources/{s.guid}.txt", s.text.encode("utf-8")) for s in project.sources]
    return _zip(entries)


def codebook_qdc(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA codebook (``.qdc``), with the project's codes and GUIDs."""
    root = ET.Element("CodeBook", xmlns=CODEBOOK_NAMESPACE, origin=ORIGIN)
    codes = _codes(codebook)
    if not len(codes):
        raise ValueError(f"codebook {codebook.id!r} has no criteria to export")
    root.append(codes)
    return _serialise(root)


#: How selection offsets may count: the standard's code points, or NVivo's UTF-16 units.
OFFSETS = ("codepoints", "utf16")
#: Added to ``origin`` when offsets count UTF-16 units, so that a reader can tell.
UTF16_ORIGIN = "(offsets in UTF-16 units)"
#: The parent code of the case codes (see ``_case_codes``).
CASES_CODE = "Cases"


#: What a REFI-QDA export never carries (``export_losses`` adds what depends on the data).
ALWAYS_LOST = (
    "Stances (each informant's positive/negative/mixed/none per criterion) and the display "
    "matrices are not carried; another tool can count the codings but does not apply "
    "ektp-qual's reduction.",
    "The codebook's matching machinery is not carried: negators, morphology (clitics, "
    "variants, stemmer), negation window, clause breaks, irrealis and ignore lists, and the "
    "codebook's test examples. Phrase lists, evaluative words and guide questions appear "
    "only as text in the codes' descriptions, which no other tool applies.",
    "Evidence is carried as free text only: method, phrase, matched words, negator, rule, "
    "source (auto/accepted/added), coder and note are listed in each selection's "
    "Description; a Coding element has no memo. Several phrases firing for the same "
    "sentence, criterion and polarity become one Coding. Some tools (QualCoder) credit all "
    "codings of a selection to the selection's creatingUser.",
    "Review decisions are carried only through their result: rejected proposals are absent, "
    "accepted codings are credited to the reviewer who accepted them (their description "
    "says the automatic coder proposed them), added codings to the reviewer who added "
    "them, dated when they decided (decided_at); automatic codings are dated with the "
    "export.",
    "Only coded sentences become selections: the segmentation into turns and sentences, "
    "the question each sentence answers and its topic are not carried (a selection's "
    "description names its segment id, turn and sentence).",
    "Each source text is the transcript body after the front matter: line numbers in "
    "ektp-qual's tables (file lines) do not match the exported text's lines. The front "
    "matter's attributes are case variables; interviewer labels are not carried.",
    "Input notices (warnings about the transcripts or the codebook) are not carried.",
    f"Each informant's case is also a code of the case's GUID (below '{CASES_CODE}') coding "
    "the whole transcript, because QualCoder links cases to text only that way; ATLAS.ti "
    "and MAXQDA show these as codes of whole documents.",
    "REFI-QDA is a migration format: work done on the export in another tool can only come "
    "back by mapping codes by name ('<criterion> +' / '<criterion> -').",
)


def export_losses(analysis: Analysis, *, offsets: str = "codepoints") -> list[str]:
    """What the export of ``analysis`` loses or changes, one sentence each."""
    return _losses(_Project(analysis, offsets))


def _losses(project: _Project) -> list[str]:
    analysis = project.analysis
    book = analysis.codebook
    decision = book.decision
    roles = ", ".join(decision.roles) if decision.roles else "every role"
    losses = [
        "Conclusions are not carried: the decision rule "
        f"({decision.rule}, threshold {decision.threshold:g}, deciding roles: {roles}), the "
        "verdict per criterion, the overall verdict, triangulation and any comparison with "
        "expected findings exist only in ektp-qual's own tables.",
        *ALWAYS_LOST,
    ]
    review = analysis.reduction.review
    if review is not None and review.rejected:
        losses.append(
            f"{review.rejected} coding(s) rejected in review are absent from the export, "
            "with no trace of the rejection."
        )
    return [*losses, *_data_losses(project)]


def _data_losses(project: _Project) -> list[str]:
    """The losses that depend on what this export holds."""
    losses = []
    if project.personal_data:
        losses.append(
            "Personal data was asked for: the source texts are the transcripts unmasked "
            "(names, NIKs, phone numbers as written) and the informants' names, if given, are "
            "the case variable 'name'; private attributes are not exported."
        )
    else:
        masks = sum(len(s.masked.spans) for s in project.sources)
        losses.append(
            "The informants' names (front matter 'name') and private attributes are not "
            "exported"
            + (
                f"; {masks} name(s), NIK(s) or phone number(s) in the source texts are masked "
                "as [NAME], [NIK] or [PHONE], so those texts differ from the transcripts."
                if masks
                else "."
            )
        )
    wide = [s.name for s in project.sources if any(ord(ch) > 0xFFFF for ch in s.text)]
    if wide:
        which = (
            "Offsets are UTF-16 units, as NVivo counts them (--offsets utf16); QualCoder, "
            "ATLAS.ti and MAXQDA count code points and show codings after such characters "
            "shifted."
            if project.utf16
            else "Offsets are code points, as the standard says; NVivo counts UTF-16 units "
            "and shows codings after such characters shifted (export for NVivo with "
            "--offsets utf16)."
        )
        losses.append(
            f"{len(wide)} source(s) contain characters outside Unicode's basic plane (such as "
            f"emoji): {', '.join(wide[:5])}{', ...' if len(wide) > 5 else ''}. {which}"
        )
    replaced = sum(s.replaced for s in project.sources)
    if replaced:
        losses.append(
            f"{replaced} character(s) that XML 1.0 forbids (control characters) were replaced "
            "by U+FFFD in the source texts."
        )
    if project.as_text:
        losses.append(
            "Case variables with values of mixed types are exported as Text: "
            f"{', '.join(project.as_text)}."
        )
    if project.empty_variables:
        losses.append(
            f"Attributes without any value are not exported: {', '.join(project.empty_variables)}."
        )
    return losses


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
        self.codebook = analysis.codebook
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

    def document(self, name: str | None, created: str) -> bytes:
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
        _sub(root, "Description", text=self._project_description())
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

    def _project_description(self) -> str:
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
            *(f"- {loss}" for loss in _losses(self)),
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


# --- codes ----------------------------------------------------------------------------


def _codes(book: Codebook) -> ET.Element:
    codes = ET.Element("Codes")
    for criterion in book.criteria:
        parent = _sub(
            codes,
            "Code",
            guid=code_guid(book, criterion.id),
            name=criterion_code_name(criterion),
            isCodable="false",
        )
        _sub(parent, "Description", text=_criterion_description(criterion, book))
        for polarity in POLARITIES:
            child = _sub(
                parent,
                "Code",
                guid=code_guid(book, criterion.id, polarity),
                name=polarity_code_name(criterion.id, polarity),
                isCodable="true",
                color=POLARITY_COLOURS[polarity],
            )
            _sub(child, "Description", text=_polarity_description(criterion, polarity, book))
    return codes


def _criterion_description(criterion: Criterion, book: Codebook) -> str:
    lines = []
    if criterion.definition:
        lines.append(" ".join(criterion.definition.split()))
    if criterion.label_en:
        lines.append(f"English: {criterion.label_en}")
    if criterion.short:
        lines.append(f"Abbreviation: {criterion.short}")
    if criterion.questions:
        lines.append("Guide questions:")
        lines += [f"- {q}" for q in criterion.questions]
    lines.append(
        f"Criterion {criterion.id!r} of codebook {book.id!r}. Code with "
        f"'{polarity_code_name(criterion.id, 'positive')}' (positive evidence) or "
        f"'{polarity_code_name(criterion.id, 'negative')}' (negative evidence)."
    )
    return "\n".join(lines)


def _polarity_description(criterion: Criterion, polarity: str, book: Codebook) -> str:
    label = criterion.label + (f" ({criterion.label_en})" if criterion.label_en else "")
    other = "negative" if polarity == "positive" else "positive"
    phrases = criterion.positive if polarity == "positive" else criterion.negative
    evaluative = book.evaluative_positive if polarity == "positive" else book.evaluative_negative
    lines = [f"{polarity.capitalize()} evidence for {label}."]
    if phrases:
        lines.append(f"Codebook phrases: {'; '.join(phrases)}.")
    lines.append(f"A negated {other} phrase of this criterion counts here too.")
    if evaluative and criterion.questions:
        lines.append(
            f"In an answer to one of the criterion's guide questions, these general words count "
            f"here too: {'; '.join(evaluative)}."
        )
    return "\n".join(lines)


# --- values ---------------------------------------------------------------------------


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Decimal):
        return not value.is_finite()
    if isinstance(value, float):
        return not math.isfinite(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _kind(value: object) -> str:
    """The REFI-QDA variable type a single (present) value asks for."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, Integral):
        return "Integer"
    if isinstance(value, Real | Decimal):
        return "Float"
    if isinstance(value, dt.datetime):
        return "DateTime"
    if isinstance(value, dt.date):
        return "Date"
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text) and _parse(dt.date.fromisoformat, text):
            return "Date"
        if _ISO_DATETIME.fullmatch(text) and _parse(dt.datetime.fromisoformat, text):
            return "DateTime"
    return "Text"


def _parse(function, text: str) -> object | None:
    try:
        return function(text)
    except ValueError:
        return None


def _value(value: object, kind: str) -> str:
    """A present value, written as the variable's type wants it."""
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Integer":
        return str(int(value))  # type: ignore[call-overload]
    if kind == "Float":
        if isinstance(value, Integral):
            return str(int(value))
        number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))  # type: ignore[arg-type]
        return format(number, "f")
    if kind == "Date":
        return value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    if kind == "DateTime":
        moment = (
            value
            if isinstance(value, dt.datetime)
            else dt.datetime.fromisoformat(str(value).strip())
        )
        if moment.tzinfo is not None:
            return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"
        return moment.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _str(value: object) -> str:
    """A table cell as text; missing values are empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


# --- XML and ZIP ----------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", str(text))


def _sub(parent: ET.Element, tag: str, /, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element; attribute values and text are cleaned for XML 1.0."""
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= NAME_LENGTH else flat[: NAME_LENGTH - 3].rstrip() + "..."


def _timestamp(moment: dt.datetime | None) -> str:
    moment = moment or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 XML with a declaration. The tree's tags are unqualified and the root carries
    ``xmlns``, so every element is in the root's namespace and attributes in none (as
    QDA-XML wants; ElementTree's ``default_namespace`` refuses unqualified attributes)."""
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
