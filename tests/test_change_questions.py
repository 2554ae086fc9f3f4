"""A question of what should change: its answer names what is lacking.

"Kalau bisa ngubah satu hal?", "Ada saran?", "If you could change one thing?": a good
thing the answer names is wished for, so lacking now, and codes negative. Every example
is written for this test, in Indonesian and English, against the small codebooks of
``conftest``.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook
from ektp_qual.model.errors import InputError

from .conftest import MINI_CODEBOOK
from .test_context import answer, code, codes


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        (
            "Kalau bisa ngubah satu hal?",
            "Petugasnya sabar, terus prosesnya cepat.",
            {("attitude", "negative"), ("professionalism", "negative")},
        ),
        ("Ada saran, Pak?", "Petugas ramah, itu aja.", {("attitude", "negative")}),
        ("Apa yang perlu diperbaiki, Bu?", "Petugasnya lebih sabar.", {("attitude", "negative")}),
        (
            "Kalau Ibu jadi kepalanya, apa yang Ibu ubah?",
            "Tepat waktu.",
            {("reliability", "negative")},
        ),
    ],
)
def test_a_good_thing_named_in_answer_to_what_should_change_is_lacking(
    mini, question, reply, expected
):
    assert codes(answer(mini, reply, question=question)) == expected


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        (
            "If you could change one thing?",
            "Polite staff, and on time.",
            {("courtesy", "negative"), ("waiting", "negative")},
        ),
        ("Any suggestions?", "Somebody kind on the desk.", {("courtesy", "negative")}),
        ("What would make it better for you?", "Clear letters.", {("clarity", "negative")}),
        ("One thing you'd change?", "Make it affordable.", {("cost", "negative")}),
    ],
)
def test_the_same_in_english(clinic, question, reply, expected):
    assert codes(answer(clinic, reply, question=question)) == expected


def test_every_sentence_of_the_answer_and_after_a_prompt_to_go_on_is_read_so(mini):
    result = code(
        mini,
        ("P", "Ada saran, Bu?"),
        ("M01", "Petugasnya sopan. Terus prosesnya cepat."),
        ("P", "Terus?"),
        ("M01", "Tepat waktu, Mas."),
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Sopan kok."),
    )
    assert codes(result, "Petugasnya sopan.") == {("attitude", "negative")}
    assert codes(result, "Terus prosesnya cepat.") == {("professionalism", "negative")}
    assert codes(result, "Tepat waktu, Mas.") == {("reliability", "negative")}
    assert codes(result, "Sopan kok.") == {("attitude", "positive")}


@pytest.mark.parametrize(
    ("book", "question", "reply", "expected"),
    [
        # "berubah" shares the root of "ubah" but asks no change.
        ("id", "Aturannya sering berubah?", "Petugasnya ramah kok.", {("attitude", "positive")}),
        (
            "id",
            "Kalau ada perbaikan, dikabari?",
            "Petugasnya ramah kok.",
            {("attitude", "positive")},
        ),
        ("en", "Has that changed recently?", "The staff are kind now.", {("courtesy", "positive")}),
        ("en", "Is it getting better?", "The staff are kind now.", {("courtesy", "positive")}),
    ],
)
def test_words_of_the_list_are_matched_as_written(mini, clinic, book, question, reply, expected):
    codebook = mini if book == "id" else clinic
    assert codes(answer(codebook, reply, question=question)) == expected


@pytest.mark.parametrize(
    ("book", "reply", "expected"),
    [
        ("id", "Ada baiknya petugasnya ramah.", {("attitude", "negative")}),
        ("id", "Semoga petugasnya tetap ramah.", set()),
        ("en", "It'd be good if the staff were polite.", {("courtesy", "negative")}),
        ("en", "I hope the staff stay polite.", set()),
    ],
)
def test_a_suggestion_in_such_an_answer_codes_negative_a_hope_does_not(
    mini, clinic, book, reply, expected
):
    codebook, question = (mini, "Ada saran?") if book == "id" else (clinic, "Any suggestions?")
    assert codes(answer(codebook, reply, question=question)) == expected
    # Elsewhere a suggestion is a wish, as before: no evidence.
    assert codes(answer(codebook, reply)) == set()


def test_a_codebook_adds_its_own_words_and_may_turn_the_defaults_off():
    own = parse_codebook(MINI_CODEBOOK + "change_questions: [evaluasi]\n", "own.yaml")
    assert codes(answer(own, "Petugas ramah.", question="Evaluasi Bapak?")) == {
        ("attitude", "negative")
    }
    plain = parse_codebook(MINI_CODEBOOK + "language_defaults: false\n", "plain.yaml")
    assert codes(answer(plain, "Petugas ramah.", question="Ada saran?")) == {
        ("attitude", "positive")
    }


def test_a_list_that_is_not_a_list_of_phrases_is_a_clear_error():
    with pytest.raises(InputError, match="'change_questions' must be a list of phrases"):
        parse_codebook(MINI_CODEBOOK + "change_questions: saran\n", "bad.yaml")
