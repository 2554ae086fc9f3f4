"""The Excel workbook: every table as a sheet, readable, coloured, and never a formula."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import ektp_qual
from ektp_qual.outputs.xlsx import workbook_bytes

STANCE_FILLS = {"positive": "C6EFCE", "negative": "FFC7CE", "mixed": "FFEB9C", "none": "EDEDED"}
SYMBOLS = {"positive": "+", "negative": "-", "mixed": "±", "none": "·"}
VERDICT_FILLS = {"met": "C6EFCE", "not met": "FFC7CE", "undetermined": "FFEB9C"}
ATTITUDE = "Bagaimana sikap petugas saat melayani?"
SPEED = "Bagaimana kecepatan proses perekaman, cepat atau lambat?"
HYPERLINK = '=HYPERLINK("http://x") Petugasnya ramah.'


@pytest.fixture(scope="module")
def sample():
    analysis = ektp_qual.analyse()
    return analysis, workbook_bytes(analysis)


@pytest.fixture
def small(corpus_dir, mini_codebook):
    """Every stance and verdict, an empty table, and answers that look like formulas."""
    corpus = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", ATTITUDE),
                    ("M1", "Sudah baik, Mas. Petugasnya ramah."),
                    ("P", SPEED),
                    ("M1", "Antriannya panjang sekali."),
                ],
            ),
            "M2": (
                "masyarakat",
                [
                    ("P", ATTITUDE),
                    ("M2", HYPERLINK),
                    ("P", "Terus?"),
                    ("M2", "=1+1 sopan."),
                    ("P", SPEED),
                    ("M2", "Bel\x07 berbunyi, antriannya panjang."),
                ],
            ),
            "P1": ("petugas", [("P", ATTITUDE), ("P1", "Kami ramah, kadang juga judes.")]),
        }
    )
    analysis = ektp_qual.analyse(corpus, mini_codebook)
    return analysis, workbook_bytes(analysis)


@pytest.fixture(params=["sample", "small"])
def either(request):
    return request.getfixturevalue(request.param)


def _rgb(cell) -> str:
    return cell.fill.fgColor.rgb[-6:]


def _plain(value: object) -> object:
    """A value as the workbook holds it: missing and empty alike, text without illegal chars."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _rows(table: pd.DataFrame) -> list[list[object]]:
    return [[_plain(v) for v in row] for row in table.itertuples(index=False)]


def test_a_real_xlsx(sample):
    _, data = sample
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"} <= names
    assert "xl/worksheets/sheet1.xml" in names


def test_a_sheet_per_table_then_the_codebook(either):
    analysis, data = either
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["study", *analysis.tables(), "codebook"]


def test_sample_has_every_table():
    assert {"comparison", "checklist_matrix", "segments"} <= set(ektp_qual.analyse().tables())


def test_headers_frozen_bold_filtered_and_widths_readable(either):
    analysis, data = either
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for name, table in analysis.tables().items():
        sheet = workbook[name]
        assert sheet.freeze_panes == ("C2" if name == "checklist_matrix" else "A2"), name
        last = openpyxl.utils.get_column_letter(len(table.columns))
        assert sheet.auto_filter.ref == f"A1:{last}{len(table) + 1}", name
        header = next(sheet.iter_rows(max_row=1))
        assert [c.value for c in header] == list(table.columns), name
        assert all(c.font.bold for c in header), name
        widths = [sheet.column_dimensions[c.column_letter].width for c in header]
        assert all(10 <= w <= 60 for w in widths), (name, widths)
    assert workbook["codebook"].freeze_panes == "B2"
    assert workbook["study"].freeze_panes == "A2"


def test_each_sheet_holds_its_table(either):
    analysis, data = either
    # dtype=object: pandas would read a text cell such as a checksum '66e723960597' as a
    # number (inf); the workbook stores it as text, as Excel shows it.
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, keep_default_na=False, dtype=object)
    criteria = analysis.codebook.criterion_ids
    for name, table in analysis.tables().items():
        read = sheets[name]
        assert list(read.columns) == list(table.columns), name
        if name == "checklist_matrix":  # "+ positive" in the sheet, "positive" in the table
            for cid in criteria:
                read[cid] = read[cid].str.split(" ", n=1).str[1]
        assert len(read) == len(table), name
        for got, expected in zip(_rows(read), _rows(table), strict=True):
            assert len(got) == len(expected)
            for g, e in zip(got, expected, strict=True):
                if isinstance(e, float):
                    assert g == pytest.approx(e), name
                else:
                    assert g == e, (name, g, e)


