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
