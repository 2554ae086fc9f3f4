"""Personal data in the forms people write it: phone numbers, NIKs and names with clitics."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ektp_qual
from ektp_qual.inputs.sample import sample_codebook
from ektp_qual.language.privacy import NAME_MASK, NIK_MASK, PHONE_MASK, Masker
from ektp_qual.language.words import WordKeys

from .conftest import MINI_CODEBOOK

# Prefixes of Indonesian mobile operators (Telkomsel, Indosat, XL, Axis, Smartfren, Tri).
_OPERATORS = [
    "811", "812", "813", "814", "815", "816", "817", "818", "819", "821", "822", "823",
    "851", "852", "853", "855", "856", "857", "858", "859", "877", "878", "881", "882",
    "883", "884", "885", "886", "887", "888", "889", "895", "896", "897", "898", "899",
]  # fmt: skip
# Area codes from Jakarta (21) to Bandar Lampung (721) and Manokwari (986).
_AREAS = ["21", "22", "24", "31", "61", "274", "361", "411", "721", "778", "986"]
_SEPARATORS = st.sampled_from(["", " ", "-", "\u2013", "."])


@st.composite
def _groups(draw, digits: str) -> str:
    """The digits in two or three groups, each joined by a separator of its own."""
    cuts = sorted(draw(st.sets(st.integers(3, len(digits) - 3), min_size=1, max_size=2)))
    cuts = [c for i, c in enumerate(cuts) if i == 0 or c - cuts[i - 1] >= 2]
    pieces = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    return "".join(p + draw(_SEPARATORS) for p in pieces[:-1]) + pieces[-1]


@st.composite
def mobile_numbers(draw) -> str:
    """An Indonesian mobile number as people write it: 0812..., (0812)..., +62 812..., 62..."""
    operator = draw(st.sampled_from(_OPERATORS))
    subscriber = draw(st.text(alphabet="0123456789", min_size=6, max_size=8))
    rest = draw(_groups(subscriber))
    separator = draw(_SEPARATORS)
    prefix = draw(
        st.sampled_from(
            [
                "0" + operator + separator,
                f"(0{operator}) ",
                f"(0{operator})",
                "+62" + draw(_SEPARATORS) + operator + separator,
                "62" + draw(st.sampled_from(["", " "])) + operator + separator,
            ]
        )
    )
    return prefix + rest


@st.composite
def landline_numbers(draw) -> str:
    """An Indonesian landline with its area code: 021-5551234, (0721) 123 4567, +62 21 ..."""
    area = draw(st.sampled_from(_AREAS))
    first = draw(st.sampled_from("23456789"))
    subscriber = first + draw(st.text(alphabet="0123456789", min_size=6, max_size=7))
    rest = draw(st.one_of(st.just(subscriber), _groups(subscriber)))
    separator = draw(st.sampled_from([" ", "-", "\u2013"]))
    prefix = draw(st.sampled_from([f"0{area}{separator}", f"(0{area}) ", f"+62 {area}{separator}"]))
    return prefix + rest


_DIGITS = re.compile(r"\d")


@pytest.mark.parametrize(
    "number",
    ["62 812 3456 7891", "(0812) 3456-7893", "0812\u20133456\u20137895", "0812.3456.7890"],
)
def test_masks_the_phone_forms_of_the_attack(number):
    assert Masker()(f"HP saya {number}, Bu.") == f"HP saya {PHONE_MASK}, Bu."


@settings(max_examples=300, deadline=None)
@given(mobile_numbers(), st.sampled_from(["HP saya {} ya.", "{}", "WA: {}, Mas", "({})"]))
def test_masks_every_written_form_of_a_mobile_number(number, sentence):
    text = sentence.format(number)
    masked = Masker()(text)
    assert PHONE_MASK in masked
    assert not _DIGITS.search(masked), (text, masked)
    spans = Masker().mask_with_offsets(text)
    assert spans.text == masked


@settings(max_examples=200, deadline=None)
@given(mobile_numbers(), mobile_numbers(), st.sampled_from([" ", " / ", ", ", " atau "]))
def test_two_mobile_numbers_side_by_side_leave_no_digit(first, second, between):
    """Two numbers in groups with only a space between can read as one NIK and a rest."""
    text = f"HP saya {first}{between}{second} ya."
    masked = Masker()(text)
    assert not _DIGITS.search(masked), (text, masked)
    assert Masker().mask_with_offsets(text).text == masked


@settings(max_examples=200, deadline=None)
@given(landline_numbers(), st.sampled_from(["Telepon kantor {} ya.", "{}", "Hubungi {}, Pak"]))
def test_masks_landlines_with_their_area_code(number, sentence):
    text = sentence.format(number)
    masked = Masker()(text)
    assert PHONE_MASK in masked
    assert not _DIGITS.search(masked), (text, masked)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.lists(st.sampled_from(["", " ", ".", "-", "\u2013"]), min_size=3, max_size=3),
)
def test_masks_a_nik_written_in_groups_of_four(nik, separators):
    written = "".join(nik[i : i + 4] + s for i, s in zip(range(0, 12, 4), separators, strict=True))
    written += nik[12:]
    assert Masker()(f"NIK saya {written} ya.") == f"NIK saya {NIK_MASK} ya."


@pytest.mark.parametrize(
    "text",
    [
        "Nomor antrian 150, jam 07.30 sampai 14.00.",
        "Biayanya Rp 150.000, tanggal 18-04-2013.",
        "Tahun 2013 bulan 4, umur 45.",
    ],
)
def test_leaves_prices_dates_and_times_alone(text):
    assert Masker()(text) == text


_NAMES = ["Sumarni", "Bambang", "Hartono", "Ratna", "Wahyuni"]


@cache
def _sample_keys_masker(names: tuple[str, ...]) -> Masker:
    """A masker reading names with the Gronroos codebook's Indonesian word keys."""
    book = ektp_qual.read_codebook(sample_codebook())
    return Masker([f"Bu {name}" for name in names], WordKeys(book.morphology))


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(_NAMES),
    st.sampled_from(["nya", "lah", "kah", "pun", "-nya", "nyalah", ""]),
    st.sampled_from(["{} yang bilang.", "Kata {}, sudah.", "Itu {}!", "({})"]),
)
def test_masks_a_name_with_the_clitics_the_coder_strips(name, clitic, sentence):
    mask = _sample_keys_masker(tuple(_NAMES))
    for written in (name, name.lower(), name.upper()):
        text = sentence.format(written + clitic)
        assert mask(text) == sentence.format(NAME_MASK), text