def test_types_survive(sample):
    analysis, data = sample
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    codings = workbook["codings"]
    columns = [c.value for c in codings[1]]
    negated = columns.index("negated") + 1
    start = columns.index("start") + 1
    cells = list(codings.iter_rows(min_row=2))
    assert {c[negated - 1].data_type for c in cells} == {"b"}
    assert {type(c[negated - 1].value) for c in cells} == {bool}
    assert {c[start - 1].data_type for c in cells} == {"n"}
    # a missing attribute (officers' position for the community) is an empty cell
    informants = workbook["informants"]
    columns = [c.value for c in informants[1]]
    position = columns.index("position")
    roles = columns.index("role")
    community = [r for r in informants.iter_rows(min_row=2) if r[roles].value == "masyarakat"]
    assert community and all(r[position].value is None for r in community)
    assert analysis.reduction.informants["position"].isna().any()


def test_checklist_stances_coloured_and_symbolised(either):
    analysis, data = either
    sheet = openpyxl.load_workbook(io.BytesIO(data))["checklist_matrix"]
    matrix = analysis.display.checklist_matrix
    columns = [c.value for c in sheet[1]]
    seen = set()
    for row, (_, expected) in zip(sheet.iter_rows(min_row=2), matrix.iterrows(), strict=True):
        for cid in analysis.codebook.criterion_ids:
            cell = row[columns.index(cid)]
            stance = expected[cid]
            assert cell.value == f"{SYMBOLS[stance]} {stance}"
            assert _rgb(cell) == STANCE_FILLS[stance]
            seen.add(stance)
    assert {"positive", "negative"} <= seen


def test_small_corpus_shows_all_four_stances(small):
    analysis, data = small
    sheet = openpyxl.load_workbook(io.BytesIO(data))["checklist_matrix"]
    fills = {_rgb(c) for row in sheet.iter_rows(min_row=2, min_col=3, max_col=5) for c in row}
    assert fills == set(STANCE_FILLS.values())
    stances = set(analysis.reduction.stances["stance"])
    assert stances == set(STANCE_FILLS)


def test_stance_and_verdict_columns_coloured(either):
    analysis, data = either
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for name, column, fills in [
        ("stances", "stance", STANCE_FILLS),
        ("conclusions", "verdict", VERDICT_FILLS),
    ]:
        sheet = workbook[name]
        index = [c.value for c in sheet[1]].index(column)
        for row in sheet.iter_rows(min_row=2):
            cell = row[index]
            assert _rgb(cell) == fills[cell.value], (name, cell.value)
    verdicts = set(analysis.conclusion.conclusions["verdict"])
    assert {"met", "not met"} <= verdicts


def test_small_corpus_has_every_verdict(small):
    analysis, _ = small
    assert set(analysis.conclusion.conclusions["verdict"]) == set(VERDICT_FILLS)
    assert analysis.conclusion.negative_evidence.empty  # an empty table still gets a sheet


def test_quotes_and_texts_wrap(either):
    _, data = either
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    wrapped = [
        ("segments", "text"),
        ("segments", "question"),
        ("evidence", "quote"),
        ("checklist_matrix", "attitude_quote"),
        ("codebook", "questions"),
    ]
    for name, column in wrapped:
        sheet = workbook[name]
        index = [c.value for c in sheet[1]].index(column)
        cells = [row[index] for row in sheet.iter_rows(min_row=2) if row[index].value]
        assert cells, (name, column)
        for cell in cells:
            assert cell.alignment.wrap_text and cell.alignment.vertical == "top", (name, column)
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width
        assert width == 60


def test_formula_like_answers_stay_inert_text(small):
    analysis, data = small
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    texts = {c.value: c for row in workbook["segments"].iter_rows(min_row=2) for c in row}
    for text in (HYPERLINK, "=1+1 sopan."):
        cell = texts[text]
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert "Bel berbunyi, antriannya panjang." in texts  # the control character is gone
    assert "Bel\x07 berbunyi, antriannya panjang." in set(analysis.reduction.segments["text"])
    read = pd.read_excel(io.BytesIO(data), sheet_name="segments")
    assert {HYPERLINK, "=1+1 sopan."} <= set(read["text"])


