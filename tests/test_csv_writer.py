"""The CSV tables are written as pandas writes them, byte for byte, however they are built.

Arrow's string kernels build the text of tables of text, whole numbers, floats and
booleans (pandas' own writer was a third of a streamed survey's time); anything else goes
through pandas. Either way the bytes must be pandas' (``to_csv(index=False,
lineterminator="\\n")``), so that files, checksums and readers never change.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ektp_qual.inputs import spreadsheet
from ektp_qual.inputs.spreadsheet import plain_csv_text

TRICKY = ["", "a", "a,b", 'say "hi"', "two\nlines", "cr\ronly", " lead", "tab\tx", "é ñ 漢", "#"]

texts = st.one_of(st.none(), st.sampled_from(TRICKY), st.text(max_size=12))
floats = st.one_of(st.just(float("nan")), st.floats(allow_nan=False, allow_infinity=True))


def _pandas(table: pd.DataFrame) -> str:
    return table.to_csv(index=False, lineterminator="\n")


@settings(max_examples=150, deadline=None)
@given(
    rows=st.integers(min_value=0, max_value=6).flatmap(
        lambda n: st.tuples(
            st.lists(texts, min_size=n, max_size=n),
            st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n),
            st.lists(floats, min_size=n, max_size=n),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    ),
    kind=st.sampled_from(["str", "object", "category"]),
)
def test_a_table_is_written_as_pandas_writes_it(rows, kind):
    words, whole, real, truth = rows
    table = pd.DataFrame(
        {
            "text": pd.Series(words, dtype=kind),
            "n": pd.Series(whole, dtype="int64"),
            "share": pd.Series(real, dtype="float64"),
            "negated": pd.Series(truth, dtype="bool"),
            'a "quoted", name': pd.Series(words, dtype="str"),
        }
    )
    assert plain_csv_text(table) == _pandas(table)


@pytest.mark.parametrize(
    "table",
    [
        pd.DataFrame({"only": pd.Series(["", None, "x"], dtype="str")}),  # pandas quotes ""
        pd.DataFrame({"a": pd.Series([None, None], dtype=object), "b": [None, None]}),
        pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": ["x", "y,z"]}),
        pd.DataFrame({"when": pd.to_datetime(["2024-01-02", None]), "b": ["x", "y"]}),
        pd.DataFrame({"mixed": [1, "two"], "b": ["x", "y"]}),
        pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="int64")}),
        pd.DataFrame({0: [1.5, np.nan], 1: ["x", None]}),
    ],
)
def test_tables_of_other_shapes_and_types_are_written_as_pandas_writes_them(table):
    assert plain_csv_text(table) == _pandas(table)


def test_without_pyarrow_pandas_writes_the_table(monkeypatch):
    """The default install has no pyarrow (it comes with the scale extra)."""
    monkeypatch.setitem(sys.modules, "pyarrow.compute", None)
    table = pd.DataFrame({"text": ["a,b", None], "n": [1, 2]})
    assert plain_csv_text(table) == _pandas(table)


def test_a_table_longer_than_a_chunk_is_written_whole(monkeypatch):
    monkeypatch.setattr(spreadsheet, "_CSV_CHUNK", 2)
    table = pd.DataFrame(
        {"text": ["a", None, 'b "c"', "d,e", "f\ng"], "n": [1, 2, 3, 4, 5], "x": [0.5] * 5}
    )
    assert plain_csv_text(table) == _pandas(table)