def test_a_root_that_ends_like_a_clitic_is_not_a_name():
    mask = _sample_keys_masker(("Masa",))
    assert mask("Masalahnya di blangko, kata Masa.") == f"Masalahnya di blangko, kata {NAME_MASK}."
    assert mask("Masanya sudah habis.") == f"{NAME_MASK} sudah habis."


def test_tables_mask_names_with_clitics_and_phone_forms(tmp_path, mini_codebook):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Bu Sumarni\n---\n"
        "P: Bagaimana sikap petugas?\n"
        "M1: Petugasnya ramah, kata Sumarninya. HP saya 62 812 3456 7891 atau "
        "(0812) 3456-7893 atau 0812\u20133456\u20137895.\n",
        encoding="utf-8",
    )
    result = ektp_qual.analyse(folder, mini_codebook)
    texts = " ".join(result.reduction.segments["text"])
    assert "Sumarni" not in texts
    assert not _DIGITS.search(texts), texts
    assert result.reduction.codings["text"].tolist() == [f"Petugasnya ramah, kata {NAME_MASK}."]


# -- case attributes and file names ---------------------------------------------------------

_PERSONAL = ("Bambang", "Hartono", "3171012345678999", "0812 1111 2222", "Sumarni")


def _informant_corpus(folder, private: str = "") -> None:
    """Two interviews whose front matter and file names carry personal data."""
    folder.mkdir()
    (folder / "Bambang_Hartono_Z02.txt").write_text(
        "---\ninformant: Z02\nrole: masyarakat\nname: Pak Bambang Hartono\n"
        'nik: "3171012345678999"\ntelepon: 0812 1111 2222\n'
        "alamat: Jl. Melati 3, rumah Bambang\nkelurahan: Sawah Lama\nage: 45\n"
        f"{private}---\nP: Bagaimana sikap petugas?\nZ02: Petugasnya ramah.\n",
        encoding="utf-8",
    )
    (folder / "SumarniM1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Bu Sumarni\nnik: 3171012345678998\n---\n"
        "Catatan wawancara, hubungi 0812 1111 2222.\n"
        "P: Bagaimana sikap petugas?\nM1: Petugasnya judes.\n",
        encoding="utf-8",
    )


