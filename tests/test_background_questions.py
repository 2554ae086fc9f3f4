"""A question about the informant's own background ("Sudah berapa lama tinggal di
sini?", "How long have you lived here?") is not about the service: its answer takes no
topic from it, so neither a bare yes nor a generic judgement codes, while a phrase that
names a criterion still does. Every example is written for this test, in Indonesian and
English, against the small codebooks of ``conftest``.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_transcript
from ektp_qual.inputs.transcripts import corpus_from
from ektp_qual.loop.validation import validate

from .conftest import transcript_text
from .test_context import answer, codes


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("Sudah berapa lama jadi petugas di sini?", "Lima tahun, bagus kok."),
        ("Bapak sudah lama pakai e-KTP?", "Sudah."),
        ("Sudah lama kerja di sini, Pak?", "Iya, bagus di sini."),
    ],
)
def test_the_answer_to_a_background_question_takes_no_topic(mini, question, reply):
    result = answer(mini, reply, question=question)
    assert result.segments["topic"].tolist() == [""]
    assert codes(result) == set()


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("How long have you lived here?", "Oh, ages, a long wait to get the flat."),
        ("How long have you been a patient here?", "Yes, years, it's fine."),
        ("And what do you do for a living?", "Good question, ha."),
    ],
)
def test_the_same_in_english(clinic, question, reply):
    result = answer(clinic, reply, question=question)
    assert result.segments["topic"].tolist() == [""]
    assert codes(result) - {("waiting", "negative")} == set()


def test_a_phrase_of_a_criterion_still_codes(mini, clinic):
    result = answer(mini, "Lima tahun, petugasnya ramah.", question="Sudah lama tinggal di sini?")
    assert codes(result) == {("attitude", "positive")}
    result = answer(
        clinic, "Ten years, and the nurses are rude.", question="How long have you lived here?"
    )
    assert codes(result) == {("courtesy", "negative")}


def test_how_long_one_has_been_here_may_ask_about_the_wait(mini, clinic):
    """Asked of a citizen in the waiting hall, "Sudah lama di sini, Bu?" asks how long they
    have waited, so it is no background question and keeps the topic its words give."""
    result = answer(mini, "Udah, dari jam tujuh.", question="Sudah lama di sini, Bu?")
    assert result.segments["topic"].tolist() == ["reliability"]
    assert codes(result) == {("reliability", "negative")}
    result = answer(clinic, "Yes, since eight.", question="Have you been here long?")
    assert result.segments["topic"].tolist() != [""]


def test_a_question_about_the_service_keeps_its_topic(mini, clinic):
    result = answer(mini, "Bagus.", question="Bagaimana sikap petugas saat melayani?")
    assert codes(result) == {("attitude", "positive")}
    result = answer(clinic, "Ages.", question="How long have you been waiting?")
    assert result.segments["topic"].tolist() == ["waiting"]


def test_validate_notes_the_questions_read_as_background(mini):
    text = transcript_text(
        "M01",
        "masyarakat",
        [
            ("P", "Bagaimana sikap petugas saat melayani?"),
            ("M01", "Ramah."),
            ("P", "Bapak sudah lama tinggal di sini?"),
            ("M01", "Sudah."),
        ],
    )
    notes = validate(corpus_from([parse_transcript(text, "M01.txt")]), mini, None)
    notes = notes[notes["level"] == "note"]["message"].tolist()
    assert any("1 question(s) about the informant" in n and "tinggal di sini" in n for n in notes)
