"""A refusal to change anything: in answer to a question of what should change, "Nggak,
udah bagus" and "Nothing really, it's fine" say nothing should, so what they praise is
praise, and the refusal alone praises the question's topic. Every example is written for
this test, in Indonesian and English, against the small codebooks of ``conftest``.
"""

from __future__ import annotations

import pytest

from .test_context import answer, code, codes


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Nggak, udah bagus.", {("attitude", "positive")}),
        ("Nggak ada, petugasnya udah ramah.", {("attitude", "positive")}),
        ("Nggak ada.", {("attitude", "positive")}),
        ("Belum ada sih, Mas.", {("attitude", "positive")}),
    ],
)
def test_a_refusal_to_change_anything_is_praise(mini, reply, expected):
    result = answer(mini, reply, question="Ada yang perlu diperbaiki dari sikap petugasnya?")
    assert codes(result) == expected
    assert "refusal" in result.codings["rule"].iloc[0]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("No, they're fine.", {("courtesy", "positive")}),
        ("Nothing really, they were polite.", {("courtesy", "positive")}),
        ("Nothing.", {("courtesy", "positive")}),
    ],
)
def test_the_same_in_english(clinic, reply, expected):
    result = answer(clinic, reply, question="Is there anything you'd change about the staff?")
    assert codes(result) == expected


def test_a_refusal_without_a_topic_codes_only_what_it_names(mini, clinic):
    assert codes(answer(mini, "Nggak ada.", question="Ada saran, Pak?")) == set()
    assert codes(answer(mini, "Nggak, petugasnya ramah.", question="Ada saran, Pak?")) == {
        ("attitude", "positive")
    }
    assert codes(answer(clinic, "No, all good, they were kind.", question="Any suggestions?")) == {
        ("courtesy", "positive")
    }


def test_the_rest_of_the_answer_is_praise_too(mini):
    result = code(
        mini,
        ("P", "Ada saran, Pak?"),
        ("M01", "Nggak ada. Petugasnya sudah ramah, prosesnya cepat."),
    )
    assert codes(result) == {("attitude", "positive"), ("professionalism", "positive")}


@pytest.mark.parametrize(
    "reply",
    ["Nggak, tapi petugasnya lebih ramah.", "Petugasnya lebih ramah.", "Iya, lebih ramah."],
)
def test_no_refusal_or_a_contrast_after_it_still_names_what_lacks(mini, reply):
    assert codes(answer(mini, reply, question="Ada saran, Pak?")) == {("attitude", "negative")}


def test_a_refusal_after_a_prompt_to_go_on_praises_no_topic(mini):
    result = code(
        mini,
        ("P", "Ada yang perlu diperbaiki dari sikap petugasnya?"),
        ("M01", "Petugasnya lebih sabar."),
        ("P", "Terus?"),
        ("M01", "Nggak ada."),
    )
    assert codes(result, "Nggak ada.") == set()
