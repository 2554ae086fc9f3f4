"""What the terminal shows a new user: the sample runs clean, and every line is readable.

The shipped sample and codebook must pass ``validate --strict``; the codebook's coverage
(phrases that match nothing) belongs to ``validate``, with one line elsewhere; paths read
relative to the working folder or as ``<sample>``; nothing is wider than the terminal.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ektp_qual.cli import app

from .conftest import MINI_CODEBOOK, transcript_text

runner = CliRunner()


def items(output: str) -> list[str]:
    """The printed items: a wrapped item's indented continuation lines joined to it."""
    return re.sub(r"\n +", " ", output).splitlines()


def test_the_sample_passes_strict_validation_and_codes_without_warnings(tmp_path):
    strict = runner.invoke(app, ["validate", "--strict"])
    assert strict.exit_code == 0, strict.output
    assert "No warnings." in strict.output
    # the sample's files are named as <sample>/..., not by their site-packages path
    assert "<sample>/codebooks/gronroos.yaml" in strict.output
    assert "<sample>/transcripts_sample/M12.txt" in strict.output
    coded = runner.invoke(app, ["code", "-q", "-o", str(tmp_path / "out")])
    assert coded.exit_code == 0
    assert coded.output == ""


@pytest.fixture
def study(tmp_path: Path, monkeypatch) -> tuple[str, str]:
    """A small corpus and a codebook with many phrases, in the working folder."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "interviews"
    folder.mkdir()
    turns = [
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M1", "Petugasnya ramah. Prosesnya cepat, gratis lagi."),
    ]
    (folder / "M1.txt").write_text(transcript_text("M1", "masyarakat", turns), "utf-8")
    (tmp_path / "codebook.yaml").write_text(MINI_CODEBOOK, "utf-8")
    return "interviews", "codebook.yaml"


def _codebook(extra_positive: list[str], path: Path = Path("codebook.yaml")) -> None:
    text = MINI_CODEBOOK.replace(
        "positive: [petugas ramah, ramah, sopan, sabar, murah senyum]",
        "positive: [petugas ramah, ramah, sopan, sabar, murah senyum, "
        + ", ".join(extra_positive)
        + "]",
    )
    path.write_text(text, "utf-8")


def test_a_phrase_listed_twice_is_a_warning_with_its_line(study):
    transcripts, codebook = study
    _codebook(["sopan", "nggak cuek", "tidak cuek"])
    result = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook])
    assert result.exit_code == 0, result.output
    found = [line for line in items(result.output) if line.startswith("duplicate phrase:")]
    assert found == [
        "duplicate phrase: codebook.yaml:17: 'sopan' is listed twice in attitude.positive; "
        "remove one"
    ]
    # a phrase the coder reads as one listed before it is a note, not a defect
    assert any(
        line.startswith("phrases read alike:") and "attitude.positive: 1 phrase(s)" in line
        for line in items(result.output)
    )
    assert "'tidak cuek' as 'nggak cuek'" in result.output
    strict = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook, "--strict"])
    assert strict.exit_code == 1


def test_phrases_that_match_nothing_are_listed_wrapped_and_do_not_fail_strict(study):
    transcripts, codebook = study
    many = [f"kata{n} lain{n}" for n in range(60)]
    _codebook(many)
    result = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook, "--strict"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    listed = " ".join(line.strip() for line in lines if line.startswith("    "))
    # every phrase whole on one line, each once
    for phrase in many:
        assert any(phrase in line for line in lines)
    assert listed.count("kata59 lain59") == 1
    assert any(
        "attitude.positive: 64 of 65 phrases match nothing in the corpus" in line
        for line in items(result.output)
    )


def test_a_criterion_none_of_whose_phrases_match_is_a_warning(study):
    transcripts, codebook = study
    Path(codebook).write_text(MINI_CODEBOOK.replace("[gratis, tepat waktu]", "[murah]"), "utf-8")
    result = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook, "--strict"])
    assert result.exit_code == 1
    assert any(
        line.startswith(
            "unmatched criterion: codebook.yaml: none of the 4 phrases of "
            "reliability matches anything"
        )
        for line in items(result.output)
    )


def test_code_summarises_the_coverage_in_one_line(study, tmp_path):
    transcripts, codebook = study
    result = runner.invoke(app, ["code", "-t", transcripts, "-c", codebook, "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    summary = [line for line in items(result.output) if "phrases are found" in line]
    assert summary == [
        "3 of 30 codebook phrases are found in this corpus ('ektp-qual validate' lists the others)."
    ]


def test_a_note_in_brackets_before_the_first_turn_is_no_warning(study):
    transcripts, codebook = study
    text = transcript_text("M2", "masyarakat", [("P", "Bagaimana?"), ("M2", "Ramah.")])
    text = text.replace("---\nP:", "---\n(Wawancara di pasar.)\nP:")
    Path(transcripts, "M2.txt").write_text(text, "utf-8")
    result = runner.invoke(app, ["code", "-q", "-t", transcripts, "-c", codebook, "-o", "out"])
    assert result.exit_code == 0
    assert result.output == ""
    checked = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook])
    assert any(
        line.startswith("preamble: interviews/M2.txt:5: the note before the first turn")
        for line in items(checked.output)
    )


def test_every_line_fits_80_columns_and_titles_stand_whole(study):
    transcripts, codebook = study
    out = "results-of-the-first-round-of-interviews-in-kecamatan-tanjung-karang-timur"
    result = runner.invoke(
        app, ["code", "-t", transcripts, "-c", codebook, "-o", out], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    lines = result.output.splitlines()
    # the titles on lines of their own, not squeezed into the width of a narrow table
    assert "Conclusions: met when positive / with stance >= 0.75 (masyarakat)" in lines
    assert "Triangulation: the rule applied to each role alone" in lines
    assert "Corpus: 1 transcript (1 masyarakat); 2 informant sentences, 2 coded, 3 codings." in (
        items(result.output)
    )
    wrote = [line for line in items(result.output) if line.startswith("Wrote ")]
    assert wrote == [
        f"Wrote 12 files to {out}/: informants.csv, segments.csv, codings.csv, stances.csv, "
        "checklist_matrix.csv, role_matrix.csv, evidence.csv, segments_by_code.csv, "
        "conclusions.csv, overall.csv, triangulation.csv, negative_evidence.csv"
    ]


def test_one_file_and_one_transcript_read_in_the_singular(study):
    transcripts, codebook = study
    result = runner.invoke(app, ["cooccur", "-t", transcripts, "-c", codebook, "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 file to out/: cooccurrence.csv" in result.output
    checked = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook])
    assert "1 transcript and the codebook 'mini' (3 criteria) are valid." in checked.output


def test_evidence_quotes_are_wrapped_whole_not_cut(study):
    transcripts, codebook = study
    quote = (
        "Petugasnya ramah sekali, dari pagi sampai sore tetap senyum walaupun yang datang "
        "banyak dan semua minta didahulukan."
    )
    turns = [("P", "Bagaimana sikap petugas saat melayani?"), ("M2", quote)]
    Path(transcripts, "M2.txt").write_text(transcript_text("M2", "masyarakat", turns), "utf-8")
    result = runner.invoke(app, ["code", "-t", transcripts, "-c", codebook, "-o", "out"])
    assert result.exit_code == 0, result.output
    evidence = result.output.split("Evidence by criterion")[1].split("Triangulation")[0]
    cells = [line.split("│")[-1].strip() for line in evidence.splitlines() if "│" in line]
    assert quote in " ".join(cell for cell in cells if cell)
    negative = result.output.split("Negative evidence")[1].split("Conclusions")[0]
    assert "…" not in negative


def test_agreement_and_saturation_explanations_wrap_between_words(study, tmp_path):
    transcripts, codebook = study
    gold = tmp_path / "gold.csv"
    gold.write_text("segment_id,criterion,polarity\n", "utf-8")
    result = runner.invoke(
        app, ["agree", "auto", str(gold), "-t", transcripts, "-c", codebook, "-o", "agreement"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("Unit: one informant sentence x one criterion") for line in lines)
    assert any(line.startswith("alpha = 1 - (n - 1)") for line in items(result.output))
    saturation = runner.invoke(app, ["saturation", "-t", transcripts, "-c", codebook])
    assert saturation.exit_code == 0, saturation.output
    assert max(len(line) for line in saturation.output.splitlines()) <= 80
    assert any(
        line.startswith("In corpus order the last new code came with interview 1 (M1)")
        and line.endswith("on average.")
        for line in items(saturation.output)
    )


def test_quiet_export_says_in_one_line_what_refi_qda_cannot_carry(study):
    transcripts, codebook = study
    args = ["export", "-q", "-t", transcripts, "-c", codebook, "-F", "qdpx", "-o", "out"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(items(result.output)) == 1
    assert items(result.output)[0].startswith("warning: REFI-QDA export: ")
    loud = runner.invoke(app, args[:1] + args[2:] + ["-o", "out2"])
    assert len([line for line in items(loud.output) if line.startswith("warning:")]) > 1


def test_codebook_errors_name_the_criterion_by_its_id(study):
    transcripts, codebook = study
    text = MINI_CODEBOOK.replace("  - id: attitude\n", "  - id: attitude\n    colour: red\n")
    Path(codebook).write_text(text, "utf-8")
    result = runner.invoke(app, ["validate", "-t", transcripts, "-c", codebook])
    assert result.exit_code == 2
    assert "codebook.yaml:13: unknown key 'colour' in criterion 'attitude' (allowed:" in (
        " ".join(result.output.split())
    )
    text = MINI_CODEBOOK.replace("[cepat, cekatan]", "[cepat, [cekatan]]")
    Path(codebook).write_text(text, "utf-8")
    result = runner.invoke(app, ["code", "-t", transcripts, "-c", codebook, "-o", "out"])
    assert result.exit_code == 2
    assert "'professionalism.positive[1]' must be a phrase, not a list or mapping" in (
        " ".join(result.output.split())
    )


def test_the_recode_menu_numbers_each_criterion_the_same_on_every_item(study):
    transcripts, codebook = study
    args = ["review", "-t", transcripts, "-c", codebook, "--coder", "ana"]
    # recode the first coding, cancel; skip; the same on the second; then try the
    # second coding's own number, which is no choice.
    result = runner.invoke(app, args, input="cxs" + "cx" + "c2" + "q")
    assert result.exit_code == 0, result.output
    menus = [line for line in result.output.splitlines() if line.startswith("Criterion? ")]
    assert menus == [
        "Criterion? [2] professionalism  [3] reliability  (other key: cancel)",
        "Criterion? [1] attitude  [3] reliability  (other key: cancel)",
        "Criterion? [1] attitude  [3] reliability  (other key: cancel)",
    ]
    assert result.output.count("-> cancelled") == 3


def test_review_says_whose_name_it_records_without_coder(study):
    import getpass

    transcripts, codebook = study
    args = ["review", "-t", transcripts, "-c", codebook]
    result = runner.invoke(app, args, input="aq")
    assert result.exit_code == 0, result.output
    assert (
        f"Recording your decisions as coder {getpass.getuser()!r} (your login name); give "
        "--coder NAME to record them under another name."
    ) in items(result.output)
    named = runner.invoke(app, [*args, "--coder", "ana"], input="q")
    assert "Recording your decisions" not in named.output


def test_the_english_report_explains_the_id_number_mask(clinic_study, tmp_path):
    folder, codebook = clinic_study
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-t", str(folder), "-c", str(codebook), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "16-digit national ID numbers [NIK]" in page
    assert not re.search(r"(?<!\[)NIK", page)


def test_a_path_longer_than_the_line_stays_whole():
    """Wrapping breaks between words; a path too long for the line is never cut in two."""
    import io

    from ektp_qual.model import Notice
    from ektp_qual.outputs import render

    console = render.make_console()
    console.file = io.StringIO()
    console.width = 40
    path = "/tmp/" + "very-long-folder-name/" * 3 + "comparison.csv"
    render.notices(console, [Notice(path, None, "left in place: it was edited since")])
    assert path in console.file.getvalue()
