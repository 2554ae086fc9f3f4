"""REFI-QDA export: a coded study as a ``.qdpx`` project, its codebook as a ``.qdc``.

REFI-QDA (QDA-XML 1.0, documented in "REFI-QDA 1.5") is what NVivo, ATLAS.ti, MAXQDA
and QualCoder exchange. The functions here return bytes; ``outputs.export.write_files``
writes them. The project document is built in ``refi.project_document``, from the blocks
of ``refi.qdaxml`` (GUIDs, codes, values, XML, ZIP); ``refi.losses`` says what the format
cannot carry.

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
* GUIDs are uuid5 of ``qdaxml.GUID_NAMESPACE`` and stable ids (codebook id, criterion and
  polarity; informant; segment id; coder; variable name), lower-case without braces. The
  ZIP entries carry a fixed date, so two exports of the same analysis differ only in the
  project's ``creationDateTime`` (pass ``created`` to fix that too).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..model import Codebook
from .losses import _losses
from .project_document import _Project
from .qdaxml import CODEBOOK_NAMESPACE, ORIGIN, _codes, _serialise, _timestamp, _zip

if TYPE_CHECKING:
    from ..model.results import Analysis

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
    ``offsets`` is how selections count characters (``qdaxml.OFFSETS``): ``"codepoints"`` as the
    standard says, or ``"utf16"`` (UTF-16 code units) as NVivo counts them.
    """
    project = _Project(analysis, offsets)
    qde = project.document(name, _timestamp(created), _losses(project))
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


def export_losses(analysis: Analysis, *, offsets: str = "codepoints") -> list[str]:
    """What the export of ``analysis`` loses or changes, one sentence each."""
    return _losses(_Project(analysis, offsets))
