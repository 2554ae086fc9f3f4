"""ektp-qual's own REFI-QDA export read back by its importer, and ``ektp-qual import``."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import ektp_qual
from ektp_qual import agree
from ektp_qual.cli import app
from ektp_qual.refi.exporter import project_qdpx
from ektp_qual.refi.mapping import to_review
from ektp_qual.refi.qde import read_qdpx

from .conftest import MINI_CODEBOOK, transcript_text

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parent / "data" / "refi-qda" / "samples"


def awkward_corpus(folder: Path) -> Path:
    """Transcripts with a BOM, CRLF line ends, emoji and accents, as researchers save them."""
    folder.mkdir()
    one = transcript_text(
        "M1",
        "masyarakat",
        [
            ("P", "Bagaimana sikap petugas saat melayani?"),
            ("M1", "Petugasnya ramah 😊 sekali. Antriannya panjang 🙄🙄, lama."),
            ("P", "Ada biaya?"),
            ("M1", "Gratis, tidak ada pungli. Café di depan kantor juga ramah."),
        ],
    )
    (folder / "M1.txt").write_bytes(("\ufeff" + one.replace("\n", "\r\n")).encode("utf-8"))
    two = transcript_text(
        "M2",
        "masyarakat",
        [("P", "Bagaimana?"), ("M2", "Judes 😠 petugasnya.\nTapi cepat.")],
    )
    (folder / "M2.txt").write_text(two, encoding="utf-8")
    return folder


def test_every_coded_text_survives_the_round_trip(tmp_path):
    corpus = awkward_corpus(tmp_path / "corpus")
    book = tmp_path / "codebook.yaml"
    book.write_text(MINI_CODEBOOK)
    result = ektp_qual.analyse(corpus, book)
    archive = tmp_path / "project.qdpx"
    archive.write_bytes(project_qdpx(result))
    project = read_qdpx(archive)
    codings = result.reduction.codings.drop_duplicates(["segment_id", "criterion", "polarity"])
    assert sorted(project.selections["text"]) == sorted(codings["text"])
    imported = to_review(project, result.reduction)
    keys = ["segment_id", "criterion", "polarity"]
    back = imported.review[keys].sort_values(keys).reset_index(drop=True)
    assert back.equals(codings[keys].sort_values(keys).reset_index(drop=True))


def test_import_command_round_trip_agrees_perfectly_with_the_automatic_coder(tmp_path):
    export = tmp_path / "export"
    assert runner.invoke(app, ["export", "-q", "-F", "qdpx", "-o", str(export)]).exit_code == 0
    out = tmp_path / "imported"
    result = runner.invoke(app, ["import", str(export / "project.qdpx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported" in result.output
    table = pd.read_csv(out / "imported_codings.csv")
    assert set(table["status"]) == {"imported"}
    agreement = agree(["auto", out / "review-imported.csv"])
    overall = agreement.agreement.set_index("criterion").loc["overall"]
    assert overall["krippendorff_alpha"] == 1.0
    assert agreement.disagreements.empty


def test_a_clean_import_warns_of_nothing_and_quiet_prints_nothing(tmp_path):
    export = tmp_path / "export"
    assert runner.invoke(app, ["export", "-q", "-F", "qdpx", "-o", str(export)]).exit_code == 0
    loud = runner.invoke(app, ["import", str(export / "project.qdpx"), "-o", str(tmp_path / "a")])
    assert loud.exit_code == 0, loud.output
    assert "warning" not in loud.output
    assert "review rows on" in loud.output
    args = ["import", "-q", str(export / "project.qdpx"), "-o", str(tmp_path / "b")]
    quiet = runner.invoke(app, args)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output == ""


def test_import_by_coder_writes_one_review_file_per_coder(tmp_path, write):
    corpus = awkward_corpus(tmp_path / "corpus")
    book = write("codebook.yaml", MINI_CODEBOOK)
    first = ektp_qual.analyse(corpus, book)
    ramah = first.reduction.segments["segment_id"].iloc[0]
    review = write(
        "review.csv",
        "segment_id,criterion,polarity,decision,coder,note,decided_at\n"
        f"{ramah},reliability,positive,add,Dewi Lestari,,\n",
    )
    archive = tmp_path / "p.qdpx"
    archive.write_bytes(project_qdpx(ektp_qual.analyse(corpus, book, review=review)))
    out = tmp_path / "o"
    args = ["import", str(archive), "-t", str(corpus), "-c", str(book), "-o", str(out)]
    result = runner.invoke(app, [*args, "--by-coder"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.glob("review-*.csv"))
    assert files == ["review-Dewi-Lestari.csv", "review-ektp-qual-automatic.csv"]


def test_imported_texts_are_masked_unless_personal_data_is_asked_for(tmp_path, write):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Sri Wahyuni\n---\n"
        "P: Bagaimana sikap petugas saat melayani?\n"
        "M1: Petugasnya ramah, NIK saya 1871234567890123 dicatat dengan benar.\n"
    )
    book = write("codebook.yaml", MINI_CODEBOOK)
    archive = tmp_path / "p.qdpx"
    archive.write_bytes(project_qdpx(ektp_qual.analyse(corpus, book, personal_data=True)))
    base = ["import", str(archive), "-t", str(corpus), "-c", str(book)]
    masked = runner.invoke(app, [*base, "-o", str(tmp_path / "a")])
    assert masked.exit_code == 0, masked.output
    text = (tmp_path / "a" / "imported_codings.csv").read_text()
    assert "[NIK]" in text and "1871234567890123" not in text
    plain = runner.invoke(app, [*base, "-o", str(tmp_path / "b"), "--personal-data"])
    assert plain.exit_code == 0, plain.output
    assert "1871234567890123" in (tmp_path / "b" / "imported_codings.csv").read_text()


def test_the_nvivo_sample_imports_as_a_table(tmp_path):
    out = tmp_path / "o"
    sample = SAMPLES / "nvivo-mac-15.0.0_nvivo_project.qdpx"
    result = runner.invoke(app, ["import", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "NVivo for Mac 15.0.0" in result.output
    assert "262 codes" in result.output
    table = pd.read_csv(out / "imported_codings.csv")
    assert list(table.columns[:4]) == ["source", "source_guid", "start", "end"]


def test_a_hostile_project_is_refused_and_nothing_is_written(tmp_path):
    evil = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("project.qde", "<Project/>")
        archive.writestr("../escape.txt", "x")
    out = tmp_path / "o"
    result = runner.invoke(app, ["import", str(evil), "-o", str(out)])
    assert result.exit_code == 2
    assert "zip-slip" in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert not (tmp_path / "escape.txt").exists()


def test_import_by_coder_keeps_coders_whose_names_read_alike_apart(tmp_path, write):
    corpus = awkward_corpus(tmp_path / "corpus")
    book = write("codebook.yaml", MINI_CODEBOOK)
    ids = ektp_qual.analyse(corpus, book).reduction.segments["segment_id"]
    coders = ["ana", "ana!", "ANA?"]
    review = write(
        "review.csv",
        "segment_id,criterion,polarity,decision,coder,note,decided_at\n"
        + "".join(
            f"{ids.iloc[k]},reliability,positive,add,{name},,\n" for k, name in enumerate(coders)
        ),
    )
    archive = tmp_path / "p.qdpx"
    archive.write_bytes(project_qdpx(ektp_qual.analyse(corpus, book, review=review)))
    out = tmp_path / "o"
    args = ["import", str(archive), "-t", str(corpus), "-c", str(book), "-o", str(out)]
    result = runner.invoke(app, [*args, "--by-coder"])
    assert result.exit_code == 0, result.output
    by_file = {path.name: set(pd.read_csv(path)["coder"]) for path in out.glob("review-*.csv")}
    assert len({name.casefold() for name in by_file}) == len(by_file) == 4
    assert {frozenset(c) for c in by_file.values()} >= {frozenset({name}) for name in coders}
    for name in coders:
        assert f"coder {name!r}" in result.output


def repeating_corpus(folder: Path) -> Path:
    """An informant who says the same sentences twice and names someone, as people do."""
    folder.mkdir()
    (folder / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Sri Wahyuni\n---\n"
        "P: Bagaimana sikap petugas saat melayani?\n"
        "M1: Petugasnya ramah. Kata Bu Sri petugasnya judes. Antriannya panjang.\n"
        "P: Terus?\n"
        "M1: Petugasnya ramah. Antriannya panjang. Sri bilang lama sekali.\n",
        encoding="utf-8",
    )
    return folder


def test_a_masked_export_comes_back_whole_with_repeated_and_masked_sentences(tmp_path, write):
    corpus = repeating_corpus(tmp_path / "corpus")
    book = write("codebook.yaml", MINI_CODEBOOK)
    result = ektp_qual.analyse(corpus, book)
    archive = tmp_path / "project.qdpx"
    archive.write_bytes(project_qdpx(result))
    imported = to_review(read_qdpx(archive), result.reduction)
    assert set(imported.codings["status"]) == {"imported"}
    keys = ["segment_id", "criterion", "polarity"]
    codings = result.reduction.codings.drop_duplicates(keys)
    back = imported.review[keys].sort_values(keys).reset_index(drop=True)
    assert back.equals(codings[keys].sort_values(keys).reset_index(drop=True))
    assert len(back) == 6


def test_repeated_sentences_of_an_edited_transcript_are_placed_by_their_order(tmp_path, write):
    corpus = repeating_corpus(tmp_path / "corpus")
    book = write("codebook.yaml", MINI_CODEBOOK)
    archive = tmp_path / "project.qdpx"
    archive.write_bytes(project_qdpx(ektp_qual.analyse(corpus, book, personal_data=True)))
    path = corpus / "M1.txt"
    path.write_text(path.read_text().replace("P: Terus?", "P: Lalu bagaimana lagi?"))
    result = ektp_qual.analyse(corpus, book)
    imported = to_review(read_qdpx(archive), result.reduction)
    assert set(imported.codings["status"]) == {"imported"}
    placed = imported.codings.set_index("body_start")["segment_ids"]
    segments = result.reduction.segments.set_index("start")["segment_id"]
    assert all(segments[start] == ids for start, ids in placed.items())
    assert placed.is_unique and len(placed) == 6


def test_utf16_offsets_round_trip_with_emoji(tmp_path, write):
    corpus = awkward_corpus(tmp_path / "corpus")
    book = write("codebook.yaml", MINI_CODEBOOK)
    export = tmp_path / "for-nvivo"
    base = ["-t", str(corpus), "-c", str(book)]
    done = runner.invoke(
        app, ["export", *base, "-q", "-F", "qdpx", "--offsets", "utf16", "-o", str(export)]
    )
    assert done.exit_code == 0, done.output
    archive = export / "project.qdpx"
    for offsets, folder in (("utf16", "a"), (None, "b")):
        args = ["import", str(archive), *base, "-o", str(tmp_path / folder)]
        result = runner.invoke(app, args + (["--offsets", offsets] if offsets else []))
        assert result.exit_code == 0, result.output
        table = pd.read_csv(tmp_path / folder / "imported_codings.csv")
        assert set(table["status"]) == {"imported"}
        assert (table["text"] == table["name"]).all()
        agreement = agree(["auto", tmp_path / folder / "review-imported.csv"], corpus, book)
        overall = agreement.agreement.set_index("criterion").loc["overall"]
        assert overall["krippendorff_alpha"] == 1.0
    misread = runner.invoke(
        app, ["import", str(archive), *base, "-o", str(tmp_path / "c"), "--offsets", "codepoints"]
    )
    assert misread.exit_code == 0, misread.output
    table = pd.read_csv(tmp_path / "c" / "imported_codings.csv")
    assert not (table["text"] == table["name"]).all()  # emoji shift the later codings
    wrong = runner.invoke(app, ["import", str(archive), "--offsets", "bytes"])
    assert wrong.exit_code == 2 and "--offsets" in wrong.output


def test_cases_and_dates_survive_the_round_trip(tmp_path, write):
    corpus = awkward_corpus(tmp_path / "corpus")
    book = write("codebook.yaml", MINI_CODEBOOK)
    first = ektp_qual.analyse(corpus, book)
    segment = first.reduction.segments["segment_id"].iloc[0]
    review = write(
        "review.csv",
        "segment_id,criterion,polarity,decision,coder,note,decided_at\n"
        f"{segment},reliability,positive,add,Dewi,,2024-02-03T04:05:06Z\n",
    )
    archive = tmp_path / "p.qdpx"
    archive.write_bytes(project_qdpx(ektp_qual.analyse(corpus, book, review=review)))
    project = read_qdpx(archive)
    assert {case.name: len(case.sources) for case in project.cases} == {"M1": 1, "M2": 1}
    for case in project.cases:
        assert project.sources[case.sources[0]].name == f"{case.name}.txt"
    assert "Cases" not in {code.name for code in project.codes.values()}
    imported = to_review(project, first.reduction)
    assert set(imported.codings["status"]) == {"imported"}
    added = imported.review[imported.review["coder"] == "Dewi"]
    assert list(added["decided_at"]) == ["2024-02-03T04:05:06Z"]