def test_no_formula_anywhere(either):
    _, data = either
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not ILLEGAL_CHARACTERS_RE.search(cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), name


def test_codebook_sheet(sample):
    analysis, data = sample
    read = pd.read_excel(io.BytesIO(data), sheet_name="codebook", keep_default_na=False)
    assert list(read.columns) == [
        "id",
        "label",
        "label_en",
        "definition",
        "questions",
        "positive",
        "negative",
        "n_positive",
        "n_negative",
    ]
    assert list(read["id"]) == analysis.codebook.criterion_ids
    for (_, row), criterion in zip(read.iterrows(), analysis.codebook.criteria, strict=True):
        assert row["label"] == criterion.label
        assert row["definition"] == criterion.definition
        assert row["questions"].split("\n") == list(criterion.questions)
        assert row["positive"].split("; ") == list(criterion.positive)
        assert row["negative"].split("; ") == list(criterion.negative)
        assert row["n_positive"] == len(criterion.positive)
        assert row["n_negative"] == len(criterion.negative)


def _study(data: bytes) -> dict[str, object]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["study"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("about", "value")
    assert all(len(row) == 2 for row in rows)
    return dict(rows[1:])


def test_study_sheet_says_what_the_workbook_is(sample):
    analysis, data = sample
    study = _study(data)
    book = analysis.codebook
    assert study["tool"] == f"ektp-qual {ektp_qual.__version__}"
    assert study["codebook"] == book.title
    assert study["codebook id"] == book.id
    assert study["codebook sha256"] == book.sha256[:12]
    assert study["transcripts"] == 19
    assert study["roles"] == "masyarakat 15, petugas 4"
    assert study["threshold"] == 0.75
    assert study["deciding roles"] == "masyarakat"
    assert "0.75" in study["decision rule"] and "masyarakat" in study["decision rule"]
    assert study["overall verdict"].startswith("partly met (sebagian berkualitas): 3 of 6")
    assert study["expected findings"].startswith("reproduced")
    assert study["review"].startswith("none applied")
    assert study["personal data"].startswith("masked")
    assert "sheet checklist_matrix" in study and "sheet codebook" in study


def test_study_sheet_reports_a_review(small, tmp_path, mini_codebook):
    analysis, _ = small
    codings = analysis.reduction.codings
    first = codings.iloc[0]
    review = tmp_path / "review.csv"
    review.write_text(
        "segment_id,criterion,polarity,decision,coder\n"
        f"{first['segment_id']},{first['criterion']},{first['polarity']},reject,ana\n",
        encoding="utf-8",
    )
    corpus = tmp_path / "corpus"
    reviewed = ektp_qual.analyse(corpus, mini_codebook, review=review)
    study = _study(workbook_bytes(reviewed))
    assert study["review"] == "applied by ana: 0 codings accepted, 1 rejected, 0 added"
    assert study["expected findings"] == "none given"
    assert study["overall verdict"] == "partly met: 1 of 3 criteria met"


def test_sheet_names_legal_and_unique(small, monkeypatch):
    analysis, _ = small
    table = pd.DataFrame({"a": [1]})
    odd = {"a/b:c*d?[e]\\": table, "x" * 40: table, "Study": table, "STUDY": table}
    monkeypatch.setattr(analysis, "tables", lambda: odd)
    names = openpyxl.load_workbook(io.BytesIO(workbook_bytes(analysis))).sheetnames
    assert len(names) == 6
    assert len({n.casefold() for n in names}) == 6
    for name in names:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert names[0] == "study" and names[-1] == "codebook"


def test_the_workbook_says_what_the_analysis_decided_about_personal_data(tmp_path):
    """The study sheet reads the analysis's own decision, not a guess from its columns."""
    import io

    from ektp_qual.outputs.xlsx import workbook_bytes

    for personal, word in ((False, "masked"), (True, "included")):
        analysis = ektp_qual.analyse(personal_data=personal)
        study = pd.read_excel(io.BytesIO(workbook_bytes(analysis)), sheet_name=0, dtype=object)
        facts = dict(zip(study["about"], study["value"], strict=True))
        assert facts["personal data"].startswith(word)
