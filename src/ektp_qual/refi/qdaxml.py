"""The building blocks of a QDA-XML document: stable GUIDs, the codes, typed values,
XML elements and the ZIP archive. Shared by the project and codebook exports."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from numbers import Integral, Real

import pandas as pd

from .. import __version__
from ..model import POLARITIES, Codebook, Criterion
from .codes import criterion_code_name, polarity_code_name

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


#: How selection offsets may count: the standard's code points, or NVivo's UTF-16 units.
OFFSETS = ("codepoints", "utf16")
#: Added to ``origin`` when offsets count UTF-16 units, so that a reader can tell.
UTF16_ORIGIN = "(offsets in UTF-16 units)"
#: The parent code of the case codes (see ``_case_codes``).
CASES_CODE = "Cases"


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