def _leaks(data: bytes | str, private: tuple[str, ...] = ()) -> list[str]:
    """The personal data (and the private attribute values) the text still holds."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return [word for word in (*_PERSONAL, *private) if word.lower() in text.lower()]


def _written(folder) -> dict[str, bytes]:
    """Every file under a folder, with the parts of .xlsx and .qdpx archives opened."""
    import zipfile

    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in (".xlsx", ".qdpx"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    found[f"{path.name}/{member}"] = archive.read(member)
        else:
            found[path.name] = path.read_bytes()
    return found


def test_attributes_and_file_names_are_masked_in_every_table(tmp_path, mini_codebook):
    folder = tmp_path / "c"
    _informant_corpus(folder)
    result = ektp_qual.analyse(folder, mini_codebook)
    for name, table in result.tables().items():
        assert not _leaks(table.to_csv()), (name, _leaks(table.to_csv()))
    row = result.reduction.informants.set_index("informant").loc["Z02"]
    assert row["nik"] == NIK_MASK and row["telepon"] == PHONE_MASK
    assert row["alamat"] == f"Jl. Melati 3, rumah {NAME_MASK}"
    assert row["source"] == f"{NAME_MASK}_{NAME_MASK}_Z02.txt"
    assert row["age"] == 45 and row["kelurahan"] == "Sawah Lama"
    assert result.reduction.informants.set_index("informant").loc["M1", "source"] == (
        f"{NAME_MASK}M1.txt"
    )
    personal = ektp_qual.analyse(folder, mini_codebook, personal_data=True)
    row = personal.reduction.informants.set_index("informant").loc["Z02"]
    assert row["nik"] == "3171012345678999" and row["source"] == "Bambang_Hartono_Z02.txt"


def test_private_attributes_are_never_exported(tmp_path, mini_codebook):
    folder = tmp_path / "c"
    _informant_corpus(folder, private="private_attributes: [telepon]\n")
    book = tmp_path / "private.yaml"
    book.write_text(
        mini_codebook.read_text(encoding="utf-8") + "private_attributes: [alamat, NIK]\n",
        encoding="utf-8",
    )
    for personal_data in (False, True):
        result = ektp_qual.analyse(folder, book, personal_data=personal_data)
        for table in result.tables().values():
            assert not {"nik", "telepon", "alamat", "private_attributes"} & set(table.columns)
            text = table.to_csv()
            assert "Melati" not in text and "1111" not in text and "31710123" not in text
    assert ektp_qual.read_codebook(book).sha256 == ektp_qual.read_codebook(mini_codebook).sha256


def test_no_export_carries_personal_data(tmp_path, mini_codebook):
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    folder = tmp_path / "c"
    _informant_corpus(folder, private="private_attributes: [alamat]\n")
    out = tmp_path / "out"
    runner = CliRunner()
    common = ["-t", str(folder), "-c", str(mini_codebook)]
    runs = [
        ["code", *common, "-o", str(out / "code")],
        ["export", *common, "--format", "xlsx", "--format", "qdpx", "-o", str(out / "export")],
        ["report", *common, "-o", str(out / "report.html")],
        ["kwic", "petugas", *common, "-o", str(out / "kwic.csv")],
    ]
    for args in runs:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert not _leaks(result.output, ("Melati",)), (args[0], result.output)
    for name, data in _written(out).items():
        assert not _leaks(data, ("Melati",)), (name, _leaks(data, ("Melati",)))
    project = _written(out / "export")["project.qdpx/project.qde"].decode("utf-8")
    assert f'name="{NAME_MASK}_{NAME_MASK}_Z02.txt"' in project
    assert 'name="alamat"' not in project and 'name="telepon"' in project


def test_imported_codings_never_name_the_informant(tmp_path, mini_codebook):
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    folder = tmp_path / "c"
    _informant_corpus(folder)
    runner = CliRunner()
    common = ["-t", str(folder), "-c", str(mini_codebook)]
    exported = tmp_path / "export"
    result = runner.invoke(
        app, ["export", *common, "--format", "qdpx", "--personal-data", "-o", str(exported)]
    )
    assert result.exit_code == 0, result.output
    assert b"Bambang_Hartono_Z02.txt" in _written(exported)["project.qdpx/project.qde"]
    out = tmp_path / "imported"
    result = runner.invoke(app, ["import", str(exported / "project.qdpx"), *common, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not _leaks(result.output), result.output
    table = (out / "imported_codings.csv").read_text(encoding="utf-8")
    assert "Z02" in table and not _leaks(table), _leaks(table)


def test_warnings_on_the_terminal_are_masked(tmp_path, mini_codebook):
    folder = tmp_path / "c"
    _informant_corpus(folder)
    result = ektp_qual.analyse(folder, mini_codebook)
    shown = "\n".join(map(str, result.reduction.notices))
    assert f"{NAME_MASK}M1.txt:7: text before the first speaker turn" in shown
    assert f"hubungi {PHONE_MASK}." in shown
    assert not _leaks(shown), shown
    personal = ektp_qual.analyse(folder, mini_codebook, personal_data=True)
    assert "SumarniM1.txt:7" in "\n".join(map(str, personal.reduction.notices))


@pytest.mark.parametrize(
    ("front_matter", "problem"),
    [
        ("private_attributes: [telpon]\n", "'telpon', which this front matter does not have"),
        ("private_attributes: {nik: yes}\n", "must list keys of this front matter"),
    ],
)
def test_a_private_attribute_the_front_matter_lacks_is_an_error(
    tmp_path, mini_codebook, front_matter, problem
):
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    folder = tmp_path / "c"
    _informant_corpus(folder, private=front_matter)
    result = CliRunner().invoke(app, ["code", "-t", str(folder), "-c", str(mini_codebook)])
    assert result.exit_code == 2
    assert problem in result.output and "Bambang_Hartono_Z02.txt:10" in result.output
    assert "Traceback" not in result.output


def test_codebook_private_attributes_must_be_keys(write, mini_codebook):
    book = write("bad.yaml", mini_codebook.read_text(encoding="utf-8") + "private_attributes: 3\n")
    with pytest.raises(ektp_qual.InputError, match="'private_attributes' must be a list"):
        ektp_qual.read_codebook(book)


def test_warns_of_a_codebook_private_attribute_no_transcript_has(tmp_path, mini_codebook):
    folder = tmp_path / "c"
    _informant_corpus(folder)
    book = tmp_path / "private.yaml"
    book.write_text(
        mini_codebook.read_text(encoding="utf-8") + "private_attributes: [telpon, nik]\n",
        encoding="utf-8",
    )
    notices = [str(n) for n in ektp_qual.analyse(folder, book).reduction.notices]
    assert [n for n in notices if "private_attributes" in n] == [
        f"{book}: private_attributes names 'telpon', which no transcript has: check the "
        "spelling against the front matter"
    ]


def test_validate_shows_no_personal_data(tmp_path, mini_codebook):
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    folder = tmp_path / "c"
    _informant_corpus(folder)
    result = CliRunner().invoke(app, ["validate", "-t", str(folder), "-c", str(mini_codebook)])
    assert f"{NAME_MASK}M1.txt" in result.output and PHONE_MASK in result.output
    assert not _leaks(result.output), result.output


def test_validate_masks_unless_personal_data_is_asked_for(tmp_path, mini_codebook):
    import ektp_qual

    folder = tmp_path / "c"
    _informant_corpus(folder)
    masked = ektp_qual.validate(folder, mini_codebook)
    kept = ektp_qual.validate(folder, mini_codebook, personal_data=True)
    shown = " ".join(masked["source"]) + " ".join(masked["message"])
    assert not _leaks(shown) and f"{NAME_MASK}M1.txt" in shown
    assert "SumarniM1.txt" in " ".join(kept["source"])


@pytest.mark.parametrize("informant", ["Sumarni", "Bu_Sumarni", "M1-3171012345678998"])
def test_an_informant_id_that_holds_personal_data_is_refused_unless_asked_for(
    tmp_path, mini_codebook, informant
):
    """Ids key every table, so one holding a name or a NIK would reach every export."""
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text(
        f"---\ninformant: {informant}\nrole: masyarakat\nname: Bu Sumarni\n"
        "nik: 3171012345678998\n---\nP: Bagaimana sikap petugas?\nX: Petugasnya ramah.\n",
        encoding="utf-8",
    )
    args = ["code", "-q", "-t", str(folder), "-c", str(mini_codebook)]
    refused = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "out")])
    assert refused.exit_code == 2
    assert "a.txt:2" in refused.output and "give the informant a code" in refused.output
    assert not (tmp_path / "out").exists()
    asked = ektp_qual.analyse(folder, mini_codebook, personal_data=True)
    assert asked.reduction.informants["informant"].tolist() == [informant]


def test_masking_a_column_masks_each_text_and_keeps_its_type(tmp_path, mini_codebook):
    """Masked columns are put back from their distinct texts: each row must still be its
    own text masked, a sentence said again and a column nothing is masked in included."""
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Bu Sumarni\n---\n"
        "P: Bagaimana sikap petugas, Bu Sumarni?\n"
        "M1: Petugasnya ramah, kata Sumarni. Iya. Petugasnya ramah.\n"
        "P: Terus?\n"
        "M1: Iya. Petugasnya ramah, kata Sumarni.\n",
        encoding="utf-8",
    )
    (folder / "M2.txt").write_text(
        "---\ninformant: M2\nrole: masyarakat\n---\nP: Sudah lama?\nM2: Baru kemarin.\n",
        encoding="utf-8",
    )
    shown = ektp_qual.reduce(folder, mini_codebook, personal_data=True)
    masked = ektp_qual.reduce(folder, mini_codebook)
    mask = masked.masker
    for table in ("segments", "codings"):
        plain, done = getattr(shown, table), getattr(masked, table)
        for column in ("text", "question") if table == "segments" else ("text",):
            assert done[column].tolist() == [mask(t) for t in plain[column]]
            assert done[column].dtype == plain[column].dtype
    assert "Sumarni" not in " ".join(masked.segments["text"])
    nothing = ektp_qual.reduce(folder / "M2.txt", mini_codebook)
    assert nothing.codings.empty
    assert nothing.codings["text"].dtype == shown.codings["text"].dtype


def test_every_row_carries_its_own_informants_attributes(tmp_path, mini_codebook):
    """Attributes are taken to each row by its informant: one an informant lacks is empty
    on that informant's rows only, and a number stays a number."""
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "A1.txt").write_text(
        "---\ninformant: A1\nrole: masyarakat\nage: 40\nkelurahan: Sawah Lama\n---\n"
        "P: Bagaimana sikap petugas?\nA1: Petugasnya ramah. Antriannya panjang.\n",
        encoding="utf-8",
    )
    (folder / "A2.txt").write_text(
        "---\ninformant: A2\nrole: masyarakat\nage: 51\n---\n"
        "P: Bagaimana sikap petugas?\nA2: Petugasnya judes.\n",
        encoding="utf-8",
    )
    reduction = ektp_qual.reduce(folder, mini_codebook)
    for table in (reduction.segments, reduction.codings, reduction.stances):
        assert list(table.index) == list(range(len(table)))
        assert table["age"].tolist() == [{"A1": 40, "A2": 51}[i] for i in table["informant"]]
        assert table["age"].dtype == "int64"
        lacking = table["kelurahan"].isna()
        assert lacking.tolist() == (table["informant"] == "A2").tolist()
        assert set(table.loc[~lacking, "kelurahan"]) == {"Sawah Lama"}


