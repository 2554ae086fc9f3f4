"""A request against a problem ("Jangan dibiarin nunggu lama", "Don't keep people
waiting") tells the problem: a negator that is part of a prohibitive never turns a
negative phrase into praise. Every example is written for this test, in Indonesian and
English, against the small codebooks of ``conftest``.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook

from .conftest import MINI_CODEBOOK
from .test_context import answer, codes

# A codebook that lists the prohibitive among its negators, as codebooks written from
# the informants' words do.
FORBIDDING = MINI_CODEBOOK.replace("negators: [tidak,", "negators: [jangan, tidak,")


@pytest.fixture(scope="module")
def forbidding():
    return parse_codebook(FORBIDDING, "mini.yaml")


@pytest.mark.parametrize(
    "reply",
    [
        "Petugasnya jangan judes.",
        "Jangan cuek sama orang tua.",
        "Tolong, Pak, jangan ada pungli lagi.",
        "Terus jangan antrian panjang kayak gitu.",
    ],
)
def test_a_problem_asked_against_stays_a_problem(forbidding, reply):
    result = answer(forbidding, reply)
    assert {p for _, p in codes(result)} == {"negative"}
    assert "asked against by" in result.codings["rule"].iloc[0]


def test_a_plain_negator_still_negates(forbidding):
    assert codes(answer(forbidding, "Petugasnya nggak judes.")) == {("attitude", "positive")}


@pytest.mark.parametrize(
    "reply",
    ["Don't be rude to people.", "Do not be dismissive.", "But don't be rude."],
)
def test_the_same_in_english(clinic, reply):
    result = answer(clinic, reply, question="How did the staff treat you?")
    assert codes(result) == {("courtesy", "negative")}


@pytest.mark.parametrize("reply", ["They don't get rude.", "The nurses don't seem dismissive."])
def test_an_english_do_not_after_a_subject_is_a_statement(clinic, reply):
    result = answer(clinic, reply, question="How did the staff treat you?")
    assert codes(result) == {("courtesy", "positive")}


def test_a_codebook_adds_its_own_prohibitives(mini):
    book = parse_codebook(
        FORBIDDING.replace("negators: [jangan,", "prohibitives: [ojo]\nnegators: [ojo, jangan,"),
        "mini.yaml",
    )
    assert codes(answer(book, "Ojo judes.")) == {("attitude", "negative")}
    assert "ojo" in book.discourse.prohibitives and "jangan" in book.discourse.prohibitives
