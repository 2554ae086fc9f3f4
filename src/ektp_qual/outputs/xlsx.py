"""The whole analysis as one Excel workbook, because many researchers live in Excel.

CSV files are the tool's contract; a workbook is how a researcher reads, filters and
annotates them: one file to open, to send to a supervisor, to sort and filter. It holds

- ``study``: what the workbook is: the tool and its version, the codebook (title, id,
  checksum), the corpus, the decision rule in words, the overall verdict, whether a
  review file and expected findings were applied, and a line on every other sheet;
- one sheet per table of ``Analysis.tables()``, under the same names as the CSV files;
- ``codebook``: one row per criterion with its definition, guide questions and phrases.

Table sheets have a bold, frozen header and an autofilter. Stances and verdicts are
coloured, and the checklist matrix also writes each stance's symbol (``+ positive``), so
colour is never the only signal. Quotes and other long texts wrap.

The workbook must open without Excel's repair prompt and must never compute anything:
cell text is transcript data, so every text is stored as text, never as a formula, and
one starting with ``=``, ``+``, ``-`` or ``@`` is also quote-prefixed, so that editing the
cell in Excel keeps it text. Characters XML 1.0 forbids are dropped, and texts longer
than a cell holds are cut with a visible marker.

Rows are streamed (openpyxl's write-only mode); per-cell styles are limited to the
coloured cells and, on sheets of up to 20,000 rows, the long-text cells.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable
from datetime import date, time
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import __version__
from ..language.privacy import shared_codebook
from ..model import STANCE_SYMBOLS, Codebook
from ..model.results import Analysis

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Sheets with more rows than this get no per-cell wrapping (it costs a styled cell each).
_WRAP_MAX_ROWS = 20_000

# Excel's limits: characters in a cell (UTF-16 units) and in a sheet name.
_MAX_CELL = 32_767
_MAX_SHEET_NAME = 31
_CUT = " […cut: the CSV has the whole text]"
# XML 1.0 forbids these control characters, surrogates and U+FFFE/U+FFFF.
_ILLEGAL = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Typed into Excel, a text starting with one of these is taken for a formula.
_FORMULA_START = frozenset("=+-@")

# Column widths in characters; long-text columns get the widest and wrap.
_MIN_WIDTH, _MAX_WIDTH, _NUMBER_WIDTH = 10, 60, 12
_LONG_TEXT = frozenset({"text", "quote", "question", "questions", "definition"})

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
# Excel's own Good / Bad / Neutral colours, and a grey for "no evidence".
_GREEN = (PatternFill("solid", fgColor="C6EFCE"), Font(color="006100"))
_RED = (PatternFill("solid", fgColor="FFC7CE"), Font(color="9C0006"))
_AMBER = (PatternFill("solid", fgColor="FFEB9C"), Font(color="9C5700"))
_GREY = (PatternFill("solid", fgColor="EDEDED"), Font(color="595959"))
Colours = dict[str, tuple[PatternFill, Font]]
_STANCE_COLOURS: Colours = {"positive": _GREEN, "negative": _RED, "mixed": _AMBER, "none": _GREY}
_VERDICT_COLOURS: Colours = {
    "met": _GREEN,
    "not met": _RED,
    "partly met": _AMBER,
    "undetermined": _AMBER,
}

_ABOUT = {
    "informants": "one row per informant: role, case attributes and source file",
    "segments": "one row per informant sentence, with the question it answers",
    "codings": "one row per piece of coded evidence, with its provenance",
    "stances": "one row per informant and criterion: the reduced stance",
    "checklist_matrix": "informants x criteria: stance (+ positive, - negative, ± mixed, "
    "· none), counts for/against and a quote",
    "role_matrix": "roles x criteria: how many informants hold each stance",
    "evidence": "per criterion and polarity, the themes with their strongest quote",
    "segments_by_code": "one row per sentence, a 0/1 column per criterion and polarity",
    "conclusions": "one row per criterion: the verdict and the numbers behind it",
    "overall": "the study's verdict",
    "triangulation": "the decision rule applied to each role alone",
    "negative_evidence": "the quotes that go against each verdict",
    "comparison": "the verdicts against the expected findings",
    "codebook": "the criteria: definitions, guide questions and phrases",
    "verification": "one row per criterion: how sure the verdict is (margin, leave-one-out, "
    "bootstrap, codebook and threshold sensitivity), robust or fragile by the rule above",
    "subgroups": "the verdict within each value of each case attribute, and each role alone",
    "threshold_sweep": "the verdict of each criterion at thresholds from 0.50 to 0.95",
}


def workbook_bytes(analysis: Analysis) -> bytes:
    """The analysis as an .xlsx file's bytes (``export.write_files`` writes them safely)."""
    book = analysis.codebook
    tables = analysis.tables()
    codebook = _codebook_table(shared_codebook(book, analysis.reduction.masker))
    workbook = Workbook(write_only=True)
    workbook.properties.creator = f"ektp-qual {__version__}"
    workbook.properties.title = f"ektp-qual analysis: {_clean(book.title)}"
    taken: set[str] = set()
    study = _study_table(analysis, {**tables, "codebook": codebook})
    _write_table(workbook.create_sheet(_sheet_name("study", taken)), study, autofilter=False)
    for name, table in tables.items():
        sheet = workbook.create_sheet(_sheet_name(name, taken))
        frozen = 2 if name == "checklist_matrix" else 0  # informant and role stay in view
        _write_table(sheet, table, frozen, _colours(name, table, book))
    _write_table(workbook.create_sheet(_sheet_name("codebook", taken)), codebook, frozen=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _codebook_table(book: Codebook) -> pd.DataFrame:
    """One row per criterion, so the workbook says what each code means."""
    return pd.DataFrame(
        [
            {
                "id": c.id,
                "label": c.label,
                "label_en": c.label_en,
                "definition": c.definition,
                "questions": "\n".join(c.questions),
                "positive": "; ".join(c.positive),
                "negative": "; ".join(c.negative),
                "n_positive": len(c.positive),
                "n_negative": len(c.negative),
            }
            for c in book.criteria
        ],
        columns=[
            "id",
            "label",
            "label_en",
            "definition",
            "questions",
            "positive",
            "negative",
            "n_positive",
            "n_negative",
        ],
    )


# -- the study sheet ------------------------------------------------------------------


def _study_table(analysis: Analysis, sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Key/value rows that make the workbook readable without the command that made it."""
    book = analysis.codebook
    summary = analysis.reduction.summary.set_index("role")
    everyone = summary.loc["all"]
    roles = summary.drop(index="all")["transcripts"]
    rows: list[tuple[str, object]] = [
        ("workbook", "a qualitative analysis: data reduction, display and conclusion drawing"),
        ("tool", f"ektp-qual {__version__}"),
        ("codebook", book.title),
        ("codebook id", book.id),
        ("codebook sha256", book.sha256[:12]),
        ("language", book.language),
        ("criteria", ", ".join(book.criterion_ids)),
        ("transcripts", int(everyone["transcripts"])),
        ("roles", ", ".join(f"{role} {n}" for role, n in roles.items())),
        ("informant sentences", int(everyone["sentences"])),
        ("codings", int(everyone["codings"])),
        ("decision rule", book.decision.in_words()),
        ("threshold", book.decision.threshold),
        ("deciding roles", ", ".join(book.decision.roles or ()) or "all"),
        ("overall verdict", _overall_in_words(analysis.conclusion.overall)),
        ("expected findings", _findings_in_words(analysis)),
        ("review", _review_in_words(analysis)),
        ("personal data", _privacy_in_words(analysis)),
    ]
    if analysis.verification is not None:
        rows.append(("verification", analysis.verification.rule))
    rows += [
        (f"sheet {name}", f"{_ABOUT.get(name, 'a table')} ({_rows(len(table))})")
        for name, table in sheets.items()
    ]
    return pd.DataFrame(rows, columns=["about", "value"], dtype=object)


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _overall_in_words(overall: pd.DataFrame) -> str:
    if overall.empty:
        return ""
    row = overall.iloc[0]
    label = f" ({row['label']})" if isinstance(row["label"], str) and row["label"] else ""
    return f"{row['verdict']}{label}: {row['met']} of {row['criteria']} criteria met"


def _findings_in_words(analysis: Analysis) -> str:
    conclusion = analysis.conclusion
    if conclusion.findings is None or conclusion.comparison is None:
        return "none given"
    source = f" ({conclusion.findings.source})" if conclusion.findings.source else ""
    if conclusion.reproduces_findings:
        return f"reproduced: every expected verdict was reached{source}"
    differ = int((~conclusion.comparison["matches"].dropna().astype(bool)).sum())
    return f"not reproduced: {differ} verdict(s) differ, see the comparison sheet{source}"


def _review_in_words(analysis: Analysis) -> str:
    review = analysis.reduction.review
    if review is None:
        return "none applied: the automatic codings alone"
    coders = f" by {', '.join(review.coders)}" if review.coders else ""
    return (
        f"applied{coders}: {review.accepted} codings accepted, {review.rejected} rejected, "
        f"{review.added} added"
    )


def _privacy_in_words(analysis: Analysis) -> str:
    if analysis.reduction.personal_data:
        return "included: names, NIK and phone numbers are not masked; do not share"
    return "masked: informants' names, NIK and phone numbers read [NAME], [NIK], [PHONE]"


# -- writing a table ------------------------------------------------------------------


def _colours(name: str, table: pd.DataFrame, book: Codebook) -> dict[str, tuple[Colours, bool]]:
    """The coloured columns of a table: colours by value, and whether to add the symbol."""
    if name == "checklist_matrix":
        return {c: (_STANCE_COLOURS, True) for c in book.criterion_ids if c in table.columns}
    coloured: dict[str, tuple[Colours, bool]] = {}
    for column in map(str, table.columns):
        if column == "stance":
            coloured[column] = (_STANCE_COLOURS, False)
        elif column == "verdict" or column.endswith("_verdict"):
            coloured[column] = (_VERDICT_COLOURS, False)
    return coloured


def _write_table(
    sheet: WriteOnlyWorksheet,
    table: pd.DataFrame,
    frozen: int = 0,
    coloured: dict[str, tuple[Colours, bool]] | None = None,
    autofilter: bool = True,
) -> None:
    """A table as a sheet: header, widths and freeze first (write-only order), then rows."""
    coloured = coloured or {}
    names = [_clean(str(c)) for c in table.columns]
    wrap_allowed = len(table) <= _WRAP_MAX_ROWS
    columns: list[Iterable[object]] = []
    for index, (name, (_, series)) in enumerate(zip(names, table.items(), strict=True), 1):
        values = _values(series)
        if name in coloured:
            colours, symbol = coloured[name]
            make = _coloured_maker(sheet, colours, symbol)
            width = _width(name, values) + (2 if symbol else 0)
        else:
            width = _width(name, values)
            wrap = _is_long(name) or (width > _MAX_WIDTH and _is_text(values))
            make = _maker(sheet, values, wrap and wrap_allowed)
            if wrap:
                width = _MAX_WIDTH
        sheet.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH)
        columns.append(values if make is None else map(make, values))
    sheet.freeze_panes = f"{get_column_letter(frozen + 1)}2"
    if autofilter and names:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(table) + 1}"
    if names:
        sheet.append([_header(sheet, name) for name in names])
    for row in zip(*columns, strict=True):
        sheet.append(row)


def _header(sheet: WriteOnlyWorksheet, name: str) -> Cell:
    cell = _text_cell(sheet, name)
    cell.font = _BOLD
    return cell


def _values(series: pd.Series) -> list[object]:
    """A column as Excel values: None for missing, plain bool/int/float, clean text."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biu":
        return series.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in series.tolist()]
    cache: dict[object, object] = {}
    values = []
    for value in series.tolist():
        try:
            cell = cache[value]
        except KeyError:
            cell = cache[value] = _value(value)
        except TypeError:  # unhashable
            cell = _value(value)
        values.append(cell)
    return values


def _value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, date | time) and getattr(value, "tzinfo", None) is None:
        return value  # Excel has no time zones: aware times are written as text
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        return _value(value.item())
    return _clean(str(value)) or None


