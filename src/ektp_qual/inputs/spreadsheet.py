"""CSV text that a spreadsheet shows as text and never runs as a formula (CWE-1236).

Excel, LibreOffice and Google Sheets may treat a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, so an informant's answer such as
``=HYPERLINK("http://...")`` would run when a researcher opens a table.
OWASP's remedy is applied to text cells: a single quote before the cell, and the field
quoted. Numbers (``-0.5``) are left alone.

ektp-qual's own readers take the quote off again (``unescape_cell``), so writing and
reading back is lossless: a cell that began with quotes before such a character gets
one more quote when written, and loses exactly one when read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def escape_cell(text: str) -> str:
    """The text as a spreadsheet-safe cell: a quote before a would-be formula."""
    if _NEEDS_QUOTE.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The text a cell written by ``escape_cell`` had: the added quote taken off."""
    return text[1:] if _ESCAPED.match(text) else text


def table_csv_text(table: pd.DataFrame, *, safe: bool = True) -> str:
    """The table as CSV text without index, its text cells escaped when ``safe``.

    pandas' CSV rules write the file and format the numbers (``plain_csv_text``). A cell
    they cannot be asked to quote,
    an escaped one or one with a carriage return (which a reader takes for a line end),
    goes through as a token and is put back quoted.
    """
    special: dict[tuple[int, int], str] = {}  # (column, row; -1 the header): quoted cell
    for n, name in enumerate(table.columns):
        _mark(special, n, -1, str(name), safe)
        values = table.iloc[:, n]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype):
            rows = _attention_rows(values)
            # One take for all the rows: a survey's checklist has a flagged cell in every
            # row ("+2 / -1"), and pandas' indexing cell by cell cost seconds.
            for i, cell in zip(rows, values.take(rows).tolist(), strict=True):
                if isinstance(cell, str) and (cell[:1] in _ATTENTION or "\r" in cell):
                    _mark(special, n, i, cell, safe)
    if not special:
        return plain_csv_text(table)
    quoted = list(special.values())
    for code in range(0xE000, 0xF900):  # a private-use character no cell holds
        token = chr(code)
        out = table.copy()
        header = [str(name) for name in table.columns]
        columns: dict[int, np.ndarray] = {}
        for k, (n, i) in enumerate(special):
            if i < 0:
                header[n] = f"{token}{k}{token}"
            else:
                if n not in columns:
                    columns[n] = table.iloc[:, n].astype(object).to_numpy(copy=True)
                columns[n][i] = f"{token}{k}{token}"
        for n, cells in columns.items():
            out.isetitem(n, cells)
        out.columns = header
        text = plain_csv_text(out)
        if text.count(token) == 2 * len(special):
            return re.sub(f"{token}(\\d+){token}", lambda m: quoted[int(m[1])], text)
    raise ValueError("every private-use character occurs in the table")


def plain_csv_text(table: pd.DataFrame) -> str:
    """``table.to_csv(index=False, lineterminator="\\n")``, byte for byte, built by Arrow's
    string kernels where every column is text, whole numbers, floats or booleans.

    pandas' writer converts every cell to a Python object first, and was a third of a
    streamed survey's time; Arrow's own CSV writer quotes every string, so it cannot
    give the same file. A field is quoted when it holds a comma, a quote or a line feed,
    its quotes doubled; a missing value is empty; a float is written as Python writes it.
    Tables of other types, of one column (whose empty fields pandas quotes) or of no
    rows go to pandas.
    """
    text = _arrow_csv_text(table) if table.shape[1] > 1 and len(table) else None
    return table.to_csv(index=False, lineterminator="\n") if text is None else text


#: Rows turned into text at a time: the Arrow arrays of a chunk, not of the whole table,
#: are held beside the text.
_CSV_CHUNK = 50_000


def _arrow_csv_text(table: pd.DataFrame) -> str | None:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # the default install: no pyarrow, pandas writes
        return None
    if not all(isinstance(name, str | int) for name in table.columns):
        return None
    lines = [",".join(_csv_field(str(name)) for name in table.columns)]
    for start in range(0, len(table), _CSV_CHUNK):
        rows = _arrow_rows(table.iloc[start : start + _CSV_CHUNK], pa, pc)
        if rows is None:
            return None
        lines.append("\n".join(rows.to_pylist()))
    lines.append("")
    return "\n".join(lines)


def _arrow_rows(table: pd.DataFrame, pa, pc):
    """Each row of ``table`` as one line of CSV, or None for a column of another type."""
    text = pa.large_string()
    cells = []
    for k in range(table.shape[1]):
        column = table.iloc[:, k]
        dtype = column.dtype
        if dtype == np.bool_:
            cells.append(pc.if_else(pa.array(column.to_numpy()), "True", "False").cast(text))
        elif pd.api.types.is_integer_dtype(dtype):
            cells.append(pa.array(column, from_pandas=True).cast(text))
        elif dtype == np.float64:
            floats = [None if x != x else repr(x) for x in column.tolist()]
            cells.append(pa.array(floats, text))
        elif isinstance(dtype, pd.StringDtype | pd.CategoricalDtype) or dtype == np.object_:
            try:
                values = pa.array(column, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return None
            if pa.types.is_dictionary(values.type):
                values = values.dictionary_decode()
            if pa.types.is_null(values.type):
                values = values.cast(text)
            if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
                return None
            cells.append(_quoted(values.cast(text), pc, pa.scalar('"', text)))
        else:
            return None
    return pc.binary_join_element_wise(*cells, pa.scalar(",", text), null_handling="replace")


def _quoted(values, pc, quote):
    """Text cells as pandas quotes them: in quotes, the quotes doubled, when they hold a
    comma, a quote or a line feed."""
    needs = pc.match_substring_regex(values, '[,"\n]')
    doubled = pc.replace_substring(values, '"', '""')
    empty = pc.replace_substring(quote, '"', "")
    return pc.if_else(needs, pc.binary_join_element_wise(quote, doubled, quote, empty), values)


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


_ATTENTION = frozenset("'" + FORMULA_STARTS)


def _attention_rows(values: pd.Series) -> Iterable[int]:
    """The rows of a text column whose cell may need quoting by hand: found by pandas'
    string methods, since a Python loop over every cell of a survey's tables costs as
    much as writing them; a column with no text at all is looked at cell by cell."""
    try:
        text = values.str
    except AttributeError:  # no text in the column: pandas refuses .str
        return range(len(values))
    flagged = text[:1].isin(list(_ATTENTION)) | text.contains("\r", regex=False).fillna(False)
    return np.flatnonzero(flagged.to_numpy(dtype=bool, na_value=False))


def _mark(special: dict[tuple[int, int], str], n: int, i: int, cell: str, safe: bool) -> None:
    """Note the cell if it must be written quoted by hand (see ``table_csv_text``)."""
    if safe:
        cell = escape_cell(cell)
    if _ESCAPED.match(cell) or "\r" in cell:
        special[n, i] = '"' + cell.replace('"', '""') + '"'


def csv_rows_text(rows: Iterable[Sequence[str]], delimiter: str = ",", newline: str = "\n") -> str:
    """Rows of cells (already escaped) as CSV text, every escaped cell quoted.

    The other cells are quoted only where CSV needs it, as Python's ``csv`` module does.
    """
    special = re.compile(f'^{_ESCAPED.pattern}|[{re.escape(delimiter)}"\r\n]')

    def field(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if special.search(cell) else cell

    lines = []
    for row in rows:
        line = delimiter.join(map(field, row))
        lines.append(line if line or len(row) != 1 else '""')
    return newline.join(lines) + newline if lines else ""