def test_a_name_in_what_a_phrase_matched_is_masked_in_every_table(tmp_path, mini_codebook):
    """A codebook written alongside the interviews may hold an informant's name in a phrase
    ("dibantu Sumarni"); what it matched, its theme in the evidence matrix and an aspect
    named in an answer carried the name unmasked."""
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Bu Sumarni\n---\n"
        "P: Bagaimana sikap petugas?\nM1: Saya dibantu Sumarninya, ramah.\n"
        "P: Kalau bisa ngubah satu hal?\nM1: Proses perekamannya, kata Sumarni.\n",
        encoding="utf-8",
    )
    book = tmp_path / "named.yaml"
    book.write_text(
        MINI_CODEBOOK.replace("murah senyum]", "murah senyum, dibantu sumarni]"),
        encoding="utf-8",
    )
    result = ektp_qual.analyse(folder, book)
    assert f"dibantu {NAME_MASK}" in result.reduction.codings["phrase"].tolist()
    assert "structural" in result.reduction.codings["method"].tolist()  # the aspect named
    for name, table in result.tables().items():
        assert "sumarni" not in table.to_csv().lower(), name
    personal = ektp_qual.analyse(folder, book, personal_data=True)
    assert "Sumarninya" in " ".join(personal.reduction.codings["matched"])