def _clean(text: str) -> str:
    """Text Excel accepts: no XML-illegal characters, no longer than a cell holds."""
    text = _ILLEGAL.sub("", text)
    if len(text) * 2 <= _MAX_CELL or len(text.encode("utf-16-le")) // 2 <= _MAX_CELL:
        return text
    units = text.encode("utf-16-le")[: (_MAX_CELL - len(_CUT)) * 2]
    return units.decode("utf-16-le", errors="ignore") + _CUT


def _maker(
    sheet: WriteOnlyWorksheet, values: list[object], wrap: bool
) -> Callable[[object], object] | None:
    """How a plain column's values become cells: as they are, unless text needs care."""
    texts = {v for v in values if isinstance(v, str)}
    if not wrap and not any(_needs_text_cell(v) for v in texts):
        return None

    def make(value: object) -> object:
        if isinstance(value, str) and (wrap or _needs_text_cell(value)):
            cell = _text_cell(sheet, value)
            if wrap:
                cell.alignment = _WRAP
            return cell
        return value

    return make


def _coloured_maker(
    sheet: WriteOnlyWorksheet, colours: Colours, symbol: bool
) -> Callable[[object], object]:
    """Cells filled by value; with ``symbol``, the stance's symbol leads the text too."""

    def make(value: object) -> object:
        if not isinstance(value, str):
            return value
        text = f"{STANCE_SYMBOLS[value]} {value}" if symbol and value in STANCE_SYMBOLS else value
        cell = _text_cell(sheet, text)
        if value in colours:
            cell.fill, cell.font = colours[value]
        return cell

    return make


