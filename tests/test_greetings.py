"""The answer to a greeting that opens the interview is small talk, not evidence.

"Selamat sore, Bu. Maaf ganggu ya?" + "Panas banget, antriannya panjang tadi." speaks of
the day before the interview has asked about the service. Only the first interviewer
turn counts, and only when it greets and asks nothing open, nor what should change or
stay: "Selamat pagi, Bu. Bagaimana pengalaman Ibu?" asks for evidence. Every example is
written for this test, in Indonesian and English, against the small codebooks of
``conftest``.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook, parse_transcript, validate
from ektp_qual.inputs.transcripts import corpus_from
from ektp_qual.model.errors import InputError

from .conftest import MINI_CODEBOOK, transcript_text
from .test_context import answer, code, codes


@pytest.mark.parametrize(
    ("book", "question", "reply"),
    [
        ("id", "Selamat sore, Bu. Maaf ganggu ya?", "Iya, antriannya panjang tadi."),
        ("id", "Permisi, Pak. Saya yang kemarin janjian.", "Oh iya, duduk, petugasnya ramah kok."),
        ("id", "Maaf, Ibu baru selesai ngajar ya?", "Iya, hari ini lambat semua."),
        ("en", "Hiya, thanks for coming. Did you find the room okay?", "It was a long wait."),
        ("en", "Morning. Sorry to bother you.", "Oh, the staff were kind."),
    ],
)
def test_the_answer_to_an_opening_greeting_codes_nothing(mini, clinic, book, question, reply):
    result = answer(mini if book == "id" else clinic, reply, question=question)
    assert codes(result) == set()
    assert result.changes["change"].tolist() == ["greeting"]


@pytest.mark.parametrize(
    ("book", "question", "reply", "expected"),
    [
        # A greeting that asks how something went asks for evidence.
        (
            "id",
            "Selamat pagi, Bu. Bagaimana pengalaman Ibu mengurus e-KTP?",
            "Antriannya panjang.",
            {("professionalism", "negative")},
        ),
        ("en", "Hello. How was your visit?", "A long wait.", {("waiting", "negative")}),
        # A first turn that does not greet.
        ("id", "Ibu kemarin ngurus apa?", "Petugasnya ramah.", {("attitude", "positive")}),
    ],
)
def test_a_first_turn_that_asks_for_evidence_still_codes(
    mini, clinic, book, question, reply, expected
):
    assert codes(answer(mini if book == "id" else clinic, reply, question=question)) == expected


def test_only_the_answer_to_the_first_turn_is_small_talk(mini):
    result = code(
        mini,
        ("P", "Selamat siang, Pak. Maaf ganggu."),
        ("M01", "Nggak apa-apa, petugasnya ramah kok."),
        ("P", "Halo lagi, Pak. Kemarin ke kantor?"),
        ("M01", "Iya, petugasnya ramah."),
    )
    assert codes(result, "Nggak apa-apa, petugasnya ramah kok.") == set()
    assert codes(result, "Iya, petugasnya ramah.") == {("attitude", "positive")}


def test_a_codebook_adds_its_own_greetings_and_may_turn_the_defaults_off():
    own = parse_codebook(MINI_CODEBOOK + "greetings: [punten]\n", "own.yaml")
    assert codes(answer(own, "Petugasnya ramah.", question="Punten, Bu.")) == set()
    plain = parse_codebook(MINI_CODEBOOK + "language_defaults: false\n", "plain.yaml")
    assert codes(answer(plain, "Petugasnya ramah.", question="Permisi, Bu.")) == {
        ("attitude", "positive")
    }


def test_a_list_that_is_not_a_list_of_phrases_is_a_clear_error():
    with pytest.raises(InputError, match="'greetings' must be a list of phrases"):
        parse_codebook(MINI_CODEBOOK + "greetings: hai\n", "bad.yaml")


def test_validate_notes_what_an_opening_greeting_kept_from_coding(mini):
    text = transcript_text(
        "M01",
        "masyarakat",
        [("P", "Permisi, Bu. Maaf ganggu ya."), ("M01", "Nggak apa-apa, petugasnya ramah kok.")],
    )
    notes = validate(corpus_from([parse_transcript(text, "M01.txt")]), mini)
    notes = notes[notes["level"] == "note"]["message"].tolist()
    assert any("a greeting that opens the interview: 'permisi' 1" in n for n in notes)
