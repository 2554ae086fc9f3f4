"""``ektp-qual export`` and ``ektp-qual code --format``: the formats reach the disk safely."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from typer.testing import CliRunner

from ektp_qual.cli import app

runner = CliRunner()


def test_export_writes_every_format_and_says_what_refi_cannot_carry(tmp_path):
    out = tmp_path / "for-nvivo"
    result = runner.invoke(app, ["export", "-F", "xlsx,qdpx", "--format", "qdc", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "REFI-QDA export: Conclusions are not carried" in " ".join(result.output.split())
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "analysis.xlsx",
        "codebook.qdc",
        "project.qdpx",
    ]
    book = openpyxl.load_workbook(out / "analysis.xlsx", read_only=True)
    assert {"study", "checklist_matrix", "conclusions", "codebook"} <= set(book.sheetnames)
    with zipfile.ZipFile(out / "project.qdpx") as archive:
        assert "project.qde" in archive.namelist()
    assert (out / "codebook.qdc").read_bytes().startswith(b"<?xml")


def test_code_writes_the_tables_and_the_formats_asked_for(tmp_path):
    out = tmp_path / "o"
    result = runner.invoke(app, ["code", "--quiet", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"codings.csv", "conclusions.csv", "analysis.xlsx"} <= names
    workbook = openpyxl.load_workbook(io.BytesIO((out / "analysis.xlsx").read_bytes()))
    assert workbook["conclusions"]["B1"].value == "verdict"


def test_export_defaults_to_a_workbook_and_refuses_unknown_formats(tmp_path):
    result = runner.invoke(app, ["export", "-q", "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "analysis.xlsx").exists()
    wrong = runner.invoke(app, ["export", "--format", "pdf", "-o", str(tmp_path / "b")])
    assert wrong.exit_code == 2
    assert "unknown format 'pdf'" in wrong.output
    assert not (tmp_path / "b").exists()


def test_export_never_overwrites_a_researchers_file(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "analysis.xlsx").write_bytes(b"my own workbook")
    result = runner.invoke(app, ["export", "-F", "xlsx,qdc", "-o", str(out)])
    assert result.exit_code == 2
    assert "analysis.xlsx: already exists and was not written by ektp-qual" in result.output
    assert (out / "analysis.xlsx").read_bytes() == b"my own workbook"
    assert not (out / "codebook.qdc").exists()