def _needs_text_cell(text: str) -> bool:
    return text[:1] in _FORMULA_START or text in ERROR_CODES


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    """A cell that holds ``text`` as text, even when it looks like a formula or an error.

    openpyxl takes a value starting with "=" for a formula; the data type is set back to
    text, and the quote prefix keeps Excel from reading it as one when the cell is edited.
    """
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    if _needs_text_cell(text):
        cell.quotePrefix = True
    return cell


# -- widths and names -----------------------------------------------------------------


def _is_long(name: str) -> bool:
    return name in _LONG_TEXT or name.endswith("_quote")


def _is_text(values: list[object]) -> bool:
    return any(isinstance(v, str) for v in values)


def _width(name: str, values: list[object]) -> int:
    """Characters of the widest value or the header (with room for the filter arrow)."""
    widest = 0
    for value in set(values):
        if isinstance(value, str):
            widest = max([widest, *map(len, value.splitlines())])
        elif isinstance(value, float):
            widest = max(widest, _NUMBER_WIDTH)
        elif value is not None:
            widest = max(widest, len(str(value)))
    return max(_MIN_WIDTH, len(name) + 3, widest + 2)


def _sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique sheet name: Excel compares them ignoring case."""
    base = _SHEET_FORBIDDEN.sub("_", _clean(name)).strip().strip("'")[:_MAX_SHEET_NAME]
    base = base or "sheet"
    candidate, n = base, 2
    while candidate.casefold() in taken or candidate.casefold() == "history":
        suffix = f"_{n}"
        candidate = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate
