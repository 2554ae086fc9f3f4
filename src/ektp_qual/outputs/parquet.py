"""Tables as Parquet, for corpora whose CSV is slow to write and to read back.

pyarrow is an optional extra (``pip install "ektp-qual[scale]"``), imported only here
and only when Parquet is asked for. Every table keeps its columns, in order, with the
types pandas gives them; a text column whose cells are of several kinds (a case
attribute that is a date for one informant and text for another) is written as text,
as the CSV writes it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

#: What to run when pyarrow is missing.
SCALE_EXTRA = 'pip install "ektp-qual[scale]"'


def pyarrow_installed() -> bool:
    """Whether Parquet can be written, without importing pyarrow."""
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            f"Parquet needs pyarrow, which is not installed: {SCALE_EXTRA}"
        ) from None
    return pyarrow


def arrow_table(table: pd.DataFrame):
    """The table as an Arrow table: mixed text columns as text, no index."""
    pa = _pyarrow()
    plain = table.reset_index(drop=True)
    for column in plain.columns:
        if plain[column].dtype == object and pd.api.types.infer_dtype(
            plain[column], skipna=True
        ) not in ("string", "empty", "boolean", "integer", "floating"):
            plain[column] = plain[column].map(lambda v: v if v is None else str(v))
    return pa.Table.from_pandas(plain, preserve_index=False)


def parquet_bytes(table: pd.DataFrame) -> bytes:
    """One table as a Parquet file (zstd-compressed)."""
    pa = _pyarrow()
    sink = io.BytesIO()
    pa.parquet.write_table(arrow_table(table), sink, compression="zstd")
    return sink.getvalue()


class ParquetAppender:
    """A Parquet file written one row group per chunk (a streamed table), each chunk
    cast to the first chunk's columns and types."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer = None
        self._schema = None

    def add(self, table: pd.DataFrame) -> None:
        pa = _pyarrow()
        arrow = arrow_table(table)
        if self._writer is None:
            fields = [
                pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                for f in arrow.schema
            ]
            self._schema = pa.schema(fields)
            self._writer = pa.parquet.ParquetWriter(
                str(self.path), self._schema, compression="zstd"
            )
        self._writer.write_table(arrow.cast(self._schema))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
