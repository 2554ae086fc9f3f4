"""A codebook you can test: criteria's examples, ``check_examples`` and ``codebook test``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ektp_qual import InputError, parse_codebook, read_codebook, sample_codebook
from ektp_qual.cli import app
from ektp_qual.loop.examples import EXAMPLE_RESULT_COLUMNS, check_examples

from .conftest import ENGLISH_CODEBOOK, MINI_CODEBOOK

runner = CliRunner()

ATTITUDE_EXAMPLES = """\
    examples:
      positive:
        - Petugasnya ramah sekali.
        - text: Sudah baik, Pak.
          question: Bagaimana sikap petugas saat melayani?
      negative:
        - Petugasnya tidak ramah.
        - Petugasnya ramah.
      none:
        - Saya datang jam delapan pagi.
        - Sudah baik, Pak.
"""


def with_examples(codebook: str, after: str, block: str) -> str:
    """The codebook with ``block`` inserted after the line that contains ``after``."""
    lines = codebook.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if after in line) + 1
    return "".join([*lines[:at], block, *lines[at:]])


@pytest.fixture
def book_with_examples(write):
    text = with_examples(MINI_CODEBOOK, "negative: [judes", ATTITUDE_EXAMPLES)
    return write("codebook.yaml", text)


def test_examples_are_read_with_their_lines(book_with_examples):
    book = read_codebook(book_with_examples)
    examples = book.criterion("attitude").examples
    assert [e.expected for e in examples] == ["positive"] * 2 + ["negative"] * 2 + ["none"] * 2
    assert examples[1].question == "Bagaimana sikap petugas saat melayani?"
    lines = book_with_examples.read_text().splitlines()
    assert "Petugasnya tidak ramah." in lines[examples[2].line - 1]


def test_examples_do_not_change_the_codebook_hash(book_with_examples):
    assert read_codebook(book_with_examples).sha256 == parse_codebook(MINI_CODEBOOK).sha256


def test_each_example_is_coded_on_its_own(book_with_examples):
    results = check_examples(read_codebook(book_with_examples))
    assert list(results.columns) == EXAMPLE_RESULT_COLUMNS
    got = ["positive", "positive", "negative", "positive", "none", "none"]
    assert results["got"].tolist() == got
    # The generic judgement counts only as the answer to a question about attitude.
    assert results["passed"].tolist() == [True, True, True, False, True, True]
    misfire = results[~results["passed"]].iloc[0]
    assert misfire["text"] == "Petugasnya ramah."
    assert "'petugas ramah'" in misfire["fired"]
    assert "attitude.positive" in misfire["fired"]


def test_mixed_evidence_is_neither_positive_nor_negative(write):
    block = "    examples:\n      positive: ['Ada yang ramah, ada yang judes.']\n"
    path = write("c.yaml", with_examples(MINI_CODEBOOK, "negative: [judes", block))
    results = check_examples(read_codebook(path))
    assert results["got"].tolist() == ["mixed"]
    assert not results["passed"].any()


def test_examples_work_in_any_language(write):
    block = (
        "    examples:\n"
        "      positive: [The nurse was kind and polite.]\n"
        "      negative: [She was not kind to us.]\n"
        "      none: [We parked outside.]\n"
    )
    path = write("clinic.yaml", with_examples(ENGLISH_CODEBOOK, "negative: [rude", block))
    results = check_examples(read_codebook(path))
    assert results["passed"].all(), results


@pytest.mark.parametrize(
    ("block", "problem", "line_has"),
    [
        ("    examples: [Petugasnya ramah.]\n", "must map positive, negative, none", "examples"),
        ("    examples:\n      good: [Ramah.]\n", "unknown key 'good'", "good"),
        ("    examples:\n      positive: Petugasnya ramah.\n", "must be a list", "positive"),
        (
            "    examples:\n      positive:\n        - question: Bagaimana?\n",
            "has no 'text'",
            "question",
        ),
        (
            "    examples:\n      positive:\n        - text: Ramah.\n          asked: x\n",
            "unknown key 'asked'",
            "asked",
        ),
        ('    examples:\n      none: [""]\n', "empty example", "none"),
    ],
)
def test_malformed_examples_name_the_line(write, block, problem, line_has):
    text = with_examples(MINI_CODEBOOK, "negative: [judes", block)
    path = write("codebook.yaml", text)
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    error = caught.value
    assert problem in str(error)
    assert line_has in text.splitlines()[error.line - 1]


def test_codebook_test_command_reports_misfires(book_with_examples):
    result = runner.invoke(app, ["codebook", "test", "-c", str(book_with_examples)])
    assert result.exit_code == 1
    assert "1 of 6 examples misfire" in result.output
    line = next(
        n
        for n, text in enumerate(book_with_examples.read_text().splitlines(), 1)
        if "- Petugasnya ramah." in text
    )
    assert f"codebook.yaml:{line}: attitude example expected negative, got positive" in (
        result.output
    )
    assert "fired: attitude positive from 'petugas ramah'" in result.output


def test_codebook_test_passes_when_every_example_does(write):
    block = "    examples:\n      positive: [Petugasnya sopan.]\n      none: [Saya pulang.]\n"
    path = write("c.yaml", with_examples(MINI_CODEBOOK, "negative: [judes", block))
    result = runner.invoke(app, ["codebook", "test", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert "All 2 examples code as expected." in result.output


def test_codebook_without_examples_says_so(mini_codebook):
    result = runner.invoke(app, ["codebook", "test", "-c", str(mini_codebook)])
    assert result.exit_code == 0
    assert "no examples" in result.output


def test_codebook_test_on_a_broken_codebook_is_an_input_error(write):
    path = write("c.yaml", "criteria: [\n")
    result = runner.invoke(app, ["codebook", "test", "-c", str(path)])
    assert result.exit_code == 2
    assert "c.yaml" in result.output
    assert "Traceback" not in result.output


def test_the_gronroos_codebook_passes_its_own_examples():
    book = read_codebook(sample_codebook())
    results = check_examples(book)
    for criterion in book.criteria:
        mine = results[results["criterion"] == criterion.id]
        for expected in ("positive", "negative", "none"):
            assert (mine["expected"] == expected).sum() >= 5, (criterion.id, expected)
    misfires = results[~results["passed"]]
    assert misfires.empty, misfires[["criterion", "expected", "got", "text", "fired"]]
