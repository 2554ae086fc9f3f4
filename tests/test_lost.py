"""A good thing told with a past that has ended ("We used to be open till eight", "Used
to be I could nip in at seven") is a good thing lost: it codes negative, while "I'm used
to it" (accustomed) is no past at all. Indonesian has no such default ("dulu" does not
say the past ended); a codebook may add its own words. Every example is written for this
test against the small codebooks of ``conftest``.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook, parse_transcript, validate
from ektp_qual.inputs.transcripts import corpus_from

from .conftest import MINI_CODEBOOK, transcript_text
from .test_context import answer, codes


@pytest.mark.parametrize(
    "reply",
    [
        "The nurses used to be kind.",
        "Used to be they were polite, years ago.",
    ],
)
def test_a_good_thing_that_used_to_be_is_lost(clinic, reply):
    result = answer(clinic, reply, question="How did the staff treat you?")
    assert codes(result) == {("courtesy", "negative")}
    assert "a good thing lost by" in result.codings["rule"].iloc[0]


def test_accustomed_is_no_past(clinic):
    result = answer(clinic, "I'm used to polite staff here.", question="How was it?")
    assert codes(result) == {("courtesy", "positive")}


def test_indonesian_has_no_default_but_a_codebook_adds_its_own(mini):
    assert codes(answer(mini, "Dulu petugasnya ramah.")) == {("attitude", "positive")}
    book = parse_codebook(MINI_CODEBOOK + "lost: [dulunya]\n", "mini.yaml")
    assert codes(answer(book, "Dulunya petugasnya ramah.")) == {("attitude", "negative")}


def test_validate_notes_a_good_thing_lost(clinic):
    text = transcript_text(
        "P01",
        "patient",
        [("Interviewer", "How did the staff treat you?"), ("P01", "They used to be kind.")],
    )
    notes = validate(corpus_from([parse_transcript(text, "P01.txt")]), clinic)
    notes = notes[notes["level"] == "note"]["message"].tolist()
    assert any("1 positive phrase(s) read as lost: 'used to' 1" in n for n in notes)
