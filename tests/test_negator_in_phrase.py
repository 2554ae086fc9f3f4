"""A negator that ends on a phrase's own first word ("sama sekali tidak" over "tidak
ramah", "they're not" over "not the newest") is the phrase's own negation, already
written into it: it does not flip the phrase again. Every example is written for this
test, in Indonesian and English, on the small codebooks of ``conftest``.
"""

from __future__ import annotations

from ektp_qual import parse_codebook

from .conftest import ENGLISH_CODEBOOK, MINI_CODEBOOK
from .test_context import answer, codes


def test_a_negator_ending_on_the_phrase_does_not_flip_it():
    book = parse_codebook(
        MINI_CODEBOOK.replace("negators: [", "negators: [sama sekali tidak, ").replace(
            "negative: [judes,", "negative: [tidak ramah, judes,"
        ),
        "mini.yaml",
    )
    assert codes(answer(book, "Petugasnya sama sekali tidak ramah.")) == {("attitude", "negative")}
    assert codes(answer(book, "Petugasnya tidak judes.")) == {("attitude", "positive")}


def test_the_same_in_english():
    book = parse_codebook(
        ENGLISH_CODEBOOK.replace("negators: [", 'negators: ["certainly not", ').replace(
            "negative: [rude,", 'negative: ["not polite", rude,'
        ),
        "clinic.yaml",
    )
    reply = "They were certainly not polite."
    assert codes(answer(book, reply, question="How did the staff treat you?")) == {
        ("courtesy", "negative")
    }
    reply = "They were not rude."
    assert codes(answer(book, reply, question="How did the staff treat you?")) == {
        ("courtesy", "positive")
    }