def test_a_name_in_the_codebook_is_masked_in_every_export(tmp_path, mini_codebook):
    """A codebook written alongside the interviews may name an informant in a phrase, a
    guide question or an example; the codebook's exports (.qdc, Taguette's CSV, the
    project, the workbook, the report's appendix) and validate's list of phrases that
    match nothing carried the name as written."""
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Bu Sumarni\n---\n"
        "P: Bagaimana sikap petugas?\nM1: Petugasnya ramah.\n",
        encoding="utf-8",
    )
    book = tmp_path / "named.yaml"
    book.write_text(
        MINI_CODEBOOK.replace("murah senyum]", "murah senyum, dibantu sumarni]").replace(
            "    label_en: Attitudes and Behaviour\n",
            "    label_en: Attitudes and Behaviour\n"
            "    definition: Sikap petugas, misalnya Bu Sumarni.\n",
        ),
        encoding="utf-8",
    )
    assert "Sumarni" in book.read_text(encoding="utf-8").split("definition:")[1]
    runner = CliRunner()
    common = ["-t", str(folder), "-c", str(book)]
    formats = ["--format", "qdc,taguette,xlsx,qdpx"]
    for args in (
        ["export", *common, *formats, "-o", str(tmp_path / "out" / "export")],
        ["report", *common, "-o", str(tmp_path / "out" / "report.html")],
        ["validate", *common],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "sumarni" not in result.output.lower(), (args[0], result.output)
    for name, data in _written(tmp_path / "out").items():
        assert b"sumarni" not in data.lower(), name
    issues = ektp_qual.validate(folder, book)
    assert f"dibantu {NAME_MASK}" in {p for ps in issues["phrases"] for p in ps}
    kept = tmp_path / "kept"
    args = ["export", *common, "--format", "qdc", "--personal-data", "-o", str(kept)]
    assert runner.invoke(app, args).exit_code == 0
    assert b"dibantu sumarni" in (kept / "codebook.qdc").read_bytes()
