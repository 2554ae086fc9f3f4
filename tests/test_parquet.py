"""Tables as Parquet (``--format parquet``, the scale extra): every table, the same rows
and values as the analysis; a streamed survey's per-sentence tables a row group per
chunk; one clear message without pyarrow; nothing of it loaded by ``--help``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.outputs import parquet

from .test_stream_survey import OPTIONS, write_survey


def _as_written(table: pd.DataFrame) -> pd.DataFrame:
    """What a reader gets back: text columns as text (a date attribute is its ISO text)."""
    plain = table.reset_index(drop=True).copy()
    for column in plain.columns:
        if plain[column].dtype == object:
            plain[column] = [
                v if v is None or isinstance(v, bool) else str(v) for v in plain[column]
            ]
    return plain


def _assert_written(path: Path, table: pd.DataFrame) -> None:
    back = pd.read_parquet(path)
    assert list(back.columns) == list(table.columns), path.name
    expected = _as_written(table)
    for column in table.columns:
        if table[column].dtype == object:
            got = [v if v is None or isinstance(v, bool) else str(v) for v in back[column]]
            assert got == list(expected[column]), (path.name, column)
        else:
            pd.testing.assert_series_equal(back[column], expected[column], obj=path.name)


def test_code_format_parquet_writes_every_table(tmp_path: Path):
    result = CliRunner().invoke(app, ["code", "-q", "--format", "parquet", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    analysis = ektp_qual.analyse()
    tables = analysis.tables()
    assert sorted(p.stem for p in tmp_path.glob("*.parquet")) == sorted(tables)
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(tables)
    for name, table in tables.items():
        _assert_written(tmp_path / f"{name}.parquet", table)
    assert len(pd.read_parquet(tmp_path / "segments.parquet")) == len(analysis.reduction.segments)


def test_a_streamed_survey_writes_a_row_group_per_chunk(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 24)
    whole = ektp_qual.analyse(ektp_qual.read_survey(path, **OPTIONS), jobs=1)
    ektp_qual.analyse_survey(
        path, out=tmp_path / "out", answers=9, formats=("csv", "parquet"), **OPTIONS
    )
    assert pq.ParquetFile(tmp_path / "out" / "segments.parquet").num_row_groups == 8
    for name, table in whole.tables().items():
        _assert_written(tmp_path / "out" / f"{name}.parquet", table)


def test_without_pyarrow_one_message_says_what_to_install(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(parquet, "pyarrow_installed", lambda: False)
    result = CliRunner().invoke(app, ["code", "-q", "--format", "parquet", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert 'pip install "ektp-qual[scale]"' in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_without_pyarrow_the_python_call_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    try:
        parquet.parquet_bytes(pd.DataFrame({"a": [1]}))
    except ModuleNotFoundError as error:
        assert 'pip install "ektp-qual[scale]"' in str(error)
    else:
        raise AssertionError("Parquet was written without pyarrow")


def test_help_loads_no_parquet_dask_or_process_pool():
    code = (
        "import sys\n"
        "from ektp_qual.cli import main\n"
        "sys.argv = ['ektp-qual', 'code', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'pyarrow', 'dask', 'distributed', 'concurrent.futures.process',"
        " 'multiprocessing.pool'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().splitlines()[-1] == "[]"
